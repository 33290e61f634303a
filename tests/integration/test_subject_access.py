"""Subject access reports on SQLite and PostgreSQL: what is held, its sources, every access, and what
each requester may not see (shielded children's whereabouts, sensitive services); sealed and
out-of-scope records are not found; producing a report is audited."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date

import pytest

from contactpoint.access import totp
from contactpoint.access.errors import PermissionDenied
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import principal_of, provision_account
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.search import SearchCriteria, search_children
from contactpoint.app.children.view import view_child
from contactpoint.app.oversight.auditing import query_audit
from contactpoint.app.oversight.subject_access import (
    RESTRICTED_NOTICE,
    ReportFormat,
    Requester,
    SubjectAccessReport,
    produce_subject_access_report,
)
from contactpoint.app.safeguards.adoption import AdoptiveIdentity, request_adoption
from contactpoint.domain.errors import NotFound
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    ContactDetails,
    Involvement,
    Organisation,
    PersonName,
    PostalAddress,
    Whereabouts,
)
from contactpoint.domain.vocabulary import (
    AddressState,
    RecordStatus,
    Relationship,
    SensitiveBasis,
    ServiceType,
)
from contactpoint.store.ledger_repository import LedgerEntry
from contactpoint.store.provenance_repository import Provenance
from contactpoint.web.subject_access_render import sections
from tests.websupport import HOME_LA, OTHER_LA, PASSWORD

BORN = date(2012, 6, 14)
ADDRESS = PostalAddress(("17 Quarry Hill Road",), Postcode.parse("LS9 8AB"), "Leeds")
CARER_PHONE = "07700 900461"
CARER_EMAIL = "parent.wrenfield@example.org"
SCHOOL = Organisation("URN104421", "Quarry Hill Academy")
CLINIC = Organisation("RX4CAMHS", "Eastgate Young Minds Clinic")
CLINIC_PHONE = "01632 960777"


def account(runtime, role, *, la=HOME_LA, service=None, org=None):
    with runtime.unit_of_work() as uow:
        user_id = provision_account(
            runtime,
            uow,
            username=f"{role.value}-{totp.new_secret()[:8].lower()}",
            role=role,
            la_code=None if role.is_national else la,
            org_code=org.code if org else None,
            org_name=org.name if org else None,
            service=service,
            password=PASSWORD,
            totp_secret=totp.new_secret(),
            enrolled=True,
        )
        uow.commit()
        return principal_of(uow.users.get(user_id))


def a_child(factory, status=RecordStatus.ACTIVE, family="Wrenfield"):
    base = factory.child(la_code=HOME_LA, status=status)
    return replace(
        base,
        names=ChildNames(PersonName("Tamsin", family), known_as=(PersonName("Tam", family),)),
        date_of_birth=BORN,
        whereabouts=Whereabouts(AddressState.KNOWN, ADDRESS),
        carers=(
            Carer(
                PersonName("Harriet", family),
                Relationship.MOTHER,
                True,
                ContactDetails(phone=CARER_PHONE, email=CARER_EMAIL),
            ),
        ),
        involvements=(
            Involvement(ServiceType.EDUCATION, SCHOOL, date(2023, 9, 1), lead_professional=True),
            Involvement(
                ServiceType.CAMHS,
                CLINIC,
                date(2026, 3, 2),
                practitioner=PersonName("Ruth", "Okafor"),
                contact=ContactDetails(phone=CLINIC_PHONE),
                sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
            ),
        ),
    )


def store(runtime, record):
    from tests.websupport import store_children  # noqa: PLC0415  # kept beside its one use

    (stored,) = store_children(runtime, [record])
    with runtime.unit_of_work() as uow:
        run = uow.feed_runs.start("nhs_registrations")
        uow.ledger.record(
            run,
            [
                LedgerEntry(
                    "nhs_registrations", "NHS-ROW-88", stored.cp_id.value, "linked", None, stored.cp_id.value
                )
            ],
        )
        uow.provenance.set(
            {
                stored.cp_id.value: [
                    Provenance("name", "nhs_registrations", "NHS-ROW-88", date(2026, 1, 5)),
                    Provenance("address", "child_benefit", "CB-ROW-12", date(2026, 2, 9)),
                ]
            }
        )
        uow.commit()
    return stored


@pytest.fixture
def people(runtime):
    return {
        "teacher": account(runtime, Role.PRACTITIONER, service=ServiceType.EDUCATION, org=SCHOOL),
        "clinician": account(runtime, Role.PRACTITIONER, service=ServiceType.CAMHS, org=CLINIC),
        "protector": account(runtime, Role.CHILD_PROTECTION, service=ServiceType.SOCIAL_CARE, org=SCHOOL),
        "auditor": account(runtime, Role.AUDITOR),
    }


def used_by_practitioners(runtime, people, child):
    criteria = SearchCriteria("Wrenfield", AccessReason.ASSESSMENT, date_of_birth=BORN)
    assert [h.cp_id for h in search_children(runtime, people["teacher"], criteria)] == [child.cp_id.value]
    view_child(runtime, people["teacher"], child.cp_id, AccessReason.SERVICE_DELIVERY)
    view_child(runtime, people["clinician"], child.cp_id, AccessReason.CONTACT_PRACTITIONER)


def text_of(report: SubjectAccessReport) -> str:
    return repr(asdict(report))


def test_the_young_persons_report_holds_everything_with_its_sources_and_every_access(
    runtime, factory, people
):
    child = store(runtime, a_child(factory))
    used_by_practitioners(runtime, people, child)

    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.YOUNG_PERSON)

    assert report.cp_id == child.cp_id.value
    assert [(n.kind, n.given) for n in report.names] == [("current", "Tamsin"), ("known_as", "Tam")]
    assert report.date_of_birth == BORN
    assert report.status == "active"
    assert report.la_code == HOME_LA
    assert report.whereabouts is not None
    assert report.whereabouts.lines == ["17 Quarry Hill Road", "Leeds"]
    assert report.whereabouts.postcode == "LS9 8AB"
    assert (report.carers[0].phone, report.carers[0].email) == (CARER_PHONE, CARER_EMAIL)
    assert [(i.service, i.organisation_name) for i in report.involvements] == [
        ("education", SCHOOL.name),
        ("camhs", CLINIC.name),
    ]
    assert report.involvements[0].lead_professional
    assert report.involvements[1].sensitive_basis == "consent_young_person"
    assert report.identifiers == [f"nhs_number: {child.identifiers[0].value}"]
    assert [(p.field, p.source, p.row_key, p.as_of) for p in report.provenance] == [
        ("address", "child_benefit", "CB-ROW-12", date(2026, 2, 9)),
        ("name", "nhs_registrations", "NHS-ROW-88", date(2026, 1, 5)),
    ]
    assert [(s.source, s.rows) for s in report.sources] == [("nhs_registrations", 1)]
    assert report.notice is None
    assert report.withheld == []
    accesses = [(a.action, a.organisation, a.role, a.service, a.reason) for a in report.accesses]
    assert accesses == [
        (
            "searched (the child was among the results)",
            SCHOOL.name,
            "practitioner",
            "education",
            AccessReason.ASSESSMENT.label,
        ),
        ("viewed the record", SCHOOL.name, "practitioner", "education", AccessReason.SERVICE_DELIVERY.label),
        ("viewed the record", CLINIC.name, "practitioner", "camhs", AccessReason.CONTACT_PRACTITIONER.label),
        (
            "produced a subject access report",
            f"Local authority {HOME_LA}",
            "auditor",
            None,
            "A subject access request",
        ),
    ]
    assert all(a.at.tzinfo is not None for a in report.accesses)
    assert report.accesses_complete


def test_a_parents_report_leaves_out_sensitive_services_and_carers_contact_details(runtime, factory, people):
    child = store(runtime, a_child(factory))
    used_by_practitioners(runtime, people, child)

    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.PARENT_CARER)

    assert [i.service for i in report.involvements] == ["education"]
    assert report.whereabouts is None  # never located for a third party, shielded or not
    assert [(i.organisation_name, i.phone) for i in report.involvements] == [(None, None)]
    assert (report.carers[0].given, report.carers[0].phone, report.carers[0].email) == ("Harriet", None, None)
    clinic_access = report.accesses[2]
    assert (clinic_access.organisation, clinic_access.service, clinic_access.role) == (
        None,
        None,
        "practitioner",
    )
    assert report.status is None
    assert report.notice == RESTRICTED_NOTICE
    withheld = {
        "locating_details",
        "sensitive_services",
        "carer_contacts",
        "record_status",
        "source_row_keys",
    }
    assert set(report.withheld) == withheld
    text = text_of(report)
    for secret in (CLINIC.name, CLINIC.code, CLINIC_PHONE, "camhs", "Okafor", CARER_PHONE, CARER_EMAIL):
        assert secret not in text


def test_a_parents_report_labels_every_access_alike_so_no_blank_marks_a_sensitive_service(
    runtime, factory, people
):
    child = store(runtime, a_child(factory))
    used_by_practitioners(runtime, people, child)  # a school and a CAMHS clinic look the child up

    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.PARENT_CARER)

    practitioners = [a for a in report.accesses if a.role == "practitioner"]
    assert len(practitioners) == 3
    assert {(a.service, a.organisation) for a in report.accesses} == {(None, None)}


def test_a_representative_is_restricted_like_a_parent(runtime, factory, people):
    child = store(runtime, a_child(factory))
    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.REPRESENTATIVE)
    assert [i.service for i in report.involvements] == ["education"]
    assert report.notice == RESTRICTED_NOTICE


def test_a_shielded_childs_report_to_a_parent_reveals_nothing_that_locates_the_child(
    runtime, factory, people
):
    child = store(runtime, a_child(factory, RecordStatus.SHIELDED))
    view_child(runtime, people["teacher"], child.cp_id, AccessReason.SAFEGUARDING_CONCERN)
    view_child(runtime, people["protector"], child.cp_id, AccessReason.SAFEGUARDING_CONCERN, override=True)

    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.PARENT_CARER)

    assert report.names[0].given == "Tamsin"
    assert report.date_of_birth == BORN
    assert report.whereabouts is None
    assert [(i.service, i.organisation_name) for i in report.involvements] == [("education", None)]
    assert report.identifiers == []
    assert report.la_code is None
    assert report.status is None
    assert [c.given for c in report.carers] == ["Harriet"]
    assert [p.field for p in report.provenance] == ["name"]
    assert all(p.row_key is None for p in report.provenance)
    assert [a.action for a in report.accesses] == [
        "viewed the record",
        "viewed the record",  # the override, which only exists for shielded children, is not named
        "produced a subject access report",
    ]
    assert all(a.organisation is None for a in report.accesses)
    assert "locating_details" in report.withheld
    text = text_of(report)
    for secret in (
        "Quarry Hill Road",
        "LS9",
        "Leeds",
        SCHOOL.name,
        SCHOOL.code,
        CLINIC.name,
        CARER_PHONE,
        CARER_EMAIL,
        "shield",
        "override",
        f"Local authority {HOME_LA}",
        child.identifiers[0].value,
    ):
        assert secret not in text, secret


def test_a_parent_cannot_tell_a_shielded_child_from_another_by_the_reports_shape(runtime, factory, people):
    """Two children held alike but for the shielding give a parent reports of one shape: the same
    sections, the same labels, the same categories withheld."""
    plain = store(runtime, a_child(factory))
    shielded = store(runtime, a_child(factory, RecordStatus.SHIELDED))

    def shape(cp_id):
        report = produce_subject_access_report(runtime, people["auditor"], cp_id, Requester.PARENT_CARER)
        return report.withheld, [(s.title, [label for label, _ in s.rows]) for s in sections(report)]

    assert shape(plain.cp_id) == shape(shielded.cp_id)


def test_a_shielded_childs_own_report_is_full(runtime, factory, people):
    child = store(runtime, a_child(factory, RecordStatus.SHIELDED))
    view_child(runtime, people["protector"], child.cp_id, AccessReason.SAFEGUARDING_CONCERN, override=True)

    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.YOUNG_PERSON)

    assert report.status == "shielded"
    assert report.whereabouts is not None
    assert report.whereabouts.postcode == "LS9 8AB"
    assert len(report.involvements) == 2
    assert report.accesses[0].action == "viewed the record under the shielding override"
    assert report.accesses[0].organisation == SCHOOL.name


def test_a_search_result_counts_as_an_access_but_never_names_the_other_children(runtime, factory, people):
    child = store(runtime, a_child(factory))
    other = store(runtime, replace(a_child(factory), names=ChildNames(PersonName("Tobias", "Wrenfield"))))
    criteria = SearchCriteria("Wrenfield", AccessReason.NEW_REFERRAL, date_of_birth=BORN)
    found = {h.cp_id for h in search_children(runtime, people["teacher"], criteria)}
    assert found == {child.cp_id.value, other.cp_id.value}

    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.YOUNG_PERSON)

    assert report.accesses[0].reason == AccessReason.NEW_REFERRAL.label
    text = text_of(report)
    assert other.cp_id.value not in text
    assert "Tobias" not in text


@pytest.mark.parametrize("requester", list(Requester))
def test_sealed_records_and_other_las_children_are_not_found_like_missing_ones(
    runtime, factory, people, requester
):
    sealed = store(runtime, a_child(factory, RecordStatus.SEALED))
    elsewhere = store(runtime, replace(a_child(factory), la_code=OTHER_LA))
    missing = replace(a_child(factory)).cp_id
    messages = set()
    for cp_id in (sealed.cp_id, elsewhere.cp_id, missing):
        with pytest.raises(NotFound) as raised:
            produce_subject_access_report(runtime, people["auditor"], cp_id, requester)
        messages.add(str(raised.value))
    assert messages == {"no such record"}
    other_auditor = account(runtime, Role.AUDITOR, la=OTHER_LA)
    report = produce_subject_access_report(runtime, other_auditor, elsewhere.cp_id, requester)
    assert report.cp_id == elsewhere.cp_id.value


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.AUDITOR])
def test_no_other_role_produces_reports(runtime, factory, role):
    child = store(runtime, a_child(factory))
    practice = {"service": ServiceType.EDUCATION, "org": SCHOOL} if role.needs_service else {}
    someone = account(runtime, role, **practice)
    with pytest.raises(PermissionDenied):
        produce_subject_access_report(runtime, someone, child.cp_id, Requester.YOUNG_PERSON)


def test_producing_a_report_is_audited_with_requester_and_format_and_refusals_too(runtime, factory, people):
    child = store(runtime, a_child(factory))
    sealed = store(runtime, a_child(factory, RecordStatus.SEALED))
    produce_subject_access_report(
        runtime, people["auditor"], child.cp_id, Requester.PARENT_CARER, output=ReportFormat.PDF
    )
    with pytest.raises(NotFound):
        produce_subject_access_report(runtime, people["auditor"], sealed.cp_id, Requester.YOUNG_PERSON)

    second_auditor = account(runtime, Role.AUDITOR)
    entries = query_audit(runtime, second_auditor, user_id=people["auditor"].user_id)
    made = [(e.kind, e.children, e.details) for e in entries if e.kind == "children:subject-access"]
    assert made == [
        (
            "children:subject-access",
            [sealed.cp_id.value],
            {"requester": "young_person", "format": "json", "found": False},
        ),
        (
            "children:subject-access",
            [child.cp_id.value],
            {"requester": "parent_carer", "format": "pdf", "found": True},
        ),
    ]


def test_an_adoption_in_progress_never_shows_in_a_report(runtime, factory, people):
    child = store(runtime, a_child(factory))
    adoptive = AdoptiveIdentity(
        ChildNames(PersonName("Tamsin", "Quillfeather")), factory.child().whereabouts, HOME_LA
    )
    request_adoption(runtime, account(runtime, Role.LA_DATA_ADMIN), child.cp_id, adoptive)

    report = produce_subject_access_report(runtime, people["auditor"], child.cp_id, Requester.YOUNG_PERSON)

    assert [a.action for a in report.accesses] == ["produced a subject access report"]
    assert "dopt" not in text_of(report)
