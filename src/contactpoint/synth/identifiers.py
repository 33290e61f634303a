"""Identifiers the sources issue: unique, valid in form, and recognisably synthetic.

Each is derived from a dense unique key (a family's or child's position in the stream) through a
seeded bijection, so identifiers never collide, look unordered, and are the same whatever else was
generated. NHS numbers use the 9 prefix, which the NHS does not issue to patients.
"""

from __future__ import annotations

from dataclasses import dataclass

_MULTIPLIER = 627_523  # coprime with 2, 3 and 5, so a bijection on every key space used here
NHS_KEY_SPACE = 9 * 10**7  # 10**7 nine-leading prefixes, each with 9 usable ninth digits
KEY_SPACE = 10**8
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def scramble(key: int, space: int, salt: int) -> int:
    """A bijection of 0..space-1 that hides the order of keys."""
    if not 0 <= key < space:
        raise ValueError("identifier key space exhausted: the population is too large")
    return (key * _MULTIPLIER + salt) % space


def nhs_number(key: int, salt: int) -> str:
    """A valid NHS number (mod-11 check digit) beginning 9."""
    scrambled = scramble(key, NHS_KEY_SPACE, salt)
    prefix = f"9{scrambled // 9:07d}"
    partial = 90 + _weighted_digits(scrambled // 9, 3)
    wanted = scrambled % 9
    for ninth in range(10):
        if (partial + 2 * ninth) % 11 == 1:  # would need check digit 10: no such number
            continue
        if wanted == 0:
            return f"{prefix}{ninth}{(11 - (partial + 2 * ninth) % 11) % 11}"
        wanted -= 1
    raise AssertionError("unreachable: every prefix has at least nine usable ninth digits")


def _weighted_digits(number: int, last_weight: int, step: int = 1) -> int:
    """Digits times weights (`last_weight` for the last digit, changing by `step` leftwards), summed."""
    total = 0
    weight = last_weight
    while number:
        number, digit = divmod(number, 10)
        total += digit * weight
        weight += step
    return total


def unique_pupil_number(key: int, la_number: str, salt: int) -> str:
    """A UPN: check letter, the issuing LA's three-digit number, then nine digits (the DfE's mod-23
    check letter)."""
    body = f"{la_number}{scramble(key, 10**9, salt):09d}"
    total = _weighted_digits(int(body), 13, -1)  # weights 2..13 from the first character to the last
    return _UPN_LETTERS[total % 23] + body


def child_benefit_reference(claim_key: int, child_number: int, salt: int, *, adoptive: bool = False) -> str:
    """A claim number and the child's letter on the claim; adopters' claims are new claims."""
    prefix = "CHA" if adoptive else "CHB"
    return f"{prefix}{scramble(claim_key, KEY_SPACE, salt):08d}{_UPN_LETTERS[child_number % 23]}"


def local_authority_reference(key: int, la_number: str, salt: int) -> str:
    """A children's social care case reference, prefixed by the LA's three-digit number."""
    return f"{la_number}{scramble(key, KEY_SPACE, salt):08d}"


def youth_justice_reference(key: int, salt: int) -> str:
    """A youth justice case reference."""
    return f"YJ{scramble(key, KEY_SPACE, salt):08d}"


@dataclass(frozen=True, slots=True)
class Identifiers:
    """What each source would call the child, where it knows the child at all."""

    nhs_number: str | None
    unique_pupil_number: str | None
    child_benefit: str | None
    local_authority: str | None
    youth_justice: str | None
