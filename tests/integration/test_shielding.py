"""The shielding workflow on SQLite and PostgreSQL: asked by one LA data administrator, decided by
another, applied at once to search and view, reviewed by its date, audited with codes only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.policy import ViewLevel
from contactpoint.access.roles import Role
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.search import SearchCriteria, search_children
from contactpoint.app.children.view import view_child
from contactpoint.app.safeguards.shielding import (
    ask_for_brokered_contact,
    close_contact_request,
    decide_shielding_change,
    open_contact_requests,
    pending_shielding_requests,
    request_shielding_change,
    shielding_reviews_due,
)
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


def principal(runtime, role, la=HOME_LA):
    return make_principal(runtime, role, la_code=la)


@pytest.fixture
def child(runtime, factory):
    base = factory.child(la_code=HOME_LA)
    address = PostalAddress(("4 Mill Lane",), Postcode.parse("LS6 2QT"), "Leeds")
    record = replace(
        base,
        names=ChildNames(PersonName("Imogen", "Threlkeld")),
        date_of_birth=date(2017, 2, 11),
        whereabouts=Whereabouts(AddressState.KNOWN, address),
    )
    (stored,) = store_children(runtime, [record])
    return stored


@pytest.fixture
def admins(runtime):
    return principal(runtime, Role.LA_DATA_ADMIN), principal(runtime, Role.LA_DATA_ADMIN)


def status(runtime, child):
    with runtime.unit_of_work() as uow:
        return uow.children.get(child.cp_id).record.status


def found(runtime, who, **criteria):
    hits = search_children(runtime, who, SearchCriteria(reason=AccessReason.ASSESSMENT, **criteria))
    return [hit.cp_id for hit in hits]


def test_a_second_administrator_approves_and_the_child_is_shielded_at_once(runtime, child, admins):
    first, second = admins
    request_id = request_shielding_change(runtime, first, child.cp_id, SHIELD)
    assert status(runtime, child) is RecordStatus.ACTIVE
    assert [r.id for r in pending_shielding_requests(runtime, second)] == [request_id]

    decide_shielding_change(runtime, second, request_id, approve=True)
    assert status(runtime, child) is RecordStatus.SHIELDED
    assert pending_shielding_requests(runtime, second) == []

    practitioner = principal(runtime, Role.PRACTITIONER)
    by_hidden_field = found(
        runtime, practitioner, family_name="Threlkeld", given_name="Imogen", postcode_district="LS6"
    )
    assert child.cp_id.value not in by_hidden_field
    assert child.cp_id.value in found(
        runtime, practitioner, family_name="Threlkeld", date_of_birth=date(2017, 2, 11)
    )
    view = view_child(runtime, practitioner, child.cp_id, AccessReason.ASSESSMENT)
    assert view.level is ViewLevel.LIMITED
    assert view.address_lines is None


def test_the_requester_cannot_decide_their_own_request(runtime, child, admins):
    first, _second = admins
    request_id = request_shielding_change(runtime, first, child.cp_id, SHIELD)
    with pytest.raises(PermissionDenied):
        decide_shielding_change(runtime, first, request_id, approve=True)
    assert status(runtime, child) is RecordStatus.ACTIVE


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
def test_nobody_but_the_owning_las_data_administrators_may_ask_or_decide(runtime, child, admins, role, la):
    outsider = principal(runtime, role, la=la)
    # Another LA's team is told the child does not exist; other roles that they may not ask at all.
    with pytest.raises(NotFound if role is Role.LA_DATA_ADMIN else PermissionDenied):
        request_shielding_change(runtime, outsider, child.cp_id, SHIELD)
    request_id = request_shielding_change(runtime, admins[0], child.cp_id, SHIELD)
    # Another LA's team is answered as for a request number that does not exist
    with pytest.raises(NotFound if role is Role.LA_DATA_ADMIN else PermissionDenied):
        decide_shielding_change(runtime, outsider, request_id, approve=True)
    if role is Role.LA_DATA_ADMIN:
        assert pending_shielding_requests(runtime, outsider) == []  # their own LA's queue
    else:
        with pytest.raises(PermissionDenied):
            pending_shielding_requests(runtime, outsider)
    assert status(runtime, child) is RecordStatus.ACTIVE


def test_a_rejected_request_changes_nothing_and_cannot_be_decided_again(runtime, child, admins):
    first, second = admins
    request_id = request_shielding_change(runtime, first, child.cp_id, SHIELD)
    decide_shielding_change(runtime, second, request_id, approve=False)
    assert status(runtime, child) is RecordStatus.ACTIVE
    with pytest.raises(ConcurrentUpdate):
        decide_shielding_change(runtime, second, request_id, approve=True)
    assert status(runtime, child) is RecordStatus.ACTIVE


def test_one_request_at_a_time_and_only_one_that_makes_sense(runtime, child, admins):
    first, second = admins
    with pytest.raises(ValidationError):
        request_shielding_change(runtime, first, child.cp_id, UNSHIELD)  # not shielded
    request_shielding_change(runtime, first, child.cp_id, SHIELD)
    with pytest.raises(ValidationError):
        request_shielding_change(runtime, second, child.cp_id, SHIELD)


def test_unshielding_takes_four_eyes_too_and_restores_search_by_postcode(runtime, child, admins):
    first, second = admins
    decide_shielding_change(
        runtime, second, request_shielding_change(runtime, first, child.cp_id, SHIELD), approve=True
    )
    request_id = request_shielding_change(runtime, second, child.cp_id, UNSHIELD)
    with pytest.raises(PermissionDenied):
        decide_shielding_change(runtime, second, request_id, approve=True)
    decide_shielding_change(runtime, first, request_id, approve=True)
    assert status(runtime, child) is RecordStatus.ACTIVE
    practitioner = principal(runtime, Role.PRACTITIONER)
    assert child.cp_id.value in found(
        runtime, practitioner, family_name="Threlkeld", given_name="Imogen", postcode_district="LS6"
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
def test_requests_must_be_complete_and_consistent(runtime, child, admins, details):
    with pytest.raises(ValidationError):
        request_shielding_change(runtime, admins[0], child.cp_id, details)


def test_review_dates_raise_reminders_when_they_come(runtime, child, admins):
    first, second = admins
    decide_shielding_change(
        runtime, second, request_shielding_change(runtime, first, child.cp_id, SHIELD), approve=True
    )
    assert shielding_reviews_due(runtime, first) == []
    runtime.clock.advance(timedelta(days=180))
    (due,) = shielding_reviews_due(runtime, first)
    assert due.cp_id == child.cp_id
    assert principal(runtime, Role.LA_DATA_ADMIN, la=OTHER_LA).la_code == OTHER_LA
    assert shielding_reviews_due(runtime, principal(runtime, Role.LA_DATA_ADMIN, la=OTHER_LA)) == []


def test_every_step_is_audited_with_ids_and_codes_only(runtime, child, admins):
    first, second = admins
    decide_shielding_change(
        runtime, second, request_shielding_change(runtime, first, child.cp_id, SHIELD), approve=True
    )
    keys: AuditKeys = runtime.audit_keys
    table = Base.metadata.tables["audit_entries"]
    with runtime.engine.connect() as connection:
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


def test_a_practitioner_asks_the_la_team_to_broker_contact_for_a_shielded_child(runtime, child, admins):
    first, second = admins
    decide_shielding_change(
        runtime, second, request_shielding_change(runtime, first, child.cp_id, SHIELD), approve=True
    )
    practitioner = principal(runtime, Role.PRACTITIONER, la=OTHER_LA)
    request_id = ask_for_brokered_contact(runtime, practitioner, child.cp_id, ContactPurpose.EDUCATION)
    (queued,) = open_contact_requests(runtime, first)
    assert (queued.id, queued.cp_id, queued.requester_id) == (request_id, child.cp_id, practitioner.user_id)
    assert open_contact_requests(runtime, principal(runtime, Role.LA_DATA_ADMIN, la=OTHER_LA)) == []
    with pytest.raises(NotFound):  # another LA's request answers as a missing one
        close_contact_request(
            runtime,
            principal(runtime, Role.LA_DATA_ADMIN, la=OTHER_LA),
            request_id,
            ContactOutcome.BROKERED,
        )
    close_contact_request(runtime, second, request_id, ContactOutcome.BROKERED)
    assert open_contact_requests(runtime, first) == []
    with pytest.raises(ConcurrentUpdate):
        close_contact_request(runtime, first, request_id, ContactOutcome.DECLINED)


def test_brokering_is_not_offered_where_every_service_is_shown_or_the_child_is_unseen(
    runtime, child, factory
):
    practitioner = principal(runtime, Role.PRACTITIONER)
    plain = replace(child, involvements=tuple(i for i in child.involvements if not i.service.is_sensitive))
    with runtime.unit_of_work() as uow:
        uow.children.replace(plain, uow.children.get(child.cp_id).version)
        uow.commit()
    with pytest.raises(ValidationError):
        ask_for_brokered_contact(runtime, practitioner, child.cp_id, ContactPurpose.EDUCATION)
    (sealed,) = store_children(runtime, [factory.child(la_code=HOME_LA, status=RecordStatus.SEALED)])
    with pytest.raises(NotFound):
        ask_for_brokered_contact(runtime, practitioner, sealed.cp_id, ContactPurpose.EDUCATION)
    with pytest.raises(PermissionDenied):
        ask_for_brokered_contact(
            runtime, principal(runtime, Role.AUDITOR), child.cp_id, ContactPurpose.EDUCATION
        )
