"""Match decisions: link, review or new child, with the guards that no weight can override.

Guards (DESIGN invariant 3 and the twins rule):
- Twins (same date of birth, surname and address, different given names) are never merged: such a
  pair is vetoed when the given names plainly differ or the genders do, and sent to review when the
  given names are merely close (a typo and a twin look alike; a person decides).
- A row that links to a shielded or sealed record is applied to it. A row that could link to one is
  held in the owning LA's private queue, and "could" is read widely: any protected record that
  blocking found for the row and that no unprotected record outscores above the upper threshold,
  whatever its weight, including one the twins rule would veto. Such a row never becomes a new,
  visible record; the price is a few private reviews of children who merely resemble one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.features import IDENTIFIER_COLUMNS
from contactpoint.linkage.scoring import MISSING, ScoredPair

PROTECTED = frozenset({RecordStatus.SHIELDED, RecordStatus.SEALED})
_IDENTIFIER_FIELDS = frozenset(IDENTIFIER_COLUMNS.values())


class Outcome(StrEnum):
    """What became of a feed row."""

    LINKED = "linked"
    NEW = "new"
    REVIEW = "review"
    REJECTED = "rejected"


class Reason(StrEnum):
    """Why a row went where it went (codes only; shown in reports and the queue)."""

    ABOVE_UPPER = "above_upper"
    REVIEW_BAND = "review_band"
    AMBIGUOUS = "ambiguous"
    POSSIBLE_TWIN = "possible_twin"
    NEAR_PROTECTED = "near_protected"
    BELOW_LOWER = "below_lower"
    SAME_BATCH = "same_batch"
    NO_LOCAL_AUTHORITY = "no_local_authority"
    ADULT = "adult"  # an adult matching no record: no record is created (see app/feeds.py)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Match-weight thresholds (from Settings); see bench/linkage.py for their effect."""

    upper: float
    lower: float

    def __post_init__(self) -> None:
        if self.lower > self.upper:
            raise ValueError("the lower threshold must not exceed the upper")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored candidate record for one row."""

    cp_id: str
    status: RecordStatus
    la_code: str
    pair: ScoredPair

    @property
    def weight(self) -> float:
        """The pair's match weight."""
        return self.pair.match_weight

    @property
    def protected(self) -> bool:
        """Shielded or sealed: a feed must never surface it."""
        return self.status in PROTECTED


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one row and the record it concerns, if any."""

    outcome: Outcome
    reason: Reason
    candidate: Candidate | None = None
    private: bool = False


class TwinCheck(StrEnum):
    """What the twins rule says about a pair."""

    CLEAR = "clear"
    VETO = "veto"
    REVIEW = "review"


_SAME_PLACE = frozenset({"Exact match on full postcode", "Exact match on sector", MISSING})
# A twin's row with its day and month swapped, or a one-character slip, is still the same birthday.
_SAME_BIRTH = frozenset(
    {"Exact match on dob", "Day and month swapped", "Damerau-Levenshtein distance of dob <= 1"}
)
_SAME_FAMILY = ("Exact match", "Jaro-Winkler", "Phonetic key equal", "Shares a part of a double-barrelled")


def twin_check(pair: ScoredPair) -> TwinCheck:
    """Same date of birth, surname and home but not the same given name, with no shared identifier.

    Each "same" is read widely, so that an error in one twin's row does not let the pair through:
    the birthday with its day and month swapped or one character wrong; the surname spelt nearly
    alike, phonetically alike or sharing a part of a double-barrelled name; the home with its
    postcode equal, in the same sector or missing on one side, or its first address line equal.
    (At 1m children each of those errors let a twin's row link to the other twin's record.)
    """
    levels = {f.field: f.level for f in pair.fields}
    same_household_birth = (
        levels.get("dob") in _SAME_BIRTH
        and levels.get("family_name", "").startswith(_SAME_FAMILY)
        and (
            levels.get("postcode") in _SAME_PLACE
            or levels.get("address_line") == "Exact match on address_line"
        )
    )
    if not same_household_birth or levels.get("given_name", "").startswith("Exact match"):
        return TwinCheck.CLEAR
    if any(levels.get(f, "").startswith("Exact match") for f in _IDENTIFIER_FIELDS):
        return TwinCheck.CLEAR  # a shared NHS number or pupil number says it is the same child
    if levels.get("given_name") == "All other comparisons" or levels.get("gender") == "All other comparisons":
        return TwinCheck.VETO
    return TwinCheck.REVIEW


def decide(candidates: Sequence[Candidate], thresholds: Thresholds) -> Decision:
    """Link, review or new for one row, given its scored candidates (every pair blocking found)."""
    usable: list[Candidate] = []
    possible_twin: Candidate | None = None
    near_protected: Candidate | None = None
    for candidate in sorted(candidates, key=lambda c: -c.weight):
        check = twin_check(candidate.pair)
        if check is TwinCheck.CLEAR:
            usable.append(candidate)
            if candidate.protected and near_protected is None:
                near_protected = candidate
        elif candidate.protected:
            possible_twin = possible_twin or candidate  # never surface a protected child's twin-like row
        elif check is TwinCheck.REVIEW and possible_twin is None and candidate.weight >= thresholds.lower:
            possible_twin = candidate
    best = usable[0] if usable else None
    if best is not None and best.weight >= thresholds.upper:
        rival = next((c for c in usable[1:] if c.cp_id != best.cp_id and c.weight >= thresholds.upper), None)
        if rival is not None:
            return Decision(Outcome.REVIEW, Reason.AMBIGUOUS, best, best.protected or rival.protected)
        return Decision(Outcome.LINKED, Reason.ABOVE_UPPER, best, best.protected)
    if best is not None and best.weight >= thresholds.lower:
        return Decision(Outcome.REVIEW, Reason.REVIEW_BAND, best, best.protected)
    if possible_twin is not None:
        return Decision(Outcome.REVIEW, Reason.POSSIBLE_TWIN, possible_twin, possible_twin.protected)
    if near_protected is not None:
        return Decision(Outcome.REVIEW, Reason.NEAR_PROTECTED, near_protected, private=True)
    return Decision(Outcome.NEW, Reason.BELOW_LOWER)
