"""Which services work with a child and when: schools by age, health visiting, social care and the rest.

Rates are England's published orders of magnitude: ~3.5% of children known to social care, ~0.5% of
10-17s to youth justice, ~2.5% to CAMHS, health visiting for nearly every under-5. Involvements split
when the family moves to another LA and end at the 18th birthday, on leaving England or at adoption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from random import Random

from contactpoint.domain.vocabulary import SensitiveBasis, ServiceType
from contactpoint.synth.calendar import FeedCalendar, add_years, age_on, school_year_age
from contactpoint.synth.homes import HomeState, home_on
from contactpoint.synth.model import InvolvementTruth
from contactpoint.synth.services import Org
from contactpoint.synth.weighted import geometric_month

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Schooling:
    """How a child is educated, decided once."""

    independent: bool
    home_educated: bool
    nursery_from: int | None  # school-year age of nursery entry (2 or 3), or no nursery
    post16: str  # "school", "college" or "none"

    @classmethod
    def draw(cls, rng: Random) -> Schooling:
        """A child's route through education."""
        roll = rng.random()
        nursery = rng.random()
        post16 = rng.random()
        return cls(
            independent=roll < 0.06,
            home_educated=0.06 <= roll < 0.07,
            nursery_from=2 if nursery < 0.12 else 3 if nursery < 0.7 else None,
            post16="school" if post16 < 0.45 else "college" if post16 < 0.9 else "none",
        )


@dataclass(frozen=True, slots=True)
class ServiceRate:
    """How often a service is involved: prevalence at the extract, new starts and ends per month."""

    service: ServiceType
    min_age: int
    max_age: int
    prevalence: float
    monthly_start: float
    monthly_end: float
    history_months: int  # how long before the extract an existing involvement may have begun


SERVICE_RATES = (
    ServiceRate(ServiceType.SOCIAL_CARE, 0, 17, 0.026, 0.002, 0.05, 36),
    ServiceRate(ServiceType.CAMHS, 5, 17, 0.03, 0.0015, 0.06, 18),
    ServiceRate(ServiceType.YOUTH_OFFENDING, 10, 17, 0.007, 0.0005, 0.08, 12),
    ServiceRate(ServiceType.SCHOOL_NURSING, 5, 17, 0.12, 0.004, 0.05, 24),
    ServiceRate(ServiceType.SEXUAL_HEALTH, 13, 17, 0.006, 0.0008, 0.2, 6),
    ServiceRate(ServiceType.SUBSTANCE_MISUSE, 12, 17, 0.004, 0.0004, 0.12, 9),
    ServiceRate(ServiceType.CAREERS, 15, 17, 0.12, 0.005, 0.04, 12),
)
WITH_PRACTITIONER = frozenset(
    {
        ServiceType.SOCIAL_CARE,
        ServiceType.CAMHS,
        ServiceType.YOUTH_OFFENDING,
        ServiceType.SCHOOL_NURSING,
        ServiceType.SEXUAL_HEALTH,
        ServiceType.SUBSTANCE_MISUSE,
        ServiceType.HEALTH_VISITING,
        ServiceType.CAREERS,
    }
)
CAF_RATE = 0.025
HEALTH_VISITING_RATE = 0.95


def setting_on(day: date, born: date, schooling: Schooling, home: HomeState) -> Org | None:
    """The education setting a child attends on `day`, by year group."""
    year_age = school_year_age(born, day)
    schools = home.schools
    if year_age < 4:
        in_nursery = schooling.nursery_from is not None and year_age >= schooling.nursery_from
        return schools.nursery if in_nursery else None
    if schooling.home_educated or year_age > 17:
        return None
    if schooling.independent:
        return schools.independent
    if year_age <= 10:
        return schools.primary
    if year_age <= 15 or schooling.post16 == "school":
        return schools.secondary
    return schools.college if schooling.post16 == "college" else None


def _septembers(start: date, end: date) -> list[date]:
    year = start.year if start.month < 9 else start.year + 1
    result = []
    while date(year, 9, 1) <= end:
        result.append(date(year, 9, 1))
        year += 1
    return result


