"""Recording an adoption on SQLite and PostgreSQL: asked by one LA data administrator, approved by a
second, sealed, re-issued, and joined by nothing: no index value, column, request or audit entry
(invariant 4)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.roles import Role
from contactpoint.app.children.records import register_children
from contactpoint.app.operations.keys import rotate_keys
from contactpoint.app.oversight.auditing import query_audit
from contactpoint.app.safeguards.adoption import (
    AdoptiveIdentity,
    decide_adoption,
    pending_adoptions,
    request_adoption,
)
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.store import codec
from contactpoint.store.access_models import AuditEntryRow, AuditSubjectRow
from contactpoint.store.models import BlindIndexEntry
from contactpoint.store.safeguard_models import AdoptionRequestRow
from tests.websupport import make_principal


@pytest.fixture
def birth(runtime, factory):
    made = []

    def build(_item, cp_id):
        made.append(factory.child(cp_id))
        return made[-1]

    register_children(runtime, range(30), build)
    return made[0]


def admins(runtime, la_code):
    """Two data administrators of the LA: one asks, the other decides."""
    return (
        make_principal(runtime, Role.LA_DATA_ADMIN, la_code=la_code),
        make_principal(runtime, Role.LA_DATA_ADMIN, la_code=la_code),
    )


def record_adoption(runtime, birth_id, adoptive):
    """The whole four-eyes path: requested, then approved by a second administrator."""
    with runtime.unit_of_work() as uow:
        la_code = uow.children.get(birth_id).record.la_code
    first, second = admins(runtime, la_code)
    request_id = request_adoption(runtime, first, birth_id, adoptive)
    return decide_adoption(runtime, second, request_id, approve=True)


def _adoptive(birth, factory, *, same_address=False):
    other = factory.child()
    return AdoptiveIdentity(
        names=ChildNames(PersonName(birth.names.current.given, "Zanzibarova")),
        whereabouts=birth.whereabouts if same_address else other.whereabouts,
        la_code=other.la_code,
        carers=other.carers,
    )


def _index_values(runtime, cp_id):
    with runtime.engine.connect() as connection:
        rows = connection.execute(
            select(BlindIndexEntry.kind, BlindIndexEntry.value).where(BlindIndexEntry.cp_id == cp_id.value)
        )
        return set(rows.all())


def test_adoption_seals_the_birth_record_and_issues_a_new_identity(runtime, factory, birth):
    new_id = record_adoption(runtime, birth.cp_id, _adoptive(birth, factory))
    with runtime.unit_of_work() as uow:
        sealed = uow.children.get(birth.cp_id).record
        adoptive = uow.children.get(new_id).record
    assert sealed.status is RecordStatus.SEALED
    assert sealed.names == birth.names
    assert adoptive.status is RecordStatus.ACTIVE
    assert adoptive.names.current.family == "Zanzibarova"
    assert adoptive.identifiers == ()
    assert adoptive.involvements == ()


@pytest.mark.parametrize("same_address", [False, True], ids=["new address", "kinship, same address"])
def test_no_index_value_or_column_joins_the_two_identities(runtime, factory, birth, same_address):
    new_id = record_adoption(runtime, birth.cp_id, _adoptive(birth, factory, same_address=same_address))
    assert _index_values(runtime, birth.cp_id)
    assert _index_values(runtime, new_id)
    assert _index_values(runtime, birth.cp_id) & _index_values(runtime, new_id) == set()
    with runtime.unit_of_work() as uow:
        sealed_plaintext = codec.encode(uow.children.get(birth.cp_id).record)
        adoptive_plaintext = codec.encode(uow.children.get(new_id).record)
    assert new_id.value.encode() not in sealed_plaintext
    assert birth.cp_id.value.encode() not in adoptive_plaintext
    assert birth.names.current.family.encode() not in adoptive_plaintext


def test_no_term_of_the_birth_identity_finds_the_adoptive_record_by_search_or_linkage(
    runtime, factory, birth
):
    new_id = record_adoption(runtime, birth.cp_id, _adoptive(birth, factory, same_address=True))
    with runtime.unit_of_work() as uow:
        for term in blocking_terms(birth):
            linked = uow.children.candidates(term.kind, [term.term], for_search=False)
            assert new_id not in linked
            assert birth.cp_id in linked  # feeds of the birth identity are absorbed by the sealed record
            if term.kind.for_search:
                found = uow.children.candidates(term.kind, [term.term], for_search=True)
                assert not found & {new_id, birth.cp_id}


def test_the_separation_survives_a_key_rotation(runtime, factory, birth):
    new_id = record_adoption(runtime, birth.cp_id, _adoptive(birth, factory, same_address=True))
    rotate_keys(runtime)
    assert _index_values(runtime, birth.cp_id) & _index_values(runtime, new_id) == set()


def test_an_adoptive_family_name_sharing_the_birth_one_is_refused(runtime, factory, birth):
    adoptive = _adoptive(birth, factory)
    same_family = AdoptiveIdentity(
        ChildNames(PersonName("Alex", f"{birth.names.current.family}-Zanzibarova")),
        adoptive.whereabouts,
        adoptive.la_code,
    )
    with pytest.raises(ValidationError) as refused:
        record_adoption(runtime, birth.cp_id, same_family)
    assert refused.value.field == "family_name"
    with runtime.unit_of_work() as uow:
        assert uow.children.get(birth.cp_id).record.status is RecordStatus.ACTIVE


def test_a_sealed_record_cannot_be_adopted_again(runtime, factory, birth):
    record_adoption(runtime, birth.cp_id, _adoptive(birth, factory))
    with pytest.raises(NotFound):  # a sealed record answers as a missing one would
        record_adoption(runtime, birth.cp_id, _adoptive(birth, factory))


def test_an_adoption_waits_for_a_second_administrator_and_the_first_cannot_approve_it(
    runtime, factory, birth
):
    first, second = admins(runtime, birth.la_code)
    adoptive = _adoptive(birth, factory)
    request_id = request_adoption(runtime, first, birth.cp_id, adoptive)
    with runtime.unit_of_work() as uow:
        assert uow.children.get(birth.cp_id).record.status is RecordStatus.ACTIVE
    (pending,) = pending_adoptions(runtime, second)
    assert (pending.request_id, pending.birth_id, pending.identity) == (request_id, birth.cp_id, adoptive)
    with pytest.raises(PermissionDenied):
        decide_adoption(runtime, first, request_id, approve=True)
    new_id = decide_adoption(runtime, second, request_id, approve=True)
    assert new_id is not None
    assert pending_adoptions(runtime, second) == []
    with pytest.raises(ValidationError):
        decide_adoption(runtime, second, request_id, approve=False)


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.CHILD_PROTECTION, Role.AUDITOR, Role.NATIONAL_ADMIN]
)
def test_only_data_administrators_record_adoptions(runtime, factory, birth, role):
    with pytest.raises(PermissionDenied):
        request_adoption(runtime, make_principal(runtime, role), birth.cp_id, _adoptive(birth, factory))


def test_another_las_administrators_can_neither_ask_nor_decide(runtime, factory, birth):
    other_la = "999" if birth.la_code != "999" else "998"
    stranger = make_principal(runtime, Role.LA_DATA_ADMIN, la_code=other_la)
    with pytest.raises(NotFound):  # another LA's child answers as a missing one would
        request_adoption(runtime, stranger, birth.cp_id, _adoptive(birth, factory))
    first, _ = admins(runtime, birth.la_code)
    request_id = request_adoption(runtime, first, birth.cp_id, _adoptive(birth, factory))
    with pytest.raises(NotFound) as other_las:  # another LA's request answers as a missing one
        decide_adoption(runtime, stranger, request_id, approve=True)
    with pytest.raises(NotFound) as missing:
        decide_adoption(runtime, stranger, request_id + 1000, approve=True)
    assert str(other_las.value) == str(missing.value)


def test_a_rejected_adoption_changes_nothing_and_forgets_the_adoptive_identity(runtime, factory, birth):
    first, second = admins(runtime, birth.la_code)
    request_id = request_adoption(runtime, first, birth.cp_id, _adoptive(birth, factory))
    assert decide_adoption(runtime, second, request_id, approve=False) is None
    with runtime.unit_of_work() as uow:
        assert uow.children.get(birth.cp_id).record == birth
    with runtime.engine.connect() as connection:
        row = connection.execute(select(AdoptionRequestRow)).one()
    assert (row.state, row.payload, row.wrapped_key, row.key_version) == ("rejected", None, None, None)


def test_the_request_holds_the_identity_sealed_and_drops_it_once_approved(runtime, factory, birth):
    first, second = admins(runtime, birth.la_code)
    adoptive = _adoptive(birth, factory)
    request_id = request_adoption(runtime, first, birth.cp_id, adoptive)
    with runtime.engine.connect() as connection:
        waiting = connection.execute(select(AdoptionRequestRow)).one()
    assert waiting.payload is not None
    assert b"Zanzibarova" not in waiting.payload
    new_id = decide_adoption(runtime, second, request_id, approve=True)
    assert new_id is not None
    with runtime.engine.connect() as connection:
        decided = connection.execute(select(AdoptionRequestRow)).one()
    assert (decided.payload, decided.wrapped_key, decided.key_version) == (None, None, None)
    assert new_id.value not in {str(value) for value in decided}


def test_the_audit_log_names_the_birth_record_only_and_hides_adoptions_from_la_auditors(
    runtime, factory, birth
):
    new_id = record_adoption(runtime, birth.cp_id, _adoptive(birth, factory))
    keys = runtime.audit_keys
    new_subjects = {keys.subject(new_id.value, v) for v in keys.held_versions()}
    with runtime.engine.connect() as connection:
        subjects = set(connection.execute(select(AuditSubjectRow.subject)).scalars())
        kinds = list(connection.execute(select(AuditEntryRow.kind)).scalars())
    assert not subjects & new_subjects
    assert {"adoptions:request", "adoptions:approve"} <= set(kinds)
    la_auditor = make_principal(runtime, Role.AUDITOR, la_code=birth.la_code)
    seen_locally = query_audit(runtime, la_auditor, child=birth.cp_id)
    assert not [e for e in seen_locally if e.kind.startswith("adoptions:")]
    national = make_principal(runtime, Role.NATIONAL_AUDITOR)
    seen_nationally = query_audit(runtime, national, child=birth.cp_id)
    adoption_entries = [e for e in seen_nationally if e.kind.startswith("adoptions:")]
    assert {e.kind for e in adoption_entries} >= {"adoptions:request", "adoptions:approve"}
    for entry in adoption_entries:
        assert new_id.value not in entry.children
        assert new_id.value not in str(entry.details)
    assert query_audit(runtime, national, child=new_id) == []


def test_no_stored_time_or_row_order_ties_the_adoptive_record_to_the_sealed_one(
    runtime, factory, birth, clock
):
    clock.advance(timedelta(hours=3, minutes=7, seconds=11, milliseconds=421))
    new_id = record_adoption(runtime, birth.cp_id, _adoptive(birth, factory))
    clock.advance(timedelta(milliseconds=3))
    register_children(runtime, range(1), lambda _item, cp_id: factory.child(cp_id))  # later that day
    children = sa.table("children", sa.column("cp_id"), sa.column("created_at"), sa.column("updated_at"))
    issued = sa.table("issued_ids", sa.column("issued_at"))
    with runtime.engine.connect() as connection:
        times = set(connection.execute(sa.select(children.c.created_at, children.c.updated_at)).all())
        issued_at = set(connection.execute(sa.select(issued.c.issued_at)).scalars())
        sqlite = connection.dialect.name == "sqlite"
        rowids = (
            dict(connection.execute(sa.text("SELECT cp_id, rowid FROM children")).all()) if sqlite else {}
        )

    # Every row of the day carries the same times: the sealing and the issue are not told apart.
    assert len(times) == 1
    assert len(issued_at) == 1
    assert new_id is not None
    if sqlite:  # a row's place in the table is drawn at random, not the next after the last written
        assert min(rowids.values()) > 2**32
