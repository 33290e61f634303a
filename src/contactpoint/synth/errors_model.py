"""The mistakes and quirks sources make when they report a child, each labelled in the truth.

Each source has its own rate per kind: the probability that a row it sends suffers that error.
A kind that needs something to work on (a phonetic variant needs a name that has one; a day-month swap
needs a day of 12 or less) is skipped on rows that lack it, so its observed rate can be lower.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from random import Random

from contactpoint.domain.vocabulary import Gender
from contactpoint.synth.name_variants import phonetic_variants, short_forms


class ErrorKind(StrEnum):
    """What went wrong with (or is peculiar about) a feed row."""

    TYPO = "typo"
    TRANSPOSITION = "transposition"
    PHONETIC_VARIANT = "phonetic_variant"
    NICKNAME = "nickname"
    DOUBLE_BARREL_VARIANT = "double_barrel_variant"
    MISSING_FIELD = "missing_field"
    DAY_MONTH_SWAP = "day_month_swap"
    POSTCODE_TYPO = "postcode_typo"
    STALE_ADDRESS = "stale_address"  # an address from before the family moved
    STALE_SURNAME = "stale_surname"  # the surname from before it changed
    ADOPTION_BIRTH_IDENTITY = "adoption_birth_identity"  # the birth identity, sent after the adoption


RANDOM_KINDS = (
    ErrorKind.TYPO,
    ErrorKind.TRANSPOSITION,
    ErrorKind.PHONETIC_VARIANT,
    ErrorKind.NICKNAME,
    ErrorKind.DOUBLE_BARREL_VARIANT,
    ErrorKind.MISSING_FIELD,
    ErrorKind.DAY_MONTH_SWAP,
    ErrorKind.POSTCODE_TYPO,
)


@dataclass(frozen=True, slots=True)
class ErrorRates:
    """Per-row probabilities of each random error kind for one source."""

    typo: float
    transposition: float
    phonetic_variant: float
    nickname: float
    double_barrel_variant: float
    missing_field: float
    day_month_swap: float
    postcode_typo: float

    def of(self, kind: ErrorKind) -> float:
        """The rate of one kind (0 for kinds that come from the timeline, not from chance)."""
        return float(getattr(self, kind.value, 0.0))

    def as_tuple(self) -> tuple[float, ...]:
        """The rates in the order of RANDOM_KINDS."""
        return (
            self.typo,
            self.transposition,
            self.phonetic_variant,
            self.nickname,
            self.double_barrel_variant,
            self.missing_field,
            self.day_month_swap,
            self.postcode_typo,
        )


class Reported:
    """A child's details as one row will report them: a scratch copy that errors may change."""

    __slots__ = (
        "born",
        "family",
        "gender",
        "given",
        "kinds",
        "lines",
        "middle",
        "missing",
        "postcode",
        "town",
    )

    def __init__(
        self,
        *,
        given: str,
        middle: str,
        family: str,
        born: date,
        gender: Gender,
        lines: tuple[str, ...] = (),
        town: str = "",
        postcode: str = "",
    ) -> None:
        self.given = given
        self.middle = middle
        self.family = family
        self.born = born
        self.gender = gender
        self.lines = lines
        self.town = town
        self.postcode = postcode
        self.missing = ""  # the name of an optional field the source left blank
        self.kinds: list[str] = []


_NEIGHBOURS = {
    "q": "wa",
    "w": "qes",
    "e": "wrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adw",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "ko",
    "z": "xa",
    "x": "zc",
    "c": "xv",
    "v": "cb",
    "b": "vn",
    "n": "bm",
    "m": "n",
}
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _pick(options: str | tuple[str, ...], rng: Random) -> str:
    return options[int(rng.random() * len(options))]


def typo(name: str, rng: Random) -> str:
    """One slip of the keyboard: a neighbouring key, a dropped letter, or a doubled one."""
    if len(name) < 3:
        return name
    position = 1 + int(rng.random() * (len(name) - 1))
    char = name[position]
    if not char.isalpha():
        return name
    roll = rng.random()
    if roll < 0.5 and char.lower() in _NEIGHBOURS:
        replacement = _pick(_NEIGHBOURS[char.lower()], rng)
        return (
            name[:position] + (replacement.upper() if char.isupper() else replacement) + name[position + 1 :]
        )
    if roll < 0.8:
        return name[:position] + name[position + 1 :]
    return name[:position] + char + name[position:]


