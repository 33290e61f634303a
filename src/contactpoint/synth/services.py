"""The organisations that work with children in each LA: schools, GP practices and services.

Their number scales with the population so that schools and practices have realistic rolls at any
size (a primary school ~280 pupils, a practice ~1,800 children), with at least one of each per LA.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from random import Random

from contactpoint.domain.vocabulary import ServiceType
from contactpoint.synth.contacts import ascii_fold, landline_number
from contactpoint.synth.names import name_book
from contactpoint.synth.places import GEOGRAPHY_SEED, Geography, LocalAuthority

_SAINTS = (
    "Mary's",
    "Joseph's",
    "John's",
    "Peter's",
    "Paul's",
    "Michael's",
    "Anne's",
    "Thomas's",
    "George's",
    "Andrew's",
    "Bede's",
    "Patrick's",
    "Margaret's",
    "Matthew's",
    "Luke's",
    "Mark's",
)
_STEMS = (
    "Oakfield",
    "Elmwood",
    "Hillside",
    "Meadowbank",
    "Brookside",
    "Ashgrove",
    "Riverside",
    "Parkview",
    "Westfield",
    "Northgate",
    "Southlands",
    "Eastbrook",
    "Greenacre",
    "Fairfield",
    "Highcliffe",
    "Kingsmead",
    "Woodlands",
    "Moorside",
    "Larkrise",
    "Orchard",
    "Beechwood",
)
_GP_REGIONS = "ABCDEFGHJKLMNPY"


class OrgKind(StrEnum):
    """What an organisation is, which decides which source reports it."""

    NURSERY = "nursery"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    COLLEGE = "college"
    INDEPENDENT = "independent"
    GP_PRACTICE = "gp_practice"
    HEALTH_TRUST = "health_trust"
    LA_SERVICE = "la_service"


CENSUS_KINDS = frozenset({OrgKind.NURSERY, OrgKind.PRIMARY, OrgKind.SECONDARY})


@dataclass(frozen=True, slots=True)
class Org:
    """An organisation: national code (URN, ODS code...), name, LA and a contact number."""

    code: str
    name: str
    kind: OrgKind
    la_code: str
    phone: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Practitioner:
    """A named worker in a service, with their own contact details."""

    given: str
    family: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class LaServices:
    """Everything a child in one LA can be involved with."""

    la: LocalAuthority
    nurseries: tuple[Org, ...]
    primaries: tuple[Org, ...]
    secondaries: tuple[Org, ...]
    colleges: tuple[Org, ...]
    independents: tuple[Org, ...]
    gp_practices: tuple[Org, ...]
    services: dict[ServiceType, Org]
    practitioners: dict[ServiceType, tuple[Practitioner, ...]]

    def pick(self, orgs: tuple[Org, ...], rng: Random) -> Org:
        """One of several organisations, uniformly."""
        return orgs[int(rng.random() * len(orgs))]

    def practitioner(self, service: ServiceType, rng: Random) -> Practitioner:
        """A worker of that service in this LA."""
        pool = self.practitioners[service]
        return pool[int(rng.random() * len(pool))]


class _Codes:
    """Issues unique URNs and ODS codes in a fixed order."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng
        self._urn = 100_000
        self._gp = dict.fromkeys(_GP_REGIONS, 81_000)
        self._trust = 0

    def urn(self) -> str:
        self._urn += self._rng.randint(1, 12)
        return f"{self._urn:06d}"

    def gp(self, region: str) -> str:
        self._gp[region] += self._rng.randint(1, 3)
        return f"{region}{self._gp[region]:05d}"

    def trust(self) -> str:
        self._trust += 1
        alphabet = "ABCDEFGHJKLMNPQRTVWXY0123456789"
        return f"R{alphabet[self._trust // len(alphabet)]}{alphabet[self._trust % len(alphabet)]}"


def _practitioners(la: LocalAuthority, count: int, rng: Random) -> tuple[Practitioner, ...]:
    book = name_book()
    people = []
    for _ in range(count):
        community = book.community(rng)
        given = community.adult_given(rng.random() < 0.75, rng)
        family = community.surnames.pick(rng)
        email = f"{ascii_fold(given)}.{ascii_fold(family)}@example.net"
        people.append(Practitioner(given, family, landline_number(rng, la.phone_area), email))
    return tuple(people)


def _count(children: float, per_org: float) -> int:
    return max(1, round(children / per_org))


