"""Deliberately broken feed rows, so the ingest pipeline's rejects are exercised and measured."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from random import Random

from contactpoint.synth.dates import DateWriter


class MalformedKind(StrEnum):
    """How a row is broken."""

    BAD_DATE = "bad_date"  # a date that does not exist, such as 31 February
    IMPOSSIBLE_POSTCODE = "impossible_postcode"
    MISSING_REQUIRED = "missing_required"  # no family name, no date of birth
    BAD_ENCODING = "bad_encoding"  # a line of Latin-1 bytes in a UTF-8 file
    TRUNCATED = "truncated"  # a line cut short: too few CSV columns, unterminated JSON


MALFORMED_KINDS = tuple(MalformedKind)
IMPOSSIBLE_POSTCODES = ("QV1 1AA", "ZZ99 9ZZ", "SW1A 1CI", "1AB 2CD", "XX10 4AB", "LS1 1AAA")
_IMPOSSIBLE_DAYS = ((2, 31), (2, 30), (4, 31), (6, 31), (9, 31), (11, 31))
LATIN1_NAMES = ("Zoë", "Renée", "José", "Chloé", "Anaïs", "Léa", "Noël", "Björn")


@dataclass(frozen=True, slots=True)
class Breakage:
    """A malformed row: the changed values, and how the line itself must be broken when written."""

    kind: MalformedKind
    values: tuple[str | None, ...]
    latin1: bool = False
    truncate: bool = False


@dataclass(frozen=True, slots=True)
class RowShape:
    """Where a source's rows keep the fields that malformations target (indices into the values)."""

    date_of_birth: int
    postcode: int
    required: tuple[int, ...]
    given_name: int
    write_date: DateWriter


def impossible_date(write: DateWriter, rng: Random) -> str:
    """A date in the source's format that no calendar has."""
    month, day = _IMPOSSIBLE_DAYS[int(rng.random() * len(_IMPOSSIBLE_DAYS))]
    return write(2008 + int(rng.random() * 17), month, day)


def break_row(values: tuple[str | None, ...], shape: RowShape, kind: MalformedKind, rng: Random) -> Breakage:
    """The row broken in the way `kind` says."""
    changed = list(values)
    if kind is MalformedKind.BAD_DATE:
        changed[shape.date_of_birth] = impossible_date(shape.write_date, rng)
    elif kind is MalformedKind.IMPOSSIBLE_POSTCODE:
        changed[shape.postcode] = IMPOSSIBLE_POSTCODES[int(rng.random() * len(IMPOSSIBLE_POSTCODES))]
    elif kind is MalformedKind.MISSING_REQUIRED:
        for index in shape.required:
            changed[index] = None
    elif kind is MalformedKind.BAD_ENCODING:
        changed[shape.given_name] = LATIN1_NAMES[int(rng.random() * len(LATIN1_NAMES))]
        return Breakage(kind, tuple(changed), latin1=True)
    else:
        return Breakage(kind, values, truncate=True)
    return Breakage(kind, tuple(changed))
