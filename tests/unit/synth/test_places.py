"""Synthetic England on the real ONS geography: England's children's services authorities, and homes at
real postcode units of each, placed by the same sector rows the ONS import writes."""

from collections import Counter
from random import Random

from contactpoint.app.feeds.geography import PostcodeAuthorities
from contactpoint.app.geography.areas import AreaBuilder, outward_and_sector
from contactpoint.app.geography.ons import postcode_units, upper_tiers
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import PostalAddress, check_la_code
from contactpoint.synth.places import england, random_address

LEEDS, CAMDEN, CUMBERLAND, SCILLY = "E08000035", "E09000007", "E06000063", "E06000053"


def test_the_authorities_are_englands_children_services_authorities_with_their_ons_names():
    authorities = england().authorities
    tiers = {tier.code: tier.name for tier in upper_tiers().values()}
    assert len(authorities) == 153
    assert all(check_la_code(la.code) and la.code.startswith("E") for la in authorities)
    assert {la.code: la.name for la in authorities}.items() <= tiers.items()
    names = {la.code: la.name for la in authorities}
    assert (names[LEEDS], names[CAMDEN], names[CUMBERLAND]) == ("Leeds", "Camden", "Cumberland")
    numbers = [la.number for la in authorities]
    assert len(set(numbers)) == 153
    assert all(len(n) == 3 and n.isdigit() for n in numbers)


def test_an_authoritys_share_of_children_is_its_share_of_the_directorys_postcode_units():
    geography = england()
    total = sum(la.weight for la in geography.authorities)
    leeds, scilly = geography.by_code(LEEDS), geography.by_code(SCILLY)
    assert leeds.weight > 30_000
    assert scilly.weight < 200
    rng = Random(7)
    drawn = Counter(geography.table.pick(rng).code for _ in range(200_000))
    assert abs(drawn[LEEDS] / 200_000 - leeds.weight / total) < 0.002


def test_every_address_is_a_real_unit_of_its_authority_and_a_valid_record():
    geography = england()
    rng = Random(4)
    addresses = [random_address(la, rng) for la in geography.authorities for _ in range(5)]
    wanted = {a.postcode.partition(" ")[0] for a in addresses}
    tiers = upper_tiers()
    real = {
        unit: tiers[lower].code
        for unit, lower in postcode_units()
        if unit.partition(" ")[0] in wanted and lower in tiers
    }
    for address in addresses:
        assert real[address.postcode] == address.la_code
        postcode = Postcode.parse(address.postcode)
        assert postcode.value == address.postcode
        PostalAddress(address.lines, postcode, address.town)
        assert address.town in geography.by_code(address.la_code).towns


def test_the_ons_sector_rows_place_every_synthetic_postcode_in_its_authority():
    geography = england()
    table = PostcodeAuthorities({prefix: la for prefix, _district, la in geography.areas})
    for la in geography.authorities:
        for index in range(0, la.unit_count, max(1, la.unit_count // 50)):
            postcode, _town = la.unit(index)
            assert table(postcode) == la.code, postcode


def test_the_sector_and_district_rows_are_those_the_ons_import_writes():
    districts = {"NW1", "NW3", "LS1", "LS6", "CH5", "SY10", "TR21"}
    builder = AreaBuilder(upper_tiers())
    for unit, lower in postcode_units():
        if outward_and_sector(unit)[0] in districts:
            builder.add(unit, lower)
    mine = [row for row in england().areas if row[1] in districts]
    assert mine == list(builder.shared_rows())
    assert ("LS6 1", "LS6", LEEDS) in mine
    assert not any(row[0] in {"CH5", "SY10"} for row in mine)  # they straddle the Welsh border


def test_the_geography_is_the_same_every_time_it_is_built():
    first, second = england.__wrapped__(), england.__wrapped__()
    assert first.areas == second.areas
    assert [(la.code, la.number, la.weight, la.towns, la.units) for la in first.authorities] == [
        (la.code, la.number, la.weight, la.towns, la.units) for la in second.authorities
    ]