def transposition(name: str, rng: Random) -> str:
    """Two neighbouring letters swapped."""
    candidates = [
        i
        for i in range(1, len(name) - 1)
        if name[i] != name[i + 1] and name[i].isalpha() and name[i + 1].isalpha()
    ]
    if not candidates:
        return name
    at = candidates[int(rng.random() * len(candidates))]
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


def double_barrel_variant(family: str, rng: Random) -> str:
    """A double-barrelled surname reversed, cut to one part, or with a space for the hyphen."""
    separator = "-" if "-" in family else " "
    first, _, second = family.partition(separator)
    if not second:
        return family
    return _pick(
        (f"{second}{separator}{first}", first, second, f"{first}{' ' if separator == '-' else '-'}{second}"),
        rng,
    )


def postcode_typo(postcode: str, rng: Random) -> str:
    """A mistyped inward code: still a well-formed postcode, but the wrong one."""
    outward, inward = postcode[:-4], postcode[-3:]
    roll = rng.random()
    if roll < 0.4:
        digit = str((int(inward[0]) + 1 + int(rng.random() * 9)) % 10)
        return f"{outward} {digit}{inward[1:]}"
    if roll < 0.7 and inward[1] != inward[2]:
        return f"{outward} {inward[0]}{inward[2]}{inward[1]}"
    letter = _pick(_INWARD_LETTERS.replace(inward[2], ""), rng)
    return f"{outward} {inward[:2]}{letter}"


def _typo(reported: Reported, rng: Random) -> bool:
    if rng.random() < 0.5:
        changed = typo(reported.given, rng)
        reported.given, before = changed, reported.given
    else:
        changed = typo(reported.family, rng)
        reported.family, before = changed, reported.family
    return changed != before


def _transposition(reported: Reported, rng: Random) -> bool:
    if rng.random() < 0.5:
        changed = transposition(reported.given, rng)
        reported.given, before = changed, reported.given
    else:
        changed = transposition(reported.family, rng)
        reported.family, before = changed, reported.family
    return changed != before


def _phonetic(reported: Reported, rng: Random) -> bool:
    variants = phonetic_variants(reported.given)
    if variants:
        reported.given = _pick(variants, rng)
        return True
    variants = phonetic_variants(reported.family)
    if variants:
        reported.family = _pick(variants, rng)
        return True
    return False


def _nickname(reported: Reported, rng: Random) -> bool:
    shorts = short_forms(reported.given)
    if shorts:
        reported.given = _pick(shorts, rng)
    return bool(shorts)


def _double_barrel(reported: Reported, rng: Random) -> bool:
    if "-" not in reported.family and " " not in reported.family:
        return False
    reported.family = double_barrel_variant(reported.family, rng)
    return True


def _day_month_swap(reported: Reported, _rng: Random) -> bool:
    born = reported.born
    if born.day > 12 or born.day == born.month:
        return False
    reported.born = date(born.year, born.day, born.month)
    return True


def _postcode_typo(reported: Reported, rng: Random) -> bool:
    if not reported.postcode:
        return False
    reported.postcode = postcode_typo(reported.postcode, rng)
    return True


_APPLIERS = (
    (ErrorKind.TYPO, _typo),
    (ErrorKind.TRANSPOSITION, _transposition),
    (ErrorKind.PHONETIC_VARIANT, _phonetic),
    (ErrorKind.NICKNAME, _nickname),
    (ErrorKind.DOUBLE_BARREL_VARIANT, _double_barrel),
    (ErrorKind.DAY_MONTH_SWAP, _day_month_swap),
    (ErrorKind.POSTCODE_TYPO, _postcode_typo),
)


def apply_errors(reported: Reported, rates: ErrorRates, optional: tuple[str, ...], rng: Random) -> None:
    """Apply each kind with its rate; record in `reported.kinds` the kinds that changed something."""
    random = rng.random
    for kind, rate in zip(RANDOM_KINDS, rates.as_tuple(), strict=True):
        if random() >= rate:
            continue
        if kind is ErrorKind.MISSING_FIELD:
            if optional:
                reported.missing = _pick(optional, rng)
                reported.kinds.append(kind)
        elif _APPLY[kind](reported, rng):
            reported.kinds.append(kind)


_APPLY = dict(_APPLIERS)
