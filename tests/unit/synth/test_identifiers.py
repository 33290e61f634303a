import re

import pytest
from stdnum.gb import nhs

from contactpoint.synth.identifiers import (
    NHS_KEY_SPACE,
    child_benefit_reference,
    local_authority_reference,
    nhs_number,
    scramble,
    unique_pupil_number,
    youth_justice_reference,
)

UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def test_nhs_numbers_are_valid_unique_and_in_the_unissued_nine_range():
    keys = [*range(5_000), *range(NHS_KEY_SPACE - 5_000, NHS_KEY_SPACE)]
    numbers = [nhs_number(key, 17) for key in keys]
    assert all(nhs.is_valid(number) and number.startswith("9") for number in numbers)
    assert len(set(numbers)) == len(numbers)


def test_the_salt_changes_every_identifier():
    assert nhs_number(5, 1) != nhs_number(5, 2)
    assert unique_pupil_number(5, "201", 1) != unique_pupil_number(5, "201", 2)


def test_scrambling_is_a_bijection():
    space = 10_000
    assert sorted(scramble(key, space, 99) for key in range(space)) == list(range(space))


def test_keys_beyond_the_space_are_refused():
    with pytest.raises(ValueError, match="exhausted"):
        scramble(10, 10, 0)


def test_pupil_numbers_have_the_dfe_shape_and_check_letter():
    for key in range(2_000):
        upn = unique_pupil_number(key, "873", 5)
        assert UPN.match(upn)
        assert upn[1:4] == "873"
        total = sum(int(digit) * weight for weight, digit in enumerate(upn[1:], start=2))
        assert upn[0] == UPN_LETTERS[total % 23]


def test_source_references_are_capital_letters_and_digits():
    pattern = re.compile(r"^[A-Z0-9]{4,20}$")
    references = [
        child_benefit_reference(12, 0, 3),
        child_benefit_reference(12, 1, 3),
        child_benefit_reference(12, 0, 3, adoptive=True),
        local_authority_reference(12, "873", 3),
        youth_justice_reference(12, 3),
    ]
    assert all(pattern.match(reference) for reference in references)
    assert len(set(references)) == len(references)
