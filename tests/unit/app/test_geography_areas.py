"""The postcode table built from units: each unit, plus sectors and districts lying in one authority."""

from __future__ import annotations

from contactpoint.app.feeds.geography import PostcodeAuthorities
from contactpoint.app.geography.areas import AreaBuilder
from contactpoint.app.geography.ons import UpperTier, _spaced, upper_tiers

TIERS = {
    "E07000001": UpperTier("E10000001", "Shire County"),
    "E07000002": UpperTier("E10000001", "Shire County"),
    "E06000001": UpperTier("E06000001", "Unitary Town"),
}
UNITS = [
    ("AA1 1AA", "E07000001"),  # sector AA1 1: two lower tiers, one county
    ("AA1 1AB", "E07000002"),
    ("AA1 2AA", "E07000001"),  # sector AA1 2: the county and a unitary: ambiguous
    ("AA1 2AB", "E06000001"),
    ("BB1 1AA", "E06000001"),  # district BB1: the unitary and a Welsh unit
    ("BB1 2AA", "W06000001"),
    ("CC1 1AA", "E06000099"),  # an English authority neither lookup knows
    ("CC1 1AB", "E06000001"),
    ("DD1 1AA", None),  # no authority recorded
]


def _built() -> tuple[AreaBuilder, PostcodeAuthorities]:
    builder = AreaBuilder(TIERS)
    rows = [row for unit, lower in UNITS if (row := builder.add(unit, lower))]
    rows += list(builder.shared_rows())
    return builder, PostcodeAuthorities({prefix: la for prefix, _district, la in rows})


def test_each_english_unit_lies_in_its_upper_tier_authority() -> None:
    builder, table = _built()
    assert table("AA1 1AB") == "E10000001"
    assert table("AA1 2AB") == "E06000001"
    assert (builder.units, builder.unplaced) == (6, 1)
    assert builder.authorities == {"E10000001": "Shire County", "E06000001": "Unitary Town"}


def test_an_unknown_unit_falls_back_to_its_sector_or_district_only_where_one_authority_holds_it() -> None:
    _, table = _built()
    assert table("AA1 1ZZ") == "E10000001"  # its sector lies in one authority
    assert table("AA1 2ZZ") is None  # its sector and district are shared
    assert table("BB1 1ZZ") == "E06000001"  # sector BB1 1 is whole; district BB1 straddles Wales
    assert table("BB1 9ZZ") is None
    assert table("CC1 1ZZ") is None  # a unit of an unknown authority makes the sector ambiguous


def test_shared_rows_are_written_only_for_single_authority_areas() -> None:
    builder, _ = _built()
    assert {prefix for prefix, _d, _la in builder.shared_rows()} == {"AA1 1", "BB1 1"}


def test_a_postcode_outside_every_row_has_no_authority() -> None:
    _, table = _built()
    assert table("ZZ9 9ZZ") is None
    assert table("DD1 1AA") is None


def test_the_packages_seven_character_units_are_spaced_as_postcodes() -> None:
    assert [_spaced(u) for u in ("E1  0AA", "EC1A1BB", "LS1 1UR")] == ["E1 0AA", "EC1A 1BB", "LS1 1UR"]


def test_the_packaged_lookup_maps_districts_to_counties_and_knows_the_newer_unitaries() -> None:
    tiers = upper_tiers()
    assert tiers["E07000008"] == UpperTier("E10000003", "Cambridgeshire")
    assert tiers["E09000007"] == UpperTier("E09000007", "Camden")
    assert tiers["E06000065"] == UpperTier("E06000065", "North Yorkshire")
    assert not any(code.startswith("W") for code in tiers)