def education_spells(
    born: date, schooling: Schooling, homes: tuple[HomeState, ...], first_day: date, calendar: FeedCalendar
) -> list[InvolvementTruth]:
    """Education involvements from `first_day` to the last generation, one per setting attended."""
    last = calendar.last_date
    points = sorted(
        {first_day, *_septembers(first_day, last), *(h.day for h in homes[1:] if h.day > first_day)}
    )
    spells: list[InvolvementTruth] = []
    current: Org | None = None
    current_start = first_day
    current_adoptive = False
    for point in points:
        home = home_on(homes, point)
        setting = setting_on(point, born, schooling, home) if home.in_england else None
        if setting is current and (setting is None or home.adoptive == current_adoptive):
            continue
        if current is not None:
            spells.append(
                InvolvementTruth(
                    ServiceType.EDUCATION, current, current_start, point - _ONE_DAY, adoptive=current_adoptive
                )
            )
        current, current_start, current_adoptive = setting, point, home.adoptive
        if point == first_day and setting is not None:
            current_start = _began(born, schooling, homes[0], first_day, setting)
    if current is not None:
        spells.append(
            InvolvementTruth(ServiceType.EDUCATION, current, current_start, None, adoptive=current_adoptive)
        )
    return spells


def _began(born: date, schooling: Schooling, home: HomeState, day: date, setting: Org) -> date:
    """When a setting attended on `day` was joined: the first September since which it has been the same."""
    year = day.year if day.month >= 9 else day.year - 1
    start = date(year, 9, 1)
    while setting_on(date(year - 1, 9, 1), born, schooling, home) is setting:
        year -= 1
        start = date(year, 9, 1)
    return min(start, day)


@dataclass(frozen=True, slots=True)
class ChildCircumstances:
    """What decides a child's service involvements."""

    born: date
    looked_after: bool
    shielded: bool
    eighteenth: date


def _basis(service: ServiceType, age: int, rng: Random) -> SensitiveBasis | None:
    if not service.is_sensitive:
        return None
    if rng.random() < 0.05:
        return SensitiveBasis.SIGNIFICANT_HARM
    return SensitiveBasis.CONSENT_YOUNG_PERSON if age >= 13 else SensitiveBasis.CONSENT_CARER


def _new(service: ServiceType, home: HomeState, start: date, age: int, rng: Random) -> InvolvementTruth:
    services = home.services
    practitioner = services.practitioner(service, rng) if service in WITH_PRACTITIONER else None
    return InvolvementTruth(
        service,
        services.services[service],
        start,
        None,
        practitioner,
        lead_professional=service is ServiceType.SOCIAL_CARE,
        sensitive_basis=_basis(service, age, rng),
        adoptive=home.adoptive,
    )


def existing_involvements(
    child: ChildCircumstances, home: HomeState, calendar: FeedCalendar, rng: Random
) -> list[InvolvementTruth]:
    """Involvements open at the extract (generation 0), drawn with the identity generator."""
    reference = calendar.reference
    age = age_on(child.born, reference)
    found: list[InvolvementTruth] = []
    if age < 5 and rng.random() < HEALTH_VISITING_RATE:
        found.append(_new(ServiceType.HEALTH_VISITING, home, child.born + timedelta(days=12), age, rng))
    for rate in SERVICE_RATES:
        prevalence = rate.prevalence
        if rate.service is ServiceType.SOCIAL_CARE:
            prevalence = 1.0 if child.looked_after else 0.6 if child.shielded else prevalence
        if not rate.min_age <= age <= rate.max_age or rng.random() >= prevalence:
            continue
        eligible_from = max(add_years(child.born, rate.min_age), child.born)
        months_ago = 1 + int(rng.random() * rate.history_months)
        start = max(eligible_from, reference - timedelta(days=30 * months_ago))
        found.append(_new(rate.service, home, min(start, reference), age, rng))
    if found and rng.random() < CAF_RATE * 3:
        lead = found[0]
        found[0] = replace(lead, lead_professional=True, caf_exists=True)
    return found


