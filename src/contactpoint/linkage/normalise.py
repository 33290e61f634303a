"""Normal forms of names and dates used for blocking, search and matching.

Names are folded to unaccented capitals and reduced to NYSIIS phonetic keys (jellyfish), which
were designed for personal names and absorb most spelling variants (Steven/Stephen, Mohammed/
Muhammad). Hyphenated and double-barrelled family names yield a key for the whole and each part,
so "Smith-Jones", "Jones Smith" and plain "Smith" meet.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

import jellyfish

_NON_LETTERS = re.compile(r"[^A-Z]")
_PART_SEPARATORS = re.compile(r"[\s-]+")
_CACHE = 1 << 16  # name frequencies are skewed: a small cache answers most look-ups


@lru_cache(maxsize=_CACHE)
def fold(text: str) -> str:
    """Unaccented capitals with every non-letter removed: "O'Brien" -> "OBRIEN"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_LETTERS.sub("", stripped.upper())


@lru_cache(maxsize=_CACHE)
def phonetic(text: str) -> str:
    """NYSIIS key of the folded text, or "" when there are no letters."""
    folded = fold(text)
    return jellyfish.nysiis(folded) if folded else ""


@lru_cache(maxsize=_CACHE)
def family_name_keys(family: str) -> frozenset[str]:
    """Phonetic keys for the whole family name and, if it has several parts, each part."""
    parts = [part for part in _PART_SEPARATORS.split(family) if fold(part)]
    keys = {phonetic(family)}
    if len(parts) > 1:
        keys.update(phonetic(part) for part in parts)
    return frozenset(key for key in keys if key)


@lru_cache(maxsize=_CACHE)
def given_name_key(given: str) -> str:
    """Phonetic key of the first given name; middle names vary too much between sources."""
    first = given.split(" ", 1)[0]
    return phonetic(first)


def date_variants(day: date) -> frozenset[date]:
    """The date and, where valid and different, the date with day and month swapped."""
    variants = {day}
    if day.day <= 12 and day.day != day.month:
        variants.add(date(day.year, day.day, day.month))
    return frozenset(variants)
