from dataclasses import replace
from datetime import date

from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.visibility import search_may_match
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.blocking import blocking_terms, search_terms_for_names
from contactpoint.linkage.normalise import date_variants, family_name_keys, fold, given_name_key, phonetic


def test_folding_and_phonetic_keys_absorb_spelling_variants():
    assert fold("O'Brien-Núñez") == "OBRIENNUNEZ"
    assert phonetic("Stephen") == phonetic("Steven")
    assert phonetic("Mohammed") == phonetic("Muhammad") or phonetic("Mohammed") == phonetic("Mohamed")


def test_double_barrelled_names_meet_either_part():
    assert family_name_keys("Smith-Jones") >= family_name_keys("Smith") | family_name_keys("Jones")
    assert family_name_keys("Jones Smith") & family_name_keys("Smith-Jones")


def test_only_the_first_given_name_is_keyed():
    assert given_name_key("Amelia Rose") == given_name_key("Amelia")


def test_swapped_day_and_month_are_offered_only_when_valid():
    assert date_variants(date(2015, 3, 7)) == {date(2015, 3, 7), date(2015, 7, 3)}
    assert date_variants(date(2015, 3, 17)) == {date(2015, 3, 17)}
    assert date_variants(date(2015, 4, 4)) == {date(2015, 4, 4)}


def test_active_records_are_searchable_on_every_search_kind(factory):
    terms = blocking_terms(factory.child())
    assert {t.kind for t in terms} == set(IndexKind)
    assert all(t.searchable == t.kind.for_search for t in terms)


def test_shielded_children_are_not_searchable_through_hidden_fields(factory):
    terms = blocking_terms(factory.child(status=RecordStatus.SHIELDED))
    searchable = {t.kind for t in terms if t.searchable}
    assert searchable == {IndexKind.FAMILY_DOB, IndexKind.GIVEN_DOB}
    assert {t.kind for t in terms} == set(
        IndexKind
    )  # linkage still finds them, so feeds never duplicate them


def test_sealed_and_archived_records_are_never_searchable_but_still_linkable(factory):
    for status in (RecordStatus.SEALED, RecordStatus.ARCHIVED):
        terms = blocking_terms(factory.child(status=status))
        assert terms
        assert not any(t.searchable for t in terms)


def test_visibility_policy_table():
    assert search_may_match(RecordStatus.ACTIVE, uses_hidden_fields=True)
    assert search_may_match(RecordStatus.DECEASED, uses_hidden_fields=True)
    assert search_may_match(RecordStatus.SHIELDED, uses_hidden_fields=False)
    assert not search_may_match(RecordStatus.SHIELDED, uses_hidden_fields=True)
    assert not search_may_match(RecordStatus.SEALED, uses_hidden_fields=False)
    assert not search_may_match(RecordStatus.ARCHIVED, uses_hidden_fields=False)


def test_former_names_are_indexed_too(factory):
    child = factory.child()
    renamed = replace(child, names=ChildNames(PersonName("Amelia", "Zythberg"), (child.names.current,)))
    family_terms = {t.term for t in blocking_terms(renamed) if t.kind is IndexKind.FAMILY_DOB}
    query = search_terms_for_names([child.names.current], child.date_of_birth)[IndexKind.FAMILY_DOB]
    assert query <= family_terms