def build_services(geography: Geography, population: int) -> dict[str, LaServices]:
    """Organisations for every LA, sized for a population of `population` children."""
    rng = Random(GEOGRAPHY_SEED + 1)
    codes = _Codes(rng)
    total = sum(la.weight for la in geography.authorities)
    result: dict[str, LaServices] = {}
    for region_index, la in enumerate(geography.authorities):
        children = population * la.weight / total
        phone = landline_number(rng, la.phone_area)
        towns = sorted(la.towns)

        def org(kind: OrgKind, name: str, code: str, la: LocalAuthority = la) -> Org:
            return Org(code, name, kind, la.code, landline_number(rng, la.phone_area))

        nurseries = tuple(
            org(OrgKind.NURSERY, f"{_place(towns, rng)} Nursery School", codes.urn())
            for _ in range(_count(children * 0.05, 120))
        )
        primaries = tuple(
            org(OrgKind.PRIMARY, _primary_name(_place(towns, rng), rng), codes.urn())
            for _ in range(_count(children * 7 / 18 * 0.92, 280))
        )
        secondaries = tuple(
            org(OrgKind.SECONDARY, _secondary_name(_place(towns, rng), rng), codes.urn())
            for _ in range(_count(children * 7 / 18 * 0.92, 1000))
        )
        colleges = tuple(
            org(OrgKind.COLLEGE, f"{_place(towns, rng)} College", codes.urn())
            for _ in range(_count(children * 2 / 18 * 0.45, 1500))
        )
        independents = tuple(
            org(OrgKind.INDEPENDENT, f"{_STEMS[int(rng.random() * len(_STEMS))]} House School", codes.urn())
            for _ in range(_count(children * 0.06, 350))
        )
        region = _GP_REGIONS[region_index % len(_GP_REGIONS)]
        practices = tuple(
            org(OrgKind.GP_PRACTICE, _practice_name(_place(towns, rng), rng), codes.gp(region))
            for _ in range(_count(children, 1800))
        )
        trust_code = codes.trust()
        trust_name = f"{la.short_name} Community Health NHS Trust"
        services = {
            ServiceType.SOCIAL_CARE: Org(
                f"CSC{la.code}",
                f"{la.short_name} Children's Social Care",
                OrgKind.LA_SERVICE,
                la.code,
                phone,
                f"csc.{la.code}@example.org",
            ),
            ServiceType.YOUTH_OFFENDING: org(
                OrgKind.LA_SERVICE, f"{la.short_name} Youth Justice Service", f"YOT{la.code}"
            ),
            ServiceType.CAREERS: org(OrgKind.LA_SERVICE, f"{la.short_name} Careers Service", f"CRS{la.code}"),
            ServiceType.HEALTH_VISITING: org(OrgKind.HEALTH_TRUST, trust_name, f"{trust_code}01"),
            ServiceType.SCHOOL_NURSING: org(OrgKind.HEALTH_TRUST, trust_name, f"{trust_code}02"),
            ServiceType.CAMHS: org(OrgKind.HEALTH_TRUST, f"{la.short_name} CAMHS", f"{trust_code}03"),
            ServiceType.SEXUAL_HEALTH: org(
                OrgKind.HEALTH_TRUST, f"{la.short_name} Sexual Health Service", f"{trust_code}04"
            ),
            ServiceType.SUBSTANCE_MISUSE: org(
                OrgKind.LA_SERVICE, f"{la.short_name} Young People's Drug Service", f"SMS{la.code}"
            ),
        }
        pool_size = max(2, min(40, round(children / 2500)))
        practitioners = {service: _practitioners(la, pool_size, rng) for service in services}
        result[la.code] = LaServices(
            la, nurseries, primaries, secondaries, colleges, independents, practices, services, practitioners
        )
    return result


def _place(towns: list[str], rng: Random) -> str:
    return towns[int(rng.random() * len(towns))]


def _primary_name(place: str, rng: Random) -> str:
    style = rng.random()
    if style < 0.25:
        faith = "Church of England" if rng.random() < 0.6 else "Catholic"
        return f"St {_SAINTS[int(rng.random() * len(_SAINTS))]} {faith} Primary School"
    if style < 0.5:
        return f"{_STEMS[int(rng.random() * len(_STEMS))]} Primary School"
    if style < 0.65:
        return f"{place} Infant and Junior School"
    if style < 0.8:
        return f"{place} Primary Academy"
    return f"{place} Primary School"


def _secondary_name(place: str, rng: Random) -> str:
    style = rng.random()
    if style < 0.15:
        return f"St {_SAINTS[int(rng.random() * len(_SAINTS))]} Catholic High School"
    if style < 0.45:
        return f"{place} Academy"
    if style < 0.7:
        return f"{place} High School"
    if style < 0.85:
        return f"{_STEMS[int(rng.random() * len(_STEMS))]} Community College"
    return f"The {place} School"


def _practice_name(place: str, rng: Random) -> str:
    style = rng.random()
    if style < 0.35:
        return f"{_STEMS[int(rng.random() * len(_STEMS))]} Surgery"
    if style < 0.7:
        return f"{place} Medical Centre"
    if style < 0.85:
        return f"The {_STEMS[int(rng.random() * len(_STEMS))]} Practice"
    return f"{place} Health Centre"