def involvement_changes(
    child: ChildCircumstances,
    existing: Sequence[InvolvementTruth],
    homes: tuple[HomeState, ...],
    calendar: FeedCalendar,
    events: Random,
) -> list[InvolvementTruth]:
    """Ends of existing involvements and new ones within the generations, drawn with the events generator."""
    horizon = calendar.generations
    result: list[InvolvementTruth] = []
    for involvement in existing:
        month = geometric_month(events, _end_rate(involvement.service), horizon)
        result.append(replace(involvement, end=calendar.day_in(month, events)) if month else involvement)
    held = {involvement.service for involvement in existing}
    for rate in SERVICE_RATES:
        month = geometric_month(events, rate.monthly_start, horizon)
        if not month or rate.service in held:
            continue
        start = calendar.day_in(month, events)
        age = age_on(child.born, start)
        if not rate.min_age <= age <= rate.max_age:
            continue
        home = home_on(homes, start)
        if not home.in_england:
            continue
        new = _new(rate.service, home, start, age, events)
        end_month = geometric_month(events, rate.monthly_end, horizon - month)
        result.append(replace(new, end=calendar.day_in(month + end_month, events)) if end_month else new)
    return result


def _end_rate(service: ServiceType) -> float:
    if service is ServiceType.HEALTH_VISITING:
        return 0.0  # ends at the fifth birthday, applied by `bounded`
    return next(rate.monthly_end for rate in SERVICE_RATES if rate.service is service)


def newborn_involvements(born: date, home: HomeState, rng: Random) -> list[InvolvementTruth]:
    """A baby born during the generations: the health visitor's new-birth visit."""
    if rng.random() >= HEALTH_VISITING_RATE:
        return []
    return [_new(ServiceType.HEALTH_VISITING, home, born + timedelta(days=12), 0, rng)]


def adoptive_involvements(born: date, home: HomeState, rng: Random) -> list[InvolvementTruth]:
    """A child under five adopted into a new home: the adopters' health visitor takes over."""
    age = age_on(born, home.day)
    if age >= 5 or rng.random() >= HEALTH_VISITING_RATE:
        return []
    return [_new(ServiceType.HEALTH_VISITING, home, home.day, age, rng)]


def bounded(
    involvements: Sequence[InvolvementTruth],
    child: ChildCircumstances,
    homes: tuple[HomeState, ...],
    calendar: FeedCalendar,
) -> list[InvolvementTruth]:
    """Involvements cut where the child's life cuts them, split where the family changes LA.

    Every involvement ends by the 18th birthday; health visiting ends at the fifth; all end when the
    family leaves England; those of the birth identity end at an adoption; an LA service moves to the
    new LA's service when the family moves there.
    """
    last = calendar.last_date
    fifth = add_years(child.born, 5)
    result: list[InvolvementTruth] = []
    for involvement in involvements:
        limit = child.eighteenth
        if involvement.service is ServiceType.HEALTH_VISITING:
            limit = min(limit, fifth)
        pieces = [involvement] if involvement.service is ServiceType.EDUCATION else _split(involvement, homes)
        for piece in pieces:
            end = piece.end if piece.end is not None and piece.end <= last else None
            if end is None or end > limit:
                end = limit if limit <= last else None
            if end is not None and end < piece.start:
                continue
            result.append(piece if end == piece.end else replace(piece, end=end))
    return result


def _split(involvement: InvolvementTruth, homes: tuple[HomeState, ...]) -> list[InvolvementTruth]:
    pieces: list[InvolvementTruth] = []
    current = involvement
    for home in homes[1:]:
        if home.day <= current.start or (current.end is not None and home.day >= current.end):
            continue
        if not home.in_england or home.adoptive != current.adoptive:
            return [*pieces, replace(current, end=home.day)]
        if home.la_code != current.org.la_code and current.org.la_code:
            pieces.append(replace(current, end=home.day))
            service = home.services.services.get(current.service, current.org)
            current = replace(current, org=service, start=home.day)
    return [*pieces, current]
