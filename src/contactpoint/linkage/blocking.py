"""Blocking terms: the normalised keys under which a record is indexed, for search and linkage.

The same terms serve a practitioner's search (candidates for the search criteria) and feed
linkage (candidates for a feed row), so both find a child the same way. Each term becomes a
blind index value; nothing here is stored in the clear.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from contactpoint.domain.index_terms import BlockingTerm, IndexKind
from contactpoint.domain.records import ChildRecord, PersonName
from contactpoint.domain.visibility import as_limited, names_search_may_match, search_may_match
from contactpoint.linkage.normalise import family_name_keys, given_name_key

_NAME_KINDS = frozenset({IndexKind.FAMILY_DOB, IndexKind.GIVEN_DOB, IndexKind.FAMILY_GIVEN_DISTRICT})


def family_dob_term(family_key: str, born: date) -> str:
    """Term of the family-name-and-date-of-birth index."""
    return f"{family_key}|{born.isoformat()}"


def given_dob_term(given_key: str, born: date) -> str:
    """Term of the given-name-and-date-of-birth index."""
    return f"{given_key}|{born.isoformat()}"


def family_given_district_term(family_key: str, given_key: str, district: str) -> str:
    """Term of the names-and-postcode-district index."""
    return f"{family_key}|{given_key}|{district}"


def postcode_name_terms(postcode: str, names: Iterable[PersonName]) -> set[str]:
    """Terms of the postcode-and-name index: the postcode with each key of either name.

    Given and family keys share one term space, so a row that swaps the two names, or one whose
    date of birth and other name are both wrong, still meets the child's record at its address.
    """
    keys = {given_name_key(name.given) for name in names}
    keys.update(key for name in names for key in family_name_keys(name.family))
    return {f"{postcode}|{key}" for key in keys if key}


def _name_terms(
    name: PersonName, born: date, district: str | None, *, given_with_dob: bool = True
) -> Iterator[tuple[IndexKind, str]]:
    given_key = given_name_key(name.given)
    for family_key in family_name_keys(name.family):
        yield IndexKind.FAMILY_DOB, family_dob_term(family_key, born)
        if district is not None and given_key:
            yield IndexKind.FAMILY_GIVEN_DISTRICT, family_given_district_term(family_key, given_key, district)
    if given_key and given_with_dob:
        yield IndexKind.GIVEN_DOB, given_dob_term(given_key, born)


def blocking_terms(record: ChildRecord) -> list[BlockingTerm]:
    """Every index entry for a record, each marked searchable or not by the visibility policy.

    An adoptive identity usually keeps the given name and date of birth of the sealed birth identity,
    and may live at the same postcode (kinship adoption), so it has no entry built from those fields
    alone: no index value is shared with the birth record, and neither search nor linkage can cross
    from one identity to the other (invariant 4). The sealed birth record keeps every entry, so feed
    rows carrying the birth identity still find it and are absorbed.
    """
    postcode = record.whereabouts.postcode
    district = postcode.outward if postcode else None
    shared_with_birth = not record.adoptive_identity
    raw: set[tuple[IndexKind, str]] = set()
    for name in record.names.all():
        raw.update(_name_terms(name, record.date_of_birth, district, given_with_dob=shared_with_birth))
    seen = as_limited(record)  # a shielded child is found only as it stood when shielded
    findable = {
        term
        for name in names_search_may_match(seen)
        for term in _name_terms(name, seen.date_of_birth, district, given_with_dob=shared_with_birth)
    }
    raw.update(findable)
    if postcode is not None and shared_with_birth:
        compact = postcode.value.replace(" ", "")
        raw.add((IndexKind.POSTCODE_BIRTH_YEAR, f"{compact}|{record.date_of_birth.year}"))
        names = record.names.all()
        raw.update((IndexKind.POSTCODE_NAME, term) for term in postcode_name_terms(compact, names))
    raw.update((IndexKind.SOURCE_ID, f"{i.scheme.value}|{i.value}") for i in record.identifiers)
    return [
        BlockingTerm(
            kind,
            term,
            kind.for_search
            and search_may_match(record.status, uses_hidden_fields=kind.uses_hidden_fields)
            and ((kind, term) in findable or kind not in _NAME_KINDS),
        )
        for kind, term in sorted(raw)
    ]


def search_terms_for_names(names: Iterable[PersonName], born: date) -> dict[IndexKind, set[str]]:
    """Query terms for a name-and-date search (used by search; swapped dates are the caller's choice)."""
    terms: dict[IndexKind, set[str]] = {IndexKind.FAMILY_DOB: set(), IndexKind.GIVEN_DOB: set()}
    for kind, term in (t for name in names for t in _name_terms(name, born, None)):
        terms[kind].add(term)
    return terms
