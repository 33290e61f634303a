"""The date formats sources write, as functions of (year, month, day), so impossible dates can be written."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

DateWriter = Callable[[int, int, int], str]


class DateStyle(StrEnum):
    """A source's date format, named as a mapping file would name it (strptime patterns)."""

    DMY_SLASH = "%d/%m/%Y"
    DMY_DASH = "%d-%m-%Y"
    ISO = "%Y-%m-%d"
    COMPACT = "%Y%m%d"
    DAY_MON_YEAR = "%d %b %Y"  # English month abbreviations whatever the locale

    @property
    def write(self) -> DateWriter:
        """The formatter for this style."""
        return _WRITERS[self]


def _dmy_slash(year: int, month: int, day: int) -> str:
    return f"{day:02d}/{month:02d}/{year:04d}"


def _dmy_dash(year: int, month: int, day: int) -> str:
    return f"{day:02d}-{month:02d}-{year:04d}"


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


def _compact(year: int, month: int, day: int) -> str:
    return f"{year:04d}{month:02d}{day:02d}"


def _day_mon_year(year: int, month: int, day: int) -> str:
    return f"{day:02d} {_MONTHS[month - 1]} {year:04d}"


_WRITERS: dict[DateStyle, DateWriter] = {
    DateStyle.DMY_SLASH: _dmy_slash,
    DateStyle.DMY_DASH: _dmy_dash,
    DateStyle.ISO: _iso,
    DateStyle.COMPACT: _compact,
    DateStyle.DAY_MON_YEAR: _day_mon_year,
}
