"""Match decisions: link, review or new child, with the guards that no weight can override.

Guards (DESIGN invariant 3 and the twins rule):
- Siblings (one surname, another birthday, another given name however alike) are never merged.
- Twins (same date of birth and surname, different given names) are never merged. Whether two given
  names are a twin pair or one name and a slip of it is read from the names themselves: one edit
  apart with one of them rare (or far rarer than the other) is a slip, and the weight decides;
  a nickname of the other (Bill, William) is one child too; plainly different names, or close names
  both in common use, are two children, and the pair is vetoed, as it is when the genders differ;
  what stays ambiguous (close names, one of them rare, more than one edit apart) goes to review.
  A shared identifier says it is one child; a disagreeing identifier of one scheme says two. A
  shared address decides nothing: twins share it.
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
from contactpoint.linkage.model import SWAPPED
from contactpoint.linkage.scoring import MISSING, GivenNames, ScoredPair

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
    PROTECTED_CHANGE = "protected_change"  # a link that would move a protected record: held for its LA
    BELOW_LOWER = "below_lower"
    SAME_BATCH = "same_batch"
    NO_LOCAL_AUTHORITY = "no_local_authority"
    ADULT = "adult"  # an adult matching no record: no record is created (see app/feeds.py)
    PARTIAL_IDENTITY = "partial_identity"  # a row lacking a name or birth date, evidence short of a link
    NOT_ENOUGH_IDENTITY = "not_enough_identity"  # such a row matching no record: it cannot make one


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


# A twin's row with its day and month swapped, or a one-character slip, is still the same birthday.
_SAME_BIRTH = frozenset(
    {"Exact match on dob", "Day and month swapped", "Damerau-Levenshtein distance of dob <= 1"}
)
_SAME_FAMILY = ("Exact match", "Jaro-Winkler", "Phonetic key equal", "Shares a part of a double-barrelled")
_SAME_GIVEN = ("Exact match", SWAPPED)
# One child's given name written as the other's middle name (Anna Louise, Louise): one child, the
# weight decides. Twins are not named after each other's middle names often enough to outweigh it.
_GIVEN_AS_MIDDLE = "Given name is the other's middle name"
_DIFFERENT = "All other comparisons"
# A name this many times rarer than the other, one edit from it, is a slip of it, not a second name
# in use (a typo of a common name is seen a few times in a million; a twin's name far more often).
SLIP_RARITY = 100.0
# A match weight is a log2 likelihood ratio: a best candidate this far ahead of the next is about a
# thousand times likelier to be the child the row is about.
CLEAR_LEAD = 10.0


def _is_slip(given: GivenNames) -> bool:
    """One edit apart, and the rarer name unknown to the tables or far rarer than the other."""
    if given.edits > 1:
        return False
    rarer, commoner = sorted(given.frequencies, key=lambda f: -1.0 if f is None else f)
    return rarer is None or (commoner is not None and rarer * SLIP_RARITY <= commoner)


# A birthday so far from the other's that they are two births; "the same year" included, as
# siblings born within a year of each other share it.
_OTHER_BIRTH = frozenset({"Same year of birth", _DIFFERENT})


def _siblings(levels: dict[str, str], given_level: str, given: GivenNames | None) -> bool:
    """One surname, another birth and another given name, however alike: brothers or sisters.

    An address and a surname shared with a similar name (Lilly, Lily) outweigh a wholly different
    birthday in the weights, so no weight may link them; the same given name with another
    birthday is one child's wrong date, and the weight decides.
    """
    return (
        levels.get("dob") in _OTHER_BIRTH
        and levels.get("family_name", "").startswith(_SAME_FAMILY)
        and given_level != MISSING
        and not given_level.startswith(_SAME_GIVEN)
        and not (given is not None and given.nicknames)
    )


def twin_check(pair: ScoredPair) -> TwinCheck:
    """Siblings (`_siblings`), or twins: same date of birth and surname but not the same given name,
    with no shared identifier.

    Each "same" is read widely, so that an error in one twin's row does not let the pair through:
    the birthday with its day and month swapped or one character wrong; the surname spelt nearly
    alike, phonetically alike or sharing a part of a double-barrelled name. The address is not
    required: a twin's row from another source may carry an old or no address.
    """
    levels = {f.field: f.level for f in pair.fields}
    given_level = levels.get("given_name", MISSING)
    shared_identifier = any(levels.get(f, "").startswith("Exact match") for f in _IDENTIFIER_FIELDS)
    if not shared_identifier and _siblings(levels, given_level, pair.given):
        return TwinCheck.VETO
    if (
        levels.get("dob") not in _SAME_BIRTH
        or not levels.get("family_name", "").startswith(_SAME_FAMILY)
        or given_level == MISSING
        or given_level.startswith(_SAME_GIVEN)
        or shared_identifier
    ):
        return TwinCheck.CLEAR  # not twin-like, or a shared NHS or pupil number says it is one child
    if levels.get("gender") == _DIFFERENT:
        return TwinCheck.VETO  # a slip in a name does not change the child's sex
    if any(levels.get(f) == _DIFFERENT for f in _IDENTIFIER_FIELDS):
        return TwinCheck.VETO  # two numbers of one scheme: two children
    return _from_given_names(pair.given, given_level)


def _from_given_names(given: GivenNames | None, level: str) -> TwinCheck:
    """A nickname, one name as the other's middle name, the same name split or joined by a space,
    or a slip is one child; plainly different names, or close names both in common
    use, are two; close names with a rare one more than one edit away stay undecided.

    A shared address is no evidence either way: twins share it as surely as one child's rows do.
    """
    if given is not None and given.nicknames:
        return TwinCheck.CLEAR  # Bill and William: the weight decides
    if level == _GIVEN_AS_MIDDLE or (given is not None and (given.edits == 0 or _is_slip(given))):
        return TwinCheck.CLEAR  # the other's middle name, the same name split or joined, or a slip
    if level == _DIFFERENT:
        return TwinCheck.VETO
    if given is None:
        return TwinCheck.REVIEW
    if given.edits > 1 and all(f is not None for f in given.frequencies):
        return TwinCheck.VETO  # two names both in common use: two children
    return TwinCheck.REVIEW


def _rivals(best: Candidate, other: Candidate, thresholds: Thresholds) -> bool:
    """Another record above the upper threshold makes the row ambiguous, unless the best leads it by
    CLEAR_LEAD (the row is then about the best, whether or not the two are one child); beside a
    protected record it always does."""
    if other.cp_id == best.cp_id or other.weight < thresholds.upper:
        return False
    return best.protected or other.protected or best.weight - other.weight < CLEAR_LEAD


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
        rival = next((c for c in usable[1:] if _rivals(best, c, thresholds)), None)
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


# What a partial row's evidence must show to link without an identifier: each identity field it has
# and its address agreeing; without its given name, its birthday the same too (a sibling born in the
# same year shares the rest), and no twin in sight (`decide_partial`'s rival check).
_AGREES: dict[str, tuple[str, tuple[str, ...]]] = {  # identity field: (comparison, agreeing levels)
    "given_name": (
        "given_name",
        ("Exact match", "Damerau-Levenshtein", "Jaro-Winkler distance of given_name >= 0.92"),
    ),
    "family_name": ("family_name", _SAME_FAMILY),
    "date_of_birth": (
        "dob",
        (*_SAME_BIRTH, "Only one of day, month and year differs", "Same year of birth"),
    ),
}
_SAME_ADDRESS = {"postcode": ("Exact match",), "address_line": ("Exact match", "Jaro-Winkler")}


def strong_for_partial(pair: ScoredPair, missing: Sequence[str]) -> bool:
    """Whether a partial row's pair is evidence enough to link: a shared identifier; or, when one
    identity field is missing, the others and the address all agree (the birthday itself where the
    given name is missing)."""
    levels = {f.field: f.level for f in pair.fields}
    if any(levels.get(f, "").startswith("Exact match") for f in _IDENTIFIER_FIELDS):
        return True
    if len(missing) > 1:
        return False
    if "given_name" in missing and levels.get("dob") not in _SAME_BIRTH:
        return False
    names_and_birth = all(
        levels.get(comparison, MISSING).startswith(agreeing)
        for field, (comparison, agreeing) in _AGREES.items()
        if field not in missing
    )
    address = any(levels.get(f, MISSING).startswith(same) for f, same in _SAME_ADDRESS.items())
    return names_and_birth and address


def _rivals_partial(best: Candidate, other: Candidate, thresholds: Thresholds) -> bool:
    """For a partial row any other record from the lower threshold is a rival (its twin, with the
    given name missing, scores alike), unless the best leads it by CLEAR_LEAD; a protected one always is."""
    if other.cp_id == best.cp_id or other.weight < thresholds.lower:
        return False
    return best.protected or other.protected or best.weight - other.weight < CLEAR_LEAD


def decide_partial(
    candidates: Sequence[Candidate], thresholds: Thresholds, missing: Sequence[str]
) -> Decision:
    """A row lacking a given name, family name or date of birth: it links to a record only on strong
    evidence (`strong_for_partial`) with no other record in sight, is held for review when it comes
    close, and never makes a record (what would be "new" is "not enough identity")."""
    decision = decide(candidates, thresholds)
    if decision.outcome is Outcome.NEW:
        return Decision(Outcome.REJECTED, Reason.NOT_ENOUGH_IDENTITY)
    best = decision.candidate
    if decision.outcome is not Outcome.LINKED or best is None:
        return decision
    rival = next((c for c in candidates if _rivals_partial(best, c, thresholds)), None)
    if rival is not None:
        return Decision(Outcome.REVIEW, Reason.AMBIGUOUS, best, best.protected or rival.protected)
    if not strong_for_partial(best.pair, missing):
        return Decision(Outcome.REVIEW, Reason.PARTIAL_IDENTITY, best, best.protected)
    return decision
