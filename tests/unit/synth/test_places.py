from random import Random

from contactpoint.domain.postcodes import Postcode, is_valid_postcode
from contactpoint.domain.records import PostalAddress, check_la_code
from contactpoint.synth.places import LA_COUNT, england, random_address


def test_there_are_153_authorities_each_with_its_own_three_digit_number():
    authorities = england().authorities
    assert len(authorities) == LA_COUNT == 153
    codes = [la.code for la in authorities]
    assert len(set(codes)) == 153
    assert all(check_la_code(code) for code in codes)


def test_a_postcode_district_belongs_to_one_authority():
    owners: dict[str, str] = {}
    for la in england().authorities:
        for district in la.districts:
            assert owners.setdefault(district.outward, la.code) == la.code
    assert len(owners) > 1_000


def test_every_district_makes_valid_postcodes_including_lettered_ones():
    districts = [district.outward for la in england().authorities for district in la.districts]
    assert any(district[-1].isalpha() for district in districts)
    assert all(is_valid_postcode(f"{district} 9ZZ") for district in districts)


def test_addresses_are_valid_records_in_their_authority():
    rng = Random(4)
    geography = england()
    for la in geography.authorities:
        for _ in range(20):
            address = random_address(la, rng)
            assert address.la_code == la.code
            postcode = Postcode.parse(address.postcode)
            assert postcode.value == address.postcode
            assert postcode.outward in {district.outward for district in la.districts}
            PostalAddress(address.lines, postcode, address.town)


def test_the_geography_is_the_same_every_time_it_is_built():
    first, second = england.__wrapped__(), england.__wrapped__()
    assert [(la.code, la.name, la.districts) for la in first.authorities] == [
        (la.code, la.name, la.districts) for la in second.authorities
    ]
