"""Synthetic England: 153 local authorities, their postcode districts and towns, and addresses in them.

The names are invented, but the structure is England's: each LA has a three-digit number, owns whole
postcode districts (a district never straddles two LAs), and its postcodes are in the Royal Mail's
format. The geography is fixed (it does not depend on the population's seed), so LA codes and
postcodes mean the same thing in every synthetic data set.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache
from random import Random

from contactpoint.synth.weighted import WeightedTable

LA_COUNT = 153
GEOGRAPHY_SEED = 20_090_101  # ContactPoint went live in January 2009
FLAT_RATE = 0.18

# Postcode areas of England (the letters are real; every district number under them is made up).
POSTCODE_AREAS = [
    "AL",
    "B",
    "BA",
    "BB",
    "BD",
    "BH",
    "BL",
    "BN",
    "BR",
    "BS",
    "CA",
    "CB",
    "CM",
    "CO",
    "CR",
    "CT",
    "CV",
    "CW",
    "DA",
    "DE",
    "DH",
    "DL",
    "DN",
    "DT",
    "DY",
    "E",
    "EC",
    "EN",
    "EX",
    "FY",
    "GL",
    "GU",
    "HA",
    "HD",
    "HG",
    "HP",
    "HR",
    "HU",
    "HX",
    "IG",
    "IP",
    "KT",
    "L",
    "LA",
    "LE",
    "LN",
    "LS",
    "LU",
    "M",
    "ME",
    "MK",
    "N",
    "NE",
    "NG",
    "NN",
    "NR",
    "NW",
    "OL",
    "OX",
    "PE",
    "PL",
    "PO",
    "PR",
    "RG",
    "RH",
    "RM",
    "S",
    "SE",
    "SG",
    "SK",
    "SL",
    "SM",
    "SN",
    "SO",
    "SP",
    "SR",
    "SS",
    "ST",
    "SW",
    "TA",
    "TF",
    "TN",
    "TQ",
    "TR",
    "TS",
    "TW",
    "UB",
    "W",
    "WA",
    "WC",
    "WD",
    "WF",
    "WN",
    "WR",
    "WS",
    "WV",
    "YO",
]
# Central London districts take a letter after the number, as SW1A and EC1M do.
LETTERED_DISTRICTS = {
    "EC": "AMNPRVY",
    "WC": "ABEHNRVX",
    "SW": "AEHPVWXY",
    "W": "ABCDFGHJKSTU",
    "E": "W",
    "N": "CP",
    "NW": "W",
    "SE": "P",
}
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_UNIT_LETTERS = _INWARD_LETTERS[:8]  # 64 units a sector: a few households share each postcode

_FIRST_PARTS = [
    "Ash",
    "Brad",
    "Bram",
    "Carl",
    "Chel",
    "Dun",
    "Elm",
    "Fen",
    "Glen",
    "Hart",
    "Hol",
    "Kings",
    "Lang",
    "Marl",
    "Mill",
    "Nor",
    "Oak",
    "Pen",
    "Red",
    "Rother",
    "Sand",
    "Shel",
    "Stan",
    "Stock",
    "Thorn",
    "Wal",
    "West",
    "Whit",
    "Wick",
    "Wood",
    "Alder",
    "Bar",
    "Brack",
    "Cal",
    "Chip",
    "Cran",
    "Ding",
    "Ever",
    "Farn",
    "Gold",
    "Hals",
    "Ingle",
    "Kel",
    "Lind",
    "Mel",
    "Ox",
    "Pax",
    "Quen",
    "Rams",
    "Sal",
    "Tam",
    "Wen",
    "Yarn",
    "Broom",
    "Cold",
    "Har",
    "Hazel",
    "Lark",
    "Moss",
    "Ros",
    "Swan",
    "Wyn",
    "Ayle",
    "Birch",
    "Clay",
    "Eas",
    "Fox",
    "Heath",
    "Ivy",
    "Lea",
    "Nether",
    "Orch",
    "Pick",
    "Rook",
    "Sedge",
    "Stone",
    "Tun",
    "Up",
    "Wil",
    "Yew",
    "Cress",
    "Dove",
]
_SECOND_PARTS = [
    "bury",
    "ton",
    "ford",
    "ham",
    "ley",
    "field",
    "worth",
    "borough",
    "by",
    "chester",
    "minster",
    "stead",
    "wick",
    "mouth",
    "bridge",
    "dale",
    "hurst",
    "combe",
    "well",
    "thorpe",
    "den",
    "holt",
    "marsh",
    "cote",
    "lowe",
    "wood",
]
_STREET_STEMS = [
    "Oak",
    "Elm",
    "Beech",
    "Birch",
    "Ash",
    "Willow",
    "Cedar",
    "Maple",
    "Hazel",
    "Rowan",
    "Holly",
    "Laurel",
    "Chestnut",
    "Sycamore",
    "Poplar",
    "Larch",
    "Church",
    "Mill",
    "Station",
    "Park",
    "Green",
    "Bridge",
    "Manor",
    "Victoria",
    "Albert",
    "Queen",
    "King",
    "Castle",
    "Market",
    "Chapel",
    "School",
    "Meadow",
    "Orchard",
    "Spring",
    "Well",
    "Brook",
    "River",
    "Hill",
    "Valley",
    "Forest",
    "Heath",
    "Moor",
    "Field",
    "Grange",
    "Abbey",
    "Priory",
    "York",
    "Windsor",
    "Stanley",
    "Granville",
    "Clarence",
    "Cavendish",
    "Devonshire",
    "Grosvenor",
    "Rutland",
    "Shelley",
    "Byron",
    "Keats",
    "Tennyson",
    "Milton",
    "Wordsworth",
    "Nelson",
    "Wellington",
    "Gladstone",
    "Peel",
    "Cromwell",
    "Lime",
    "Alma",
    "Balmoral",
    "Sandringham",
]
_STREET_TYPES = [
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Drive",
    "Way",
    "Gardens",
    "Crescent",
    "Grove",
    "Terrace",
    "Place",
    "Court",
    "Rise",
    "View",
    "Walk",
    "Mews",
]
_BUILDINGS = ("House", "Court", "Lodge", "Heights", "Point", "Mansions")


@dataclass(frozen=True, slots=True)
class District:
    """A postcode district and the town its addresses are in."""

    outward: str
    town: str


@dataclass(frozen=True, slots=True)
class LocalAuthority:
    """A local authority, its relative population, and the postcode districts it owns."""

    code: str
    name: str
    weight: float
    districts: tuple[District, ...]
    phone_area: int


@dataclass(frozen=True, slots=True)
class Address:
    """A synthetic postal address, with the LA whose district its postcode is in."""

    lines: tuple[str, ...]
    town: str
    postcode: str
    la_code: str


def _place_names(rng: Random) -> list[str]:
    names = [first + second for first in _FIRST_PARTS for second in _SECOND_PARTS]
    rng.shuffle(names)
    return names


def _district_codes(area: str, count: int, start: int) -> list[str]:
    codes: list[str] = []
    number = start
    lettered = LETTERED_DISTRICTS.get(area, "")
    while len(codes) < count:
        if number == 1 and lettered:
            codes.extend(f"{area}1{letter}" for letter in lettered)
        else:
            codes.append(f"{area}{number}")
        number += 1
    return codes[:count]


class Geography:
    """All 153 LAs, weighted by their share of England's children."""

    __slots__ = ("_by_code", "authorities", "table")

    def __init__(self, authorities: tuple[LocalAuthority, ...]) -> None:
        self.authorities = authorities
        self.table: WeightedTable[LocalAuthority] = WeightedTable((la, la.weight) for la in authorities)
        self._by_code = {la.code: la for la in authorities}

    def by_code(self, code: str) -> LocalAuthority:
        """The LA with that three-digit number."""
        return self._by_code[code]


