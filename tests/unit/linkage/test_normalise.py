"""Folding names: look-alike letters from other scripts fold to the Latin letter they imitate."""

from __future__ import annotations

import json
import string
import unicodedata
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactpoint.linkage.normalise import family_name_keys, fold, phonetic


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("\u0410nn\u0435", "Anne"),  # Cyrillic capital A, small ie
        ("\u0405\u0430r\u0430h", "Sarah"),  # Cyrillic dze, a
        ("\u0406sl\u0430", "Isla"),  # Ukrainian capital I
        ("\u039fliv\u0435r", "Oliver"),  # Greek capital omicron
        ("\uff2a\uff41\uff43\uff4b", "Jack"),  # fullwidth letters
        ("Zo\u00eb", "Zoe"),
        ("\u03f9ameron Gri\u017f\u017fiths", "Cameron Griffiths"),  # lunate sigma, long s
        ("\u03f2ara", "cara"),  # small lunate sigma
    ],
)
def test_look_alike_and_accented_letters_fold_to_the_latin_name(typed, plain):
    assert fold(typed) == fold(plain)
    assert phonetic(typed) == phonetic(plain)
    assert family_name_keys(typed) == family_name_keys(plain)


def test_letters_without_a_latin_look_alike_are_transliterated_not_dropped():
    assert fold("\u0416\u0443\u043a") != ""  # Cyrillic "Zhuk"
    assert fold("\u0416\u0443\u043a").startswith("ZH")


def test_ascii_names_fold_as_before():
    assert fold("O'Brien-Smith") == "OBRIENSMITH"
    assert fold("Isla") == "ISLA"


def _confusables_of_latin_letters() -> dict[str, list[str]]:
    """Unicode's confusables table (UTS #39), read here on its own: each Latin letter and the
    single characters it lists as looking like that letter alone (not combining marks, and not a
    capital vertical stroke, which names read as I)."""
    table = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    letters: dict[str, list[str]] = {letter: [] for letter in string.ascii_letters}
    for character, confusables in table.items():
        latin = {c["c"] for c in confusables if c["c"] in letters}
        if len(character) != 1 or character.isascii() or unicodedata.combining(character) or len(latin) != 1:
            continue
        (letter,) = latin
        if letter == "l" and unicodedata.category(character) == "Lu":
            continue
        letters[letter].append(character)
    return {letter: sorted(found) for letter, found in letters.items() if found}


_CONFUSABLES = _confusables_of_latin_letters()


@st.composite
def _name_and_look_alike(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.text(alphabet=sorted(_CONFUSABLES), min_size=1, max_size=14))
    variant = "".join(
        draw(st.sampled_from([letter, *_CONFUSABLES[letter]])) if draw(st.booleans()) else letter
        for letter in name
    )
    return name, variant


def test_every_latin_letter_has_look_alikes_in_the_table():
    assert set(string.ascii_lowercase) <= {letter.lower() for letter in _CONFUSABLES}


@given(_name_and_look_alike())
def test_a_name_spelt_with_look_alikes_of_its_letters_folds_to_the_name(pair: tuple[str, str]) -> None:
    name, variant = pair
    assert fold(variant) == fold(name)
    assert phonetic(variant) == phonetic(name)
