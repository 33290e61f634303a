"""The shielding workflow on SQLite and PostgreSQL: asked by one LA data administrator, decided by
another, applied at once to search and view, reviewed by its date, audited with codes only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.policy import ViewLevel
from contactpoint.access.roles import Role
from contactpoint.app.reasons import AccessReason
from contactpoint.app.search import SearchCriteria, search_children
from contactpoint.app.shielding import (
    ask_for_brokered_contact,
    close_contact_request,
    decide_shielding_change,
    open_contact_requests,
    pending_shielding_requests,
    request_shielding_change,
    shielding_reviews_due,
)
from contactpoint.app.view import view_child
from contactpoint.audit.keys import AuditKeys
from contactpoint.domain.errors import ConcurrentUpdate, NotFound, ValidationError
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import ChildNames, PersonName, PostalAddress, Whereabouts
from contactpoint.domain.shielding import (
    ContactOutcome,
    ContactPurpose,
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import AddressState, RecordStatus
from contactpoint.store.models import Base
from tests.websupport import HOME_LA, OTHER_LA, make_principal, store_children

TODAY = date(2026, 11, 23)  # the clock fixture's date
SHIELD = ShieldingRequestDetails(
    ShieldingChange.SHIELD, ShieldingReason.DOMESTIC_ABUSE, RequestedBy.POLICE, TODAY + timedelta(days=180)
)
UNSHIELD = ShieldingRequestDetails(
    ShieldingChange.UNSHIELD, ShieldingReason.RISK_ENDED, RequestedBy.LA_REVIEW, None
)


def principal(services, role, la=HOME_LA):
    return make_principal(services, role, la_code=la)


@pytest.fixture
def child(services, factory):
    base = factory.child(la_code=HOME_LA)
    address = PostalAddress(("4 Mill Lane",), Postcode.parse("LS6 2QT"), "Leeds")
    record = replace(
        base,
        names=ChildNames(PersonName("Imogen", "Threlkeld")),
        date_of_birth=date(2017, 2, 11),
        whereabouts=Whereabouts(AddressState.KNOWN, address),
    )
    (stored,) = store_children(services, [record])
    return stored


@pytest.fixture
def admins(services):
    return principal(services, Role.LA_DATA_ADMIN), principal(services, Role.LA_DATA_ADMIN)


def status(services, child):
    with services.unit_of_work() as uow:
        return uow.children.get(child.cp_id).record.status


def found(services, who, **criteria):
    hits = search_children(services, who, SearchCriteria(reason=AccessReason.ASSESSMENT, **criteria))
    return [hit.cp_id for hit in hits]


def test_a_second_administrator_approves_and_the_child_is_shielded_at_once(services, child, admins):
    first, second = admins
    request_id = request_shielding_change(services, first, child.cp_id, SHIELD)
    assert status(services, child) is RecordStatus.ACTIVE
    assert [r.id for r in pending_shielding_requests(services, second)] == [request_id]

    decide_shielding_change(services, second, request_id, approve=True)
    assert status(services, child) is RecordStatus.SHIELDED
    assert pending_shielding_requests(services, second) == []

    practitioner = principal(services, Role.PRACTITIONER)
    by_hidden_field = found(
        services, practitioner, family_name="Threlkeld", given_name="Imogen", postcode_district="LS6"
    )
    assert child.cp_id.value not in by_hidden_field
    assert child.cp_id.value in found(
        services, practitioner, family_name="Threlkeld", date_of_birth=date(2017, 2, 11)
    )
    view = view_child(services, practitioner, child.cp_id, AccessReason.ASSESSMENT)
    assert view.level is ViewLevel.LIMITED
    assert view.address_lines is None


def test_the_requester_cannot_decide_their_own_request(services, child, admins):
    first, _second = admins
    request_id = request_shielding_change(services, first, child.cp_id, SHIELD)
    with pytest.raises(PermissionDenied):
        decide_shielding_change(services, first, request_id, approve=True)
    assert status(services, child) is RecordStatus.ACTIVE


@pytest.mark.parametrize(
    ("role", "la"),
    [
        (Role.LA_DATA_ADMIN, OTHER_LA),
        (Role.PRACTITIONER, HOME_LA),
        (Role.CHILD_PROTECTION, HOME_LA),
        (Role.LA_USER_ADMIN, HOME_LA),
        (Role.AUDITOR, HOME_LA),
        (Role.NATIONAL_ADMIN, None),
    ],
)
def test_nobody_but_the_owning_las_data_administrators_may_ask_or_decide(services, child, admins, role, la):
    outsider = principal(services, role, la=la)
    with pytest.raises(PermissionDenied):
        request_shielding_change(services, outsider, child.cp_id, SHIELD)
    request_id = request_shielding_change(services, admins[0], child.cp_id, SHIELD)
    with pytest.raises(PermissionDenied):
        decide_shielding_change(services, outsider, request_id, approve=True)
    if role is Role.LA_DATA_ADMIN:
        assert pending_shielding_requests(services, outsider) == []  # their own LA's queue
    else:
        with pytest.raises(PermissionDenied):
            pending_shielding_requests(services, outsider)
    assert status(services, child) is RecordStatus.ACTIVE


def test_a_rejected_request_changes_nothing_and_cannot_be_decided_again(services, child, admins):
    first, second = admins
    request_id = request_shielding_change(services, first, child.cp_id, SHIELD)
    decide_shielding_change(services, second, request_id, approve=False)
    assert status(services, child) is RecordStatus.ACTIVE
    with pytest.raises(ConcurrentUpdate):
        decide_shielding_change(services, second, request_id, approve=True)
    assert status(services, child) is RecordStatus.ACTIVE


def test_one_request_at_a_time_and_only_one_that_makes_sense(services, child, admins):
    first, second = admins
    with pytest.raises(ValidationError):
        request_shielding_change(services, first, child.cp_id, UNSHIELD)  # not shielded
    request_shielding_change(services, first, child.cp_id, SHIELD)
    with pytest.raises(ValidationError):
        request_shielding_change(services, second, child.cp_id, SHIELD)


def test_unshielding_takes_four_eyes_too_and_restores_search_by_postcode(services, child, admins):
    first, second = admins
    decide_shielding_change(
        services, second, request_shielding_change(services, first, child.cp_id, SHIELD), approve=True
    )
    request_id = request_shielding_change(services, second, child.cp_id, UNSHIELD)
    with pytest.raises(PermissionDenied):
        decide_shielding_change(services, second, request_id, approve=True)
    decide_shielding_change(services, first, request_id, approve=True)
    assert status(services, child) is RecordStatus.ACTIVE
    practitioner = principal(services, Role.PRACTITIONER)
    assert child.cp_id.value in found(
        services, practitioner, family_name="Threlkeld", given_name="Imogen", postcode_district="LS6"
    )


@pytest.mark.parametrize(
    "details",
    [
        replace(SHIELD, review_on=None),
        replace(SHIELD, review_on=TODAY),
        replace(SHIELD, review_on=TODAY + timedelta(days=400)),
        replace(SHIELD, reason=ShieldingReason.RISK_ENDED),
        replace(UNSHIELD, reason=ShieldingReason.DOMESTIC_ABUSE),
        replace(UNSHIELD, review_on=TODAY + timedelta(days=30)),
    ],
)
def test_requests_must_be_complete_and_consistent(services, child, admins, details):
    with pytest.raises(ValidationError):
        request_shielding_change(services, admins[0], child.cp_id, details)


def test_review_dates_raise_reminders_when_they_come(services, child, admins):
    first, second = admins
    decide_shielding_change(
        services, second, request_shielding_change(services, first, child.cp_id, SHIELD), approve=True
    )
    assert shielding_reviews_due(services, first) == []
    services.clock.advance(timedelta(days=180))
    (due,) = shielding_reviews_due(services, first)
    assert due.cp_id == child.cp_id
    assert principal(services, Role.LA_DATA_ADMIN, la=OTHER_LA).la_code == OTHER_LA
    assert shielding_reviews_due(services, principal(services, Role.LA_DATA_ADMIN, la=OTHER_LA)) == []


def test_every_step_is_audited_with_ids_and_codes_only(services, child, admins):
    first, second = admins
    decide_shielding_change(
        services, second, request_shielding_change(services, first, child.cp_id, SHIELD), approve=True
    )
    keys: AuditKeys = services.audit_keys
    table = Base.metadata.tables["audit_entries"]
    with services.engine.connect() as connection:
        rows = connection.execute(table.select().order_by(table.c.seq)).mappings().all()
    entries = {
        row["kind"]: keys.open(row["seq"], row["kind"], row["key_version"], row["payload"]) for row in rows
    }
    assert entries["shielding:request"]["children"] == [child.cp_id.value]
    assert entries["shielding:request"]["reason"] == "domestic_abuse"
    assert entries["shielding:approve"]["children"] == [child.cp_id.value]
    text = repr(entries)
    for value in ("Imogen", "Threlkeld", "LS6", "Mill Lane", "2017-02-11"):
        assert value not in text


def test_a_practitioner_asks_the_la_team_to_broker_contact_for_a_shielded_child(services, child, admins):
    first, second = admins
    decide_shielding_change(
        services, second, request_shielding_change(services, first, child.cp_id, SHIELD), approve=True
    )
    practitioner = principal(services, Role.PRACTITIONER, la=OTHER_LA)
    request_id = ask_for_brokered_contact(services, practitioner, child.cp_id, ContactPurpose.EDUCATION)
    (queued,) = open_contact_requests(services, first)
    assert (queued.id, queued.cp_id, queued.requester_id) == (request_id, child.cp_id, practitioner.user_id)
    assert open_contact_requests(services, principal(services, Role.LA_DATA_ADMIN, la=OTHER_LA)) == []
    with pytest.raises(PermissionDenied):
        close_contact_request(
            services,
            principal(services, Role.LA_DATA_ADMIN, la=OTHER_LA),
            request_id,
            ContactOutcome.BROKERED,
        )
    close_contact_request(services, second, request_id, ContactOutcome.BROKERED)
    assert open_contact_requests(services, first) == []
    with pytest.raises(ConcurrentUpdate):
        close_contact_request(services, first, request_id, ContactOutcome.DECLINED)


def test_brokering_is_not_offered_where_every_service_is_shown_or_the_child_is_unseen(
    services, child, factory
):
    practitioner = principal(services, Role.PRACTITIONER)
    plain = replace(child, involvements=tuple(i for i in child.involvements if not i.service.is_sensitive))
    with services.unit_of_work() as uow:
        uow.children.replace(plain, uow.children.get(child.cp_id).version)
        uow.commit()
    with pytest.raises(ValidationError):
        ask_for_brokered_contact(services, practitioner, child.cp_id, ContactPurpose.EDUCATION)
    (sealed,) = store_children(services, [factory.child(la_code=HOME_LA, status=RecordStatus.SEALED)])
    with pytest.raises(NotFound):
        ask_for_brokered_contact(services, practitioner, sealed.cp_id, ContactPurpose.EDUCATION)
    with pytest.raises(PermissionDenied):
        ask_for_brokered_contact(
            services, principal(services, Role.AUDITOR), child.cp_id, ContactPurpose.EDUCATION
        )
