"""The postcode-to-LA table a deployment supplies: the most precise prefix wins, and a bad file is refused."""

from pathlib import Path

import pytest

from contactpoint.app.feeds.geography import NO_AUTHORITIES, PostcodeAuthorities
from contactpoint.domain.errors import ValidationError


def test_a_postcode_is_placed_by_its_unit_then_its_sector_then_its_district():
    table = PostcodeAuthorities({"ZZ1": "101", "ZZ1 2": "102", "ZZ1 2AB": "103"})
    assert table("ZZ1 2AB") == "103"
    assert table("ZZ1 2CD") == "102"
    assert table("ZZ1 3AB") == "101"
    assert table("ZZ9 9ZZ") is None


def test_case_and_spacing_do_not_matter():
    table = PostcodeAuthorities({"ZZ1 2": "102"})
    assert table(" zz1  2cd ") == "102"


def test_without_a_table_no_postcode_places_a_child():
    assert NO_AUTHORITIES("ZZ1 2AB") is None


def test_a_saved_table_loads_back_the_same(tmp_path: Path):
    table = PostcodeAuthorities({"ZZ1": "101", "ZZ1 2": "102"})
    path = tmp_path / "postcode-authorities.csv"
    table.save(path)
    assert PostcodeAuthorities.load(path) == table


def test_a_file_with_another_header_is_refused_rather_than_half_read(tmp_path: Path):
    path = tmp_path / "postcode-authorities.csv"
    path.write_text("postcode,authority\nZZ1,101\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="postcode_prefix,la_code"):
        PostcodeAuthorities.load(path)
