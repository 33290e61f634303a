"""The kinds of blind index a record has, and one entry to write: shared by the store and linkage.

Which terms a record gets is linkage's business (`linkage/blocking.py`); the store writes whatever
entries it is given, so it needs these types and nothing of how they are made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from contactpoint.domain.records import ChildRecord


class IndexKind(StrEnum):
    """The blind indexes a record has, each with its own key."""

    FAMILY_DOB = "family_dob"
    GIVEN_DOB = "given_dob"
    FAMILY_GIVEN_DISTRICT = "family_given_district"
    POSTCODE_BIRTH_YEAR = "postcode_birth_year"
    POSTCODE_NAME = "postcode_name"
    SOURCE_ID = "source_id"

    @property
    def uses_hidden_fields(self) -> bool:
        """Built from address or identifiers, which a shielded child's record hides."""
        return self in _HIDDEN_FIELD_KINDS

    @property
    def for_search(self) -> bool:
        """Practitioners' search may query this kind; the others serve linkage only."""
        return self in _SEARCH_KINDS


_HIDDEN_FIELD_KINDS = frozenset(
    {
        IndexKind.FAMILY_GIVEN_DISTRICT,
        IndexKind.POSTCODE_BIRTH_YEAR,
        IndexKind.POSTCODE_NAME,
        IndexKind.SOURCE_ID,
    }
)
_SEARCH_KINDS = frozenset({IndexKind.FAMILY_DOB, IndexKind.GIVEN_DOB, IndexKind.FAMILY_GIVEN_DISTRICT})


@dataclass(frozen=True, slots=True)
class BlockingTerm:
    """One index entry to write: its kind, its plaintext term, and whether search may match it."""

    kind: IndexKind
    term: str
    searchable: bool


TermsOf = Callable[[ChildRecord], list[BlockingTerm]]  # every index entry of a record
