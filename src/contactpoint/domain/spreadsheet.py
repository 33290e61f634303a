"""Cells of the CSV files the system writes for people to open in a spreadsheet.

A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return before one) as a
formula, so text that came from outside (a feed's row key, a reason typed in) could run in the
operator's spreadsheet. Such a cell is written with a leading apostrophe, as OWASP advises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, or a text value starting like a formula with an apostrophe before it."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_rows(rows: Iterable[Sequence[object]]) -> Iterable[list[object]]:
    """Every row with each of its cells made safe (`safe_cell`)."""
    return ([safe_cell(value) for value in row] for row in rows)
