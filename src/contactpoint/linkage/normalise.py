"""Normal forms of names and dates used for blocking, search and matching.

Names are folded to unaccented capitals and reduced to NYSIIS phonetic keys (jellyfish), which
were designed for personal names and absorb most spelling variants (Steven/Stephen, Mohammed/
Muhammad). Hyphenated and double-barrelled family names yield a key for the whole and each part,
so "Smith-Jones", "Jones Smith" and plain "Smith" meet.

Folding first replaces every letter that looks like a Latin one by that letter (Unicode's
confusables table, UTS #39: Cyrillic a, U+0430, is "a"; Greek capital omicron is "O"), then
transliterates what is left (anyascii: Cyrillic zhe is "ZH"). The look-alikes are taken before the
compatibility decomposition, as a UTS #39 skeleton takes them: decomposed first, the long s and the
lunate sigma became S where they look like f and C, so a family name typed with long s's met no
one. Dropping such letters instead let a name typed with a Cyrillic a share no key with the child
it copies, so a feed row about a shielded child became a new, visible record. Look-alikes win over
transliteration because the threat is a name that looks the same.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from datetime import date
from functools import lru_cache
from importlib.resources import files

import jellyfish
from anyascii import anyascii

_NON_LETTERS = re.compile(r"[^A-Z]")
_PART_SEPARATORS = re.compile(r"[\s-]+")
_CACHE = 1 << 16  # name frequencies are skewed: a small cache answers most look-ups
_LATIN = frozenset(string.ascii_letters)


@lru_cache(maxsize=1)
def _latin_lookalikes() -> dict[str, str]:
    """Each non-ASCII character that Unicode lists as confusable with a Latin letter, and that letter."""
    table = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    lookalikes: dict[str, str] = {}
    for character, confusables in table.items():
        if len(character) != 1 or character.isascii():
            continue
        latin = sorted(c["c"] for c in confusables if c["c"] in _LATIN)
        if not latin:
            continue
        letter = latin[0]
        # The table's prototype of the vertical stroke is "l"; a capital stroke (Cyrillic and Greek
        # capital I, the palochka) stands for a capital I in a name.
        if letter == "l" and unicodedata.category(character) == "Lu":
            letter = "I"
        lookalikes[character] = letter
    return lookalikes


def _skeleton_letter(character: str) -> str:
    if character.isascii() or unicodedata.combining(character):
        return character
    return _latin_lookalikes().get(character, character)


def _to_latin(character: str) -> str:
    if character.isascii():
        return character
    return _latin_lookalikes().get(character) or anyascii(character)


@lru_cache(maxsize=_CACHE)
def fold(text: str) -> str:
    """Unaccented capitals with every non-letter removed: "O'Brien" -> "OBRIEN"; look-alike and
    other non-Latin letters become Latin ones first: "Anna" typed with Cyrillic a's -> "ANNA"."""
    canonical = unicodedata.normalize("NFD", text)
    if not canonical.isascii():
        canonical = "".join(_skeleton_letter(c) for c in canonical)
    decomposed = unicodedata.normalize("NFKD", canonical)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not stripped.isascii():
        stripped = "".join(_to_latin(c) for c in stripped)
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
