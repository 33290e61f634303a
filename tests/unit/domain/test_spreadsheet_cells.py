"""CSV cells written for a spreadsheet never start like a formula."""

from __future__ import annotations

import csv
import io

import pytest

from contactpoint.domain.spreadsheet import safe_cell, safe_rows


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil.example")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_a_text_starting_like_a_formula_is_written_as_text(value: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(safe_rows([("CB1", value)]))
    (row,) = list(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["CB1", "'" + value]


@pytest.mark.parametrize("value", ["CB1", "012345678901", 7, None, "a=b"])
def test_other_values_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value
