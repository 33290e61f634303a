"""The use cases behind the API and UI, on SQLite and PostgreSQL: search, the record, involvements,
misuse alerts, and reads audited before they happen (invariants 2 and 5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from contactpoint.access.errors import AuthenticationFailed, PermissionDenied
from contactpoint.access.policy import ViewLevel
from contactpoint.access.roles import Role
from contactpoint.app.children.involvements import (
    InvolvementInput,
    add_involvement,
    end_involvement,
    update_involvement,
)
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.search import MAX_RESULTS, SearchCriteria, search_children
from contactpoint.app.children.view import view_child
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.app.oversight.auditing import query_audit, verify_audit
from contactpoint.app.oversight.misuse import HOURLY_SEARCH_LIMIT
from contactpoint.domain.errors import ConcurrentUpdate, NotFound, ValidationError
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    ChildNames,
    Involvement,
    Organisation,
    PersonName,
    PostalAddress,
    Whereabouts,
)
from contactpoint.domain.vocabulary import AddressState, RecordStatus, SensitiveBasis, ServiceType
from tests.websupport import HOME_LA, OTHER_LA, make_principal, store_children

REASON = AccessReason.ASSESSMENT


principal = make_principal


def child(
    factory,
    *,
    given="Oliver",
    family="Pemberton",
    born=date(2016, 4, 9),
    status=RecordStatus.ACTIVE,
    la=HOME_LA,
):
    base = factory.child(la_code=la, status=status)
    address = PostalAddress(("1 High Street",), Postcode.parse("LS1 4AB"), "Leeds")
    return replace(
        base,
        names=ChildNames(PersonName(given, family)),
        date_of_birth=born,
        whereabouts=Whereabouts(AddressState.KNOWN, address),
    )


def found(runtime, who, **criteria):
    return [hit.cp_id for hit in search_children(runtime, who, SearchCriteria(reason=REASON, **criteria))]


def test_search_tolerates_a_typo_a_phonetic_variant_a_nickname_and_swapped_day_and_month(runtime, factory):
    (target,) = store_children(
        runtime, [child(factory, given="William", family="Stephenson", born=date(2015, 3, 7))]
    )
    who = principal(runtime, Role.PRACTITIONER)
    assert target.cp_id.value in found(runtime, who, family_name="Stephensen", date_of_birth=date(2015, 3, 7))
    assert target.cp_id.value in found(runtime, who, family_name="Stevenson", date_of_birth=date(2015, 3, 7))
    assert target.cp_id.value in found(runtime, who, family_name="Stephenson", date_of_birth=date(2015, 7, 3))
    assert target.cp_id.value in found(
        runtime, who, family_name="Stephenson", given_name="Bill", postcode_district="LS1"
    )


def test_search_needs_the_minimum_criteria():
    with pytest.raises(ValidationError):
        SearchCriteria(family_name="Smith", reason=REASON)
    with pytest.raises(ValidationError):
        SearchCriteria(family_name="Smith", given_name="Ann", reason=REASON)
    SearchCriteria(family_name="Smith", date_of_birth=date(2015, 1, 1), reason=REASON)
    SearchCriteria(family_name="Smith", given_name="Ann", postcode_district="LS1", reason=REASON)


def test_search_returns_at_most_ten_children(runtime, factory):
    twins = [
        child(factory, given=name, family="Okafor")
        for name in ["Ada", "Ben", "Cal", "Dan", "Eve", "Fay", "Gus", "Hal", "Ian", "Joe", "Kim", "Lea"]
    ]
    store_children(runtime, twins)
    who = principal(runtime, Role.PRACTITIONER)
    assert len(found(runtime, who, family_name="Okafor", date_of_birth=date(2016, 4, 9))) == MAX_RESULTS


def test_a_shielded_child_is_found_by_visible_fields_but_never_by_postcode(runtime, factory):
    (hidden,) = store_children(
        runtime, [child(factory, given="Ada", family="Quenby", status=RecordStatus.SHIELDED)]
    )
    who = principal(runtime, Role.PRACTITIONER)
    assert hidden.cp_id.value in found(runtime, who, family_name="Quenby", date_of_birth=date(2016, 4, 9))
    assert found(runtime, who, family_name="Quenby", given_name="Ada", postcode_district="LS1") == []


def test_sealed_and_archived_children_are_never_found_by_practitioners(runtime, factory):
    store_children(
        runtime,
        [
            child(factory, given="Amy", family="Rowntree", status=s)
            for s in (RecordStatus.SEALED, RecordStatus.ARCHIVED)
        ],
    )
    who = principal(runtime, Role.PRACTITIONER)
    assert found(runtime, who, family_name="Rowntree", date_of_birth=date(2016, 4, 9)) == []


def test_every_search_is_audited_with_the_ids_it_returned_and_no_names(runtime, factory):
    (target,) = store_children(runtime, [child(factory)])
    who = principal(runtime, Role.PRACTITIONER)
    found(runtime, who, family_name="Pemberton", date_of_birth=date(2016, 4, 9))
    auditor = principal(runtime, Role.AUDITOR)
    entries = [e for e in query_audit(runtime, auditor, user_id=who.user_id) if e.kind == "children:search"]
    assert entries[0].children == [target.cp_id.value]
    assert entries[0].details["reason"] == "assessment"
    assert "Pemberton" not in repr(entries[0])
    assert "PEMBERTON" not in repr(entries[0])
    assert verify_audit(runtime).ok


def test_a_read_fails_when_its_audit_entry_cannot_be_written(runtime, factory):
    (target,) = store_children(runtime, [child(factory)])
    who = principal(runtime, Role.PRACTITIONER)
    with runtime.engine.begin() as connection:
        connection.execute(text("DROP TABLE audit_subjects"))
    with pytest.raises(Exception, match="audit_subjects"):
        search_children(runtime, who, SearchCriteria("Pemberton", REASON, date_of_birth=date(2016, 4, 9)))
    with pytest.raises(Exception, match="audit_subjects"):
        view_child(runtime, who, target.cp_id, REASON)


def test_the_record_hides_sensitive_services_from_other_practitioners(runtime, factory):
    camhs = Involvement(
        ServiceType.CAMHS,
        Organisation("CAMHS01", "Hillside CAMHS"),
        date(2025, 1, 1),
        practitioner=PersonName("Rae", "Doctor"),
        sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
    )
    record = child(factory)
    (target,) = store_children(runtime, [replace(record, involvements=(*record.involvements, camhs))])
    view = view_child(runtime, principal(runtime, Role.PRACTITIONER), target.cp_id, REASON)
    hidden = [i for i in view.involvements if i.sensitive_hidden]
    assert len(hidden) == 1
    assert "Hillside" not in repr(view)
    assert "camhs" not in repr(view).lower()
    own = principal(runtime, Role.PRACTITIONER, service=ServiceType.CAMHS, org_code="CAMHS01")
    assert "Hillside CAMHS" in repr(view_child(runtime, own, target.cp_id, REASON))


def test_the_shielding_override_shows_everything_warns_and_alerts(runtime, factory):
    (target,) = store_children(runtime, [child(factory, status=RecordStatus.SHIELDED)])
    practitioner = principal(runtime, Role.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        view_child(runtime, practitioner, target.cp_id, REASON, override=True)
    protector = principal(runtime, Role.CHILD_PROTECTION)
    limited = view_child(runtime, protector, target.cp_id, REASON)
    assert limited.level is ViewLevel.LIMITED
    assert limited.address_lines is None
    assert limited.involvements == []
    assert all(c.phone is None and c.email is None for c in limited.carers)
    full = view_child(runtime, protector, target.cp_id, REASON, override=True)
    assert full.level is ViewLevel.OVERRIDE
    assert full.warning is not None
    assert full.address_lines == ["1 High Street", "Leeds"]
    alerts = list_alerts(runtime, principal(runtime, Role.AUDITOR))
    assert "override_use" in {a.kind for a in alerts}


def test_a_record_out_of_reach_looks_exactly_like_one_that_does_not_exist(runtime, factory):
    sealed, other_la = store_children(
        runtime, [child(factory, status=RecordStatus.SEALED), child(factory, la=OTHER_LA)]
    )
    practitioner = principal(runtime, Role.PRACTITIONER)
    admin = principal(runtime, Role.LA_DATA_ADMIN)
    messages = set()
    for who, cp_id in ((practitioner, sealed.cp_id), (admin, other_la.cp_id)):
        with pytest.raises(NotFound) as caught:
            view_child(runtime, who, cp_id, REASON)
        messages.add(str(caught.value))
    assert messages == {"no such record"}


def _input(**changes):
    base = InvolvementInput("Sam", "Teacher", date(2026, 9, 1), phone="01632 960123")
    return replace(base, **changes)


def test_a_practitioner_adds_updates_and_ends_their_own_involvement_each_change_versioned(runtime, factory):
    (target,) = store_children(runtime, [child(factory)])
    who = principal(runtime, Role.PRACTITIONER)
    version = add_involvement(
        runtime, who, cp_id=target.cp_id, data=_input(lead_professional=True), expected_version=1
    )
    assert version == 2
    view = view_child(runtime, who, target.cp_id, REASON)
    mine = next(i for i in view.involvements if i.editable)
    assert mine.lead_professional
    assert sum(i.lead_professional for i in view.involvements) == 1
    version = update_involvement(
        runtime, who, cp_id=target.cp_id, index=mine.index, data=_input(caf_exists=True), expected_version=2
    )
    assert version == 3
    with pytest.raises(ConcurrentUpdate):
        end_involvement(
            runtime, who, cp_id=target.cp_id, index=mine.index, end=date(2026, 11, 1), expected_version=2
        )
    end_involvement(
        runtime, who, cp_id=target.cp_id, index=mine.index, end=date(2026, 11, 1), expected_version=3
    )
    ended = view_child(runtime, who, target.cp_id, REASON).involvements[mine.index]
    assert ended.end == date(2026, 11, 1)
    assert not ended.editable
    kinds = [e.kind for e in query_audit(runtime, principal(runtime, Role.AUDITOR), child=target.cp_id)]
    assert {"involvements:add", "involvements:update", "involvements:end"} <= set(kinds)


def test_nobody_changes_another_services_involvement(runtime, factory):
    (target,) = store_children(runtime, [child(factory)])
    gp_index = next(i for i, item in enumerate(target.involvements) if item.service is ServiceType.GP)
    who = principal(runtime, Role.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        update_involvement(
            runtime, who, cp_id=target.cp_id, index=gp_index, data=_input(), expected_version=1
        )


def test_involvements_cannot_be_added_to_a_shielded_childs_record(runtime, factory):
    (target,) = store_children(runtime, [child(factory, status=RecordStatus.SHIELDED)])
    with pytest.raises(NotFound):
        add_involvement(
            runtime,
            principal(runtime, Role.PRACTITIONER),
            cp_id=target.cp_id,
            data=_input(),
            expected_version=1,
        )


def test_auditors_see_their_own_la_only_and_never_their_own_trail(runtime, factory):
    target, elsewhere = store_children(runtime, [child(factory), child(factory, la=OTHER_LA)])
    here = principal(runtime, Role.PRACTITIONER, la_code=HOME_LA)
    there = principal(runtime, Role.PRACTITIONER, la_code=OTHER_LA)
    view_child(runtime, here, target.cp_id, REASON)
    view_child(runtime, there, target.cp_id, REASON)
    view_child(runtime, there, elsewhere.cp_id, REASON)
    auditor = principal(runtime, Role.AUDITOR, la_code=HOME_LA)
    actors = {e.actor_id for e in query_audit(runtime, auditor, child=target.cp_id)}
    assert actors == {here.user_id, there.user_id}  # the child is theirs, whoever read it
    assert query_audit(runtime, auditor, child=elsewhere.cp_id) == []  # another LA's child read there
    query_audit(runtime, auditor)
    national = principal(runtime, Role.NATIONAL_AUDITOR)
    assert {here.user_id, there.user_id} <= {e.actor_id for e in query_audit(runtime, national)}
    assert auditor.user_id not in {e.actor_id for e in query_audit(runtime, auditor)}


def test_a_hard_search_limit_suspends_the_account_and_tells_the_la_user_administrator(
    runtime, clock, factory
):
    store_children(runtime, [child(factory)])
    who = principal(runtime, Role.PRACTITIONER)
    criteria = SearchCriteria("Pemberton", REASON, date_of_birth=date(2016, 4, 9))
    for _ in range(HOURLY_SEARCH_LIMIT):
        clock.advance(timedelta(seconds=5))
        search_children(runtime, who, criteria)
    with pytest.raises(AuthenticationFailed):
        search_children(runtime, who, criteria)
    with runtime.unit_of_work() as uow:
        assert uow.users.get(who.user_id).suspended
    user_admin = principal(runtime, Role.LA_USER_ADMIN)
    assert [a.kind for a in list_alerts(runtime, user_admin)] == ["hard_limit_suspended"]
    kinds = [a.kind for a in list_alerts(runtime, principal(runtime, Role.AUDITOR))]
    assert kinds[0] == "hard_limit_suspended"
    assert "probing" in kinds


def test_shielded_hits_and_out_of_hours_use_raise_ranked_alerts(runtime, clock, factory):
    (target,) = store_children(runtime, [child(factory, status=RecordStatus.SHIELDED)])
    who = principal(runtime, Role.PRACTITIONER)
    clock.advance(timedelta(hours=13))  # 23:00 London time
    found(runtime, who, family_name="Pemberton", date_of_birth=date(2016, 4, 9))
    alerts = list_alerts(runtime, principal(runtime, Role.AUDITOR))
    assert [a.kind for a in alerts] == ["shielded_hit", "out_of_hours"]
    assert alerts[0].score > alerts[1].score
    assert target.cp_id.value not in repr(alerts)
