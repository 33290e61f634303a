"""The comparison columns of the Splink model, built in memory from records and feed rows.

Both sides of a comparison go through the same function, so an index record and a feed row are
normalised alike. Nothing here is written anywhere: the dictionaries go straight into an in-memory
DuckDB (see `scoring.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from contactpoint.domain.records import PersonName, SourceIdentifier, Whereabouts
from contactpoint.domain.vocabulary import Gender, IdentifierScheme
from contactpoint.linkage.normalise import date_variants, family_name_keys, fold, given_name_key, phonetic

IDENTIFIER_COLUMNS: dict[IdentifierScheme, str] = {
    IdentifierScheme.NHS_NUMBER: "nhs_number",
    IdentifierScheme.UNIQUE_PUPIL_NUMBER: "pupil_number",
    IdentifierScheme.CHILD_BENEFIT_REFERENCE: "benefit_reference",
    IdentifierScheme.LOCAL_AUTHORITY_REFERENCE: "la_reference",
    IdentifierScheme.YOUTH_JUSTICE_REFERENCE: "justice_reference",
}
FEATURE_COLUMNS = (
    "unique_id",
    "given_name",
    "given_key",
    "middle_name",
    "family_name",
    "family_key",
    "family_parts",
    "dob",
    "dob_swapped",
    "birth_year",
    "birth_month",
    "birth_day",
    "gender",
    "postcode",
    "sector",
    "district",
    "address_line",
    *IDENTIFIER_COLUMNS.values(),
)


# The comparison columns each identity field feeds, blanked where a partial row lacks the field.
_COLUMNS_OF = {
    "given_name": ("given_name", "given_key", "middle_name"),
    "family_name": ("family_name", "family_key"),
    "date_of_birth": ("dob", "dob_swapped", "birth_year", "birth_month", "birth_day"),
}


def without(row: dict[str, Any], missing: tuple[str, ...]) -> dict[str, Any]:
    """The row with the columns of missing identity fields empty: Splink reads them as "missing on
    one side" (no weight either way), never as a disagreement."""
    for field in missing:
        for column in _COLUMNS_OF[field]:
            row[column] = None
        if field == "family_name":
            row["family_parts"] = []
    return row


def _swapped(born: date) -> str | None:
    other = [d for d in date_variants(born) if d != born]
    return other[0].isoformat() if other else None


def features(
    unique_id: str,
    name: PersonName,
    *,
    born: date,
    gender: Gender,
    whereabouts: Whereabouts | None,
    identifiers: tuple[SourceIdentifier, ...],
) -> dict[str, Any]:
    """One row of comparison columns for one name of a child (a record has a row per name)."""
    address = whereabouts.address if whereabouts else None
    first_given, *middle = name.given.split(" ")
    family_keys = sorted(family_name_keys(name.family))
    row: dict[str, Any] = {
        "unique_id": unique_id,
        "given_name": fold(first_given) or None,
        "given_key": given_name_key(name.given) or None,
        "middle_name": fold(middle[0]) or None if middle else None,
        "family_name": fold(name.family) or None,
        "family_key": phonetic(name.family) or None,
        "family_parts": family_keys,
        "dob": born.isoformat(),
        "dob_swapped": _swapped(born),
        "birth_year": born.year,
        "birth_month": born.month,
        "birth_day": born.day,
        "gender": None if gender is Gender.NOT_SPECIFIED else gender.value,
        "postcode": address.postcode.value if address else None,
        "sector": address.postcode.sector if address else None,
        "district": address.postcode.outward if address else None,
        "address_line": fold(address.lines[0]) if address else None,
    }
    for column in IDENTIFIER_COLUMNS.values():
        row[column] = None
    for identifier in identifiers:
        row[IDENTIFIER_COLUMNS[identifier.scheme]] = identifier.value
    return row


def name_rows(
    key: str,
    names: tuple[PersonName, ...],
    *,
    born: date,
    gender: Gender,
    whereabouts: Whereabouts | None,
    identifiers: tuple[SourceIdentifier, ...],
) -> Iterator[dict[str, Any]]:
    """A row per name, keyed `key#n`, so former and known-as names are compared too."""
    for position, name in enumerate(names):
        yield features(
            f"{key}#{position}",
            name,
            born=born,
            gender=gender,
            whereabouts=whereabouts,
            identifiers=identifiers,
        )


def key_of(unique_id: str) -> str:
    """The record or row key of a per-name unique id."""
    return unique_id.rsplit("#", 1)[0]
