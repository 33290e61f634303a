"""The ContactPoint ID: random, fixed length, with a Damm check digit.

Damm's algorithm detects every single-digit error and every adjacent transposition, which is what
people make when they read an ID over the phone or type it from paper. python-stdnum implements it.
The ID is drawn from the operating system's CSPRNG and never from personal data, so it reveals
nothing about the child and cannot be guessed from what is known about them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from stdnum import damm

from contactpoint.domain.errors import InvalidContactPointId

ID_LENGTH = 12
_PAYLOAD_LENGTH = ID_LENGTH - 1
_SEPARATORS = re.compile(r"[\s-]")


@lru_cache(maxsize=1 << 16)
def _check_digit_matches(value: str) -> bool:
    """Damm's check, remembered: a feed batch or a search builds the same IDs many times over (each
    ID is a random number, not personal data)."""
    return damm.is_valid(value)


@dataclass(frozen=True, slots=True, order=True)
class ContactPointId:
    """A validated ContactPoint ID; construct through `parse` or `generate`."""

    value: str

    def __post_init__(self) -> None:
        if len(self.value) != ID_LENGTH or not self.value.isascii() or not self.value.isdigit():
            raise InvalidContactPointId(f"must be {ID_LENGTH} digits")
        if not _check_digit_matches(self.value):
            raise InvalidContactPointId("check digit does not match")

    @classmethod
    def parse(cls, text: str) -> ContactPointId:
        """Accept the ID as people write it (spaces or hyphens between groups)."""
        return cls(_SEPARATORS.sub("", text))

    @classmethod
    def generate(cls) -> ContactPointId:
        """A fresh random ID. Uniqueness against those already issued is the store's job."""
        payload = f"{secrets.randbelow(10**_PAYLOAD_LENGTH):0{_PAYLOAD_LENGTH}d}"
        return cls(payload + damm.calc_check_digit(payload))

    def formatted(self) -> str:
        """Grouped in fours for reading aloud: 1234 5678 9012."""
        return " ".join(self.value[i : i + 4] for i in range(0, ID_LENGTH, 4))

    def __str__(self) -> str:
        return self.value
