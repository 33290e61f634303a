"""Recording an adoption on SQLite and PostgreSQL: sealed, re-issued, and joined by nothing (invariant 4)."""

import pytest
from sqlalchemy import select

from contactpoint.app.adoption import AdoptiveIdentity, record_adoption
from contactpoint.app.children import register_children
from contactpoint.app.keys import rotate_keys
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.store import codec
from contactpoint.store.models import BlindIndexEntry


@pytest.fixture
def birth(services, factory):
    made = []

    def build(_item, cp_id):
        made.append(factory.child(cp_id))
        return made[-1]

    register_children(services, range(30), build)
    return made[0]


def _adoptive(birth, factory, *, same_address=False):
    other = factory.child()
    return AdoptiveIdentity(
        names=ChildNames(PersonName(birth.names.current.given, "Zanzibarova")),
        whereabouts=birth.whereabouts if same_address else other.whereabouts,
        la_code=other.la_code,
        carers=other.carers,
    )


def _index_values(services, cp_id):
    with services.engine.connect() as connection:
        rows = connection.execute(
            select(BlindIndexEntry.kind, BlindIndexEntry.value).where(BlindIndexEntry.cp_id == cp_id.value)
        )
        return set(rows.all())


def test_adoption_seals_the_birth_record_and_issues_a_new_identity(services, factory, birth):
    new_id = record_adoption(services, birth.cp_id, _adoptive(birth, factory))
    with services.unit_of_work() as uow:
        sealed = uow.children.get(birth.cp_id).record
        adoptive = uow.children.get(new_id).record
    assert sealed.status is RecordStatus.SEALED
    assert sealed.names == birth.names
    assert adoptive.status is RecordStatus.ACTIVE
    assert adoptive.names.current.family == "Zanzibarova"
    assert adoptive.identifiers == ()
    assert adoptive.involvements == ()


@pytest.mark.parametrize("same_address", [False, True], ids=["new address", "kinship, same address"])
def test_no_index_value_or_column_joins_the_two_identities(services, factory, birth, same_address):
    new_id = record_adoption(services, birth.cp_id, _adoptive(birth, factory, same_address=same_address))
    assert _index_values(services, birth.cp_id)
    assert _index_values(services, new_id)
    assert _index_values(services, birth.cp_id) & _index_values(services, new_id) == set()
    with services.unit_of_work() as uow:
        sealed_plaintext = codec.encode(uow.children.get(birth.cp_id).record)
        adoptive_plaintext = codec.encode(uow.children.get(new_id).record)
    assert new_id.value.encode() not in sealed_plaintext
    assert birth.cp_id.value.encode() not in adoptive_plaintext
    assert birth.names.current.family.encode() not in adoptive_plaintext


def test_no_term_of_the_birth_identity_finds_the_adoptive_record_by_search_or_linkage(
    services, factory, birth
):
    new_id = record_adoption(services, birth.cp_id, _adoptive(birth, factory, same_address=True))
    with services.unit_of_work() as uow:
        for term in blocking_terms(birth):
            linked = uow.children.candidates(term.kind, [term.term], for_search=False)
            assert new_id not in linked
            assert birth.cp_id in linked  # feeds of the birth identity are absorbed by the sealed record
            if term.kind.for_search:
                found = uow.children.candidates(term.kind, [term.term], for_search=True)
                assert not found & {new_id, birth.cp_id}


def test_the_separation_survives_a_key_rotation(services, factory, birth):
    new_id = record_adoption(services, birth.cp_id, _adoptive(birth, factory, same_address=True))
    rotate_keys(services)
    assert _index_values(services, birth.cp_id) & _index_values(services, new_id) == set()


def test_an_adoptive_family_name_sharing_the_birth_one_is_refused(services, factory, birth):
    adoptive = _adoptive(birth, factory)
    same_family = AdoptiveIdentity(
        ChildNames(PersonName("Alex", f"{birth.names.current.family}-Zanzibarova")),
        adoptive.whereabouts,
        adoptive.la_code,
    )
    with pytest.raises(ValidationError) as refused:
        record_adoption(services, birth.cp_id, same_family)
    assert refused.value.field == "family_name"
    with services.unit_of_work() as uow:
        assert uow.children.get(birth.cp_id).record.status is RecordStatus.ACTIVE


def test_a_sealed_record_cannot_be_adopted_again(services, factory, birth):
    record_adoption(services, birth.cp_id, _adoptive(birth, factory))
    with pytest.raises(ValidationError):
        record_adoption(services, birth.cp_id, _adoptive(birth, factory))