@cache
def england() -> Geography:
    """The fixed synthetic geography."""
    rng = Random(GEOGRAPHY_SEED)
    codes = sorted(rng.sample(range(201, 939), LA_COUNT))
    places = _place_names(rng)
    weights = [rng.lognormvariate(0.0, 0.7) for _ in range(LA_COUNT)]
    areas = list(POSTCODE_AREAS)
    rng.shuffle(areas)
    area_of = [areas[i % len(areas)] for i in range(LA_COUNT)]  # some areas hold two LAs
    next_number = dict.fromkeys(areas, 1)
    total = sum(weights)
    authorities = []
    place_index = 0
    for index, code in enumerate(codes):
        area = area_of[index]
        district_count = max(3, min(40, round(weights[index] / total * 2400)))
        outwards = _district_codes(area, district_count, next_number[area])
        next_number[area] += district_count + 1
        name = places[place_index]
        towns = [name, *places[place_index + 1 : place_index + 1 + max(1, district_count // 4)]]
        place_index += len(towns)
        districts = tuple(
            District(outward, towns[0] if i % 2 == 0 else towns[i % len(towns)])
            for i, outward in enumerate(outwards)
        )
        authorities.append(LocalAuthority(f"{code:03d}", name, weights[index], districts, rng.randrange(12)))
    return Geography(tuple(authorities))


def street_name(postcode: str) -> str:
    """The street a postcode unit covers: fixed by the postcode, so neighbours share a street."""
    digest = zlib.crc32(postcode.encode("ascii"))
    stem = _STREET_STEMS[digest % len(_STREET_STEMS)]
    return f"{stem} {_STREET_TYPES[(digest >> 8) % len(_STREET_TYPES)]}"


def random_postcode(la: LocalAuthority, rng: Random) -> tuple[str, str]:
    """A postcode in one of the LA's districts, with the district's town."""
    district = la.districts[int(rng.random() * len(la.districts))]
    unit = _UNIT_LETTERS[int(rng.random() * 8)] + _UNIT_LETTERS[int(rng.random() * 8)]
    return f"{district.outward} {int(rng.random() * 10)}{unit}", district.town


def random_address(la: LocalAuthority, rng: Random) -> Address:
    """A house or flat on a street in the LA."""
    postcode, town = random_postcode(la, rng)
    street = street_name(postcode)
    if rng.random() < FLAT_RATE:
        building = f"{street.split(' ', 1)[0]} {_BUILDINGS[int(rng.random() * len(_BUILDINGS))]}"
        lines: tuple[str, ...] = (f"Flat {1 + int(rng.random() * 59)}", building, street)
    else:
        lines = (f"{1 + int(rng.random() * 239)} {street}",)
    return Address(lines, town, postcode, la.code)
