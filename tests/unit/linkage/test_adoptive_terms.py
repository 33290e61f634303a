"""Invariant 4 at the index: a sealed birth identity and its adoptive identity share no blocking term."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contactpoint.app.safeguards.adoption import AdoptiveIdentity, adoption_records
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.linkage.normalise import family_name_keys
from tests.factories import ChildFactory


def _adopt(seed: int, same_address: bool):
    factory = ChildFactory(seed=seed)
    birth, other = factory.child(), factory.child()
    birth_keys = {key for name in birth.names.all() for key in family_name_keys(name.family)}
    assume(not birth_keys & family_name_keys(other.names.current.family))  # a former name counts too
    keeps_given = PersonName(birth.names.current.given, other.names.current.family)
    adoptive = AdoptiveIdentity(
        names=ChildNames(keeps_given),
        whereabouts=birth.whereabouts if same_address else other.whereabouts,
        la_code=other.la_code,
        carers=other.carers,
    )
    return adoption_records(birth, adoptive, ContactPointId.generate())


def _terms(record):
    return {(t.kind, t.term) for t in blocking_terms(record)}


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**9), same_address=st.booleans())
def test_no_term_of_the_sealed_birth_record_is_a_term_of_the_adoptive_record(seed, same_address):
    sealed, adoptive = _adopt(seed, same_address)
    assert _terms(sealed) & _terms(adoptive) == set()
    assert not any(t.searchable for t in blocking_terms(sealed))


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_the_adoptive_record_stays_findable_by_its_own_names(seed):
    _sealed, adoptive = _adopt(seed, same_address=False)
    searchable = {t.kind for t in blocking_terms(adoptive) if t.searchable}
    assert searchable == {IndexKind.FAMILY_DOB, IndexKind.FAMILY_GIVEN_DISTRICT}


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_the_adoptive_record_keeps_nothing_of_the_birth_identity_but_birth_date_and_gender(seed):
    sealed, adoptive = _adopt(seed, same_address=False)
    assert (adoptive.identifiers, adoptive.involvements, adoptive.names.former) == ((), (), ())
    assert (adoptive.date_of_birth, adoptive.gender) == (sealed.date_of_birth, sealed.gender)
    assert adoptive.cp_id != sealed.cp_id
