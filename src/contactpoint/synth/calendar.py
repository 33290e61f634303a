"""Feed generations on a calendar: generation 0 is the full extract, each later one a month's delta.

An event dated between the extracts of generations g-1 (exclusive) and g (inclusive) is first
visible in generation g. Extracts fall on the first of a month so month arithmetic stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

REFERENCE_DATE = date(2025, 1, 1)
CENSUS_MONTHS = frozenset({1, 5, 10})  # the school census is taken each January, May and October
OLDEST_AGE = 17


@dataclass(frozen=True, slots=True)
class FeedCalendar:
    """The dates of generations 0..generations."""

    generations: int
    reference: date = REFERENCE_DATE

    def __post_init__(self) -> None:
        if self.reference.day != 1:
            raise ValueError("the reference date must be the first of a month")
        if self.generations < 0:
            raise ValueError("generations must not be negative")

    def date_of(self, generation: int) -> date:
        """The extract date of a generation."""
        months = self.reference.month - 1 + generation
        return date(self.reference.year + months // 12, months % 12 + 1, 1)

    def generation_of(self, day: date) -> int:
        """The first generation whose extract can show an event of that day (0 for any earlier day)."""
        months = (day.year - self.reference.year) * 12 + day.month - self.reference.month
        return max(0, months + (1 if day.day > 1 else 0))

    @property
    def last_date(self) -> date:
        """The date of the last generation."""
        return self.date_of(self.generations)

    def day_in(self, generation: int, rng: Random) -> date:
        """A day within the month that `generation` reports (after the previous extract, up to this one)."""
        start = self.date_of(generation - 1)
        return start + timedelta(days=1 + int(rng.random() * (self.date_of(generation) - start).days))

    def is_census(self, generation: int) -> bool:
        """Whether the school census is taken in this generation's month."""
        return self.date_of(generation).month in CENSUS_MONTHS


def age_on(born: date, day: date) -> int:
    """Completed years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def school_year_age(born: date, day: date) -> int:
    """Age on the 31 August that began the school year of `day`: what places a child in a year group."""
    start_year = day.year if day.month >= 9 else day.year - 1
    return start_year - born.year - ((born.month, born.day) > (8, 31))


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)
