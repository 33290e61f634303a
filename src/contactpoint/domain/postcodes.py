"""UK postcodes: validation and normalisation.

Written by hand because the PyPI packages for this are unmaintained or call a web service, and the
rules are short and stable: the letter restrictions below are those of the Royal Mail's format,
as published in the government's data standards catalogue (BS 7666).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import takewhile

from contactpoint.domain.errors import ValidationError

_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"  # never Q, V, X
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"  # never I, J, Z
_THIRD = "ABCDEFGHJKPSTUW"  # the letter in A9A outward codes
_FOURTH = "ABEHMNPRVWXY"  # the letter in AA9A outward codes
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # never C, I, K, M, O, V

_OUTWARD = (
    rf"[{_FIRST}][0-9]{{1,2}}"
    rf"|[{_FIRST}][0-9][{_THIRD}]"
    rf"|[{_FIRST}][{_SECOND}][0-9]{{1,2}}"
    rf"|[{_FIRST}][{_SECOND}][0-9][{_FOURTH}]"
)
_PATTERN = re.compile(rf"^(?P<outward>{_OUTWARD}) ?(?P<inward>[0-9][{_INWARD}]{{2}})$")
_SPECIAL = {"GIR 0AA"}  # Girobank's historic postcode breaks the letter rules but is real


@dataclass(frozen=True, slots=True)
class Postcode:
    """A UK postcode in its normal form: upper case, one space before the inward code."""

    value: str

    def __post_init__(self) -> None:
        if self.value not in _SPECIAL and not _PATTERN.match(self.value):
            raise ValidationError("postcode", "not a valid UK postcode")
        if self.value[-4] != " ":
            raise ValidationError("postcode", "not in normal form")

    @classmethod
    def parse(cls, text: str) -> Postcode:
        """Normalise spacing and case, then validate."""
        compact = re.sub(r"\s+", "", text).upper()
        if not 5 <= len(compact) <= 7:
            raise ValidationError("postcode", "not a valid UK postcode")
        return cls(f"{compact[:-3]} {compact[-3:]}")

    @property
    def outward(self) -> str:
        """The postcode district (outward code), e.g. SW1A: what a search may narrow by."""
        return self.value.split(" ", 1)[0]

    @property
    def sector(self) -> str:
        """The postcode sector, e.g. SW1A 1."""
        return self.value[:-2]

    @property
    def area(self) -> str:
        """The leading letters, e.g. SW."""
        return "".join(takewhile(str.isalpha, self.outward))

    def __str__(self) -> str:
        return self.value


def is_valid_postcode(text: str) -> bool:
    """True when `text` parses as a UK postcode."""
    try:
        Postcode.parse(text)
    except ValidationError:
        return False
    return True


def parse_district(text: str) -> str:
    """Validate and normalise a postcode district (outward code) given on its own, e.g. in a search."""
    compact = re.sub(r"\s+", "", text).upper()
    if not re.fullmatch(_OUTWARD, compact):
        raise ValidationError("postcode_district", "not a valid UK postcode district")
    return compact
