from datetime import date
from random import Random

import pytest

from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.vocabulary import Gender
from contactpoint.synth.errors_model import (
    RANDOM_KINDS,
    ErrorKind,
    ErrorRates,
    Reported,
    apply_errors,
    double_barrel_variant,
    postcode_typo,
    transposition,
    typo,
)

EVERY_TIME = ErrorRates(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
NEVER = ErrorRates(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def test_a_typo_is_one_edit_that_keeps_the_initial():
    rng = Random(1)
    for _ in range(500):
        changed = typo("Christopher", rng)
        assert changed[0] == "C"
        assert _edit_distance(changed, "Christopher") == 1


def test_a_transposition_swaps_two_neighbours():
    rng = Random(2)
    for _ in range(200):
        changed = transposition("Williams", rng)
        assert sorted(changed) == sorted("Williams")
        assert changed != "Williams"
        assert sum(a != b for a, b in zip(changed, "Williams", strict=True)) == 2


def test_a_postcode_typo_is_a_different_but_well_formed_postcode():
    rng = Random(3)
    for _ in range(500):
        changed = postcode_typo("SW1A 2AA", rng)
        assert changed != "SW1A 2AA"
        assert changed.startswith("SW1A ")
        assert Postcode.parse(changed).value == changed


@pytest.mark.parametrize("family", ["Smith-Patel", "Smith Patel"])
def test_double_barrelled_surnames_come_in_either_order_or_in_part(family):
    rng = Random(4)
    seen = {double_barrel_variant(family, rng) for _ in range(200)}
    assert {"Patel", "Smith"} <= seen
    assert any(variant.startswith("Patel") and len(variant) > 5 for variant in seen)


def _reported(given: str = "Steven", family: str = "Smith-Patel", born: date = date(2015, 3, 7)) -> Reported:
    return Reported(
        given=given,
        middle="",
        family=family,
        born=born,
        gender=Gender.MALE,
        lines=("1 High Street",),
        town="Elmford",
        postcode="LS1 4AB",
    )


def test_every_kind_that_applies_is_applied_and_labelled():
    reported = _reported()
    apply_errors(reported, EVERY_TIME, ("postcode",), Random(5))
    always = {
        ErrorKind.DOUBLE_BARREL_VARIANT,
        ErrorKind.MISSING_FIELD,
        ErrorKind.DAY_MONTH_SWAP,
        ErrorKind.POSTCODE_TYPO,
    }
    assert always <= set(reported.kinds) <= set(RANDOM_KINDS)
    assert len(reported.kinds) == len(set(reported.kinds))
    assert reported.born == date(2015, 7, 3)
    assert reported.missing == "postcode"


def test_kinds_that_need_something_are_skipped_without_it():
    reported = _reported(given="Xanthe", family="Ng", born=date(2015, 3, 25))
    apply_errors(reported, ErrorRates(0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0), (), Random(6))
    assert reported.kinds == []
    assert (reported.given, reported.family, reported.born) == ("Xanthe", "Ng", date(2015, 3, 25))


def test_phonetic_variants_and_short_forms_are_substituted():
    reported = _reported(given="Alexander", family="Jones")
    apply_errors(reported, ErrorRates(0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0), (), Random(7))
    assert reported.given in {"Alex", "Xander", "Sandy"}
    assert reported.kinds == [ErrorKind.NICKNAME]
    reported = _reported(given="Steven")
    apply_errors(reported, ErrorRates(0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0), (), Random(8))
    assert reported.given in {"Stephen", "Stefan"}


def test_no_rates_no_errors():
    reported = _reported()
    apply_errors(reported, NEVER, ("postcode",), Random(9))
    assert reported.kinds == []
    assert reported.missing == ""
