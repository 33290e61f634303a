"""Telephone numbers and email addresses that can never reach anyone.

Numbers come from the ranges Ofcom keeps for drama (07700 900xxx, 01632 960xxx and one block in each of
several city codes); email domains are the ones RFC 2606 reserves (example.com, .org, .net).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from random import Random

MOBILE_FORMAT = "07700 900{:03d}"
LANDLINE_FORMATS = (
    "0113 496 0{:03d}",  # Leeds
    "0114 496 0{:03d}",  # Sheffield
    "0115 496 0{:03d}",  # Nottingham
    "0116 496 0{:03d}",  # Leicester
    "0117 496 0{:03d}",  # Bristol
    "0118 496 0{:03d}",  # Reading
    "0121 496 0{:03d}",  # Birmingham
    "0151 496 0{:03d}",  # Liverpool
    "0161 496 0{:03d}",  # Manchester
    "020 7946 0{:03d}",  # London
    "0191 498 0{:03d}",  # Tyneside
    "01632 960{:03d}",  # no area
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "ß": "ss", "æ": "ae", "\u0131": "i"})


def mobile_number(rng: Random) -> str:
    """A mobile number in the drama range."""
    return MOBILE_FORMAT.format(int(rng.random() * 1000))


def landline_number(rng: Random, area: int) -> str:
    """A landline number in the drama block of one of the city codes (`area` indexes LANDLINE_FORMATS)."""
    return LANDLINE_FORMATS[area % len(LANDLINE_FORMATS)].format(int(rng.random() * 1000))


@cache
def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters only: what an email local part made from a name looks like."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


def email_address(given: str, family: str, rng: Random) -> str:
    """An address in a reserved domain, shaped the ways people's addresses are."""
    first, last = ascii_fold(given) or "parent", ascii_fold(family) or "family"
    style = rng.random()
    if style < 0.4:
        local = f"{first}.{last}"
    elif style < 0.7:
        local = f"{first}{last}{1 + int(rng.random() * 99)}"
    else:
        local = f"{first[0]}{last}{1960 + int(rng.random() * 50)}"
    return f"{local}@{EMAIL_DOMAINS[int(rng.random() * 3)]}"
