import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.postcodes import Postcode, is_valid_postcode, parse_district


@pytest.mark.parametrize(
    ("text", "normal", "district"),
    [
        ("M1 1AE", "M1 1AE", "M1"),  # A9 9AA
        ("b338th", "B33 8TH", "B33"),  # A99 9AA
        ("CR2 6XH", "CR2 6XH", "CR2"),  # AA9 9AA
        ("dn55 1pt", "DN55 1PT", "DN55"),  # AA99 9AA
        ("W1A 0AX", "W1A 0AX", "W1A"),  # A9A 9AA
        ("EC1A1BB", "EC1A 1BB", "EC1A"),  # AA9A 9AA
        ("  sw1a   2aa ", "SW1A 2AA", "SW1A"),
        ("GIR 0AA", "GIR 0AA", "GIR"),
    ],
)
def test_valid_postcodes_normalise(text, normal, district):
    postcode = Postcode.parse(text)
    assert postcode.value == normal
    assert postcode.outward == district


@pytest.mark.parametrize(
    "text",
    [
        "",
        "SW1A",
        "QA1 1AA",
        "AI1 1AA",
        "A1 1AC",
        "EC1A 1BBB",
        "EC1A 1B",
        "1AA 1AA",
        "W1B 1AI",
        "AA1C 1AA",
        "B33 8TI",
        "SW1A-1AA",
        "ZZ99 9ZZZ",
    ],
)
def test_invalid_postcodes_are_rejected(text):
    assert not is_valid_postcode(text)
    with pytest.raises(ValidationError, match="postcode"):
        Postcode.parse(text)


def test_constructor_requires_normal_form():
    with pytest.raises(ValidationError, match="normal form"):
        Postcode("SW1A1AA")


def test_sector_and_area():
    postcode = Postcode.parse("SW1A 2AA")
    assert (postcode.sector, postcode.area) == ("SW1A 2", "SW")


def test_district_on_its_own():
    assert parse_district(" sw1a ") == "SW1A"
    with pytest.raises(ValidationError):
        parse_district("SW1A 2AA")
