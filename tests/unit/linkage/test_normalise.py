"""Folding names: look-alike letters from other scripts fold to the Latin letter they imitate."""

from __future__ import annotations

import pytest

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
