"""A feed row once mapped and validated: what a source says about one child, not yet linked to anyone.

It holds the same validated value objects as a `ChildRecord` (so a malformed value is rejected at the
edge), but no ContactPoint ID, status or LA of its own: linkage decides which record it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    Involvement,
    SourceIdentifier,
    Whereabouts,
)
from contactpoint.domain.vocabulary import Gender

PLACEHOLDER_NAME = "Unknown"  # stands in for a name a partial row lacks; never compared or written
PLACEHOLDER_BIRTH = date(1990, 1, 1)  # likewise for a missing date of birth


class ChangeKind(StrEnum):
    """What the row tells the index, in the source's own change vocabulary mapped to four kinds."""

    EXTRACT = "extract"
    NEW = "new"
    AMEND = "amend"
    END = "end"


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One validated row of one source's feed."""

    source: str
    row_key: str
    line: int
    content_hash: str
    change: ChangeKind
    names: ChildNames
    date_of_birth: date
    gender: Gender
    whereabouts: Whereabouts | None  # None when the row says nothing about where the child lives
    la_code: str | None  # the LA the source names, or the one its postcode lies in
    carers: tuple[Carer, ...] = ()
    involvements: tuple[Involvement, ...] = ()
    identifiers: tuple[SourceIdentifier, ...] = ()
    as_of: date | None = None  # the source's effective date for the row, for survivorship by recency
    postcode: Postcode | None = None  # also when the row gives no address line to hold it with
    missing: tuple[str, ...] = ()  # identity fields the source left empty (see `partial`)

    @property
    def partial(self) -> bool:
        """The row lacks a given name, family name or date of birth: the minimal record.

        Such a row may add to a record it matches on strong evidence, but never creates one; the
        values standing in for what is missing (`PLACEHOLDER_NAME`, `PLACEHOLDER_BIRTH`) are never
        compared, indexed or written to a record.
        """
        return bool(self.missing)

    @property
    def names_given(self) -> bool:
        """Both the given and the family name are the source's own."""
        return "given_name" not in self.missing and "family_name" not in self.missing

    @property
    def located_at(self) -> Postcode | None:
        """The row's postcode, from its address or alone: enough to find the child's local authority."""
        return self.postcode or (self.whereabouts.postcode if self.whereabouts else None)


@dataclass(frozen=True, slots=True)
class Dropped:
    """A field left out of a row that was otherwise taken, and why: the row's other fields still count."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row that could not be used: where it was, its key if one was readable, and why (no values)."""

    line: int
    row_key: str | None
    field: str
    reason: str
