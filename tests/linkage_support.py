"""Helpers shared by the feed-linkage tests: a feed file written from records, in a source's own layout."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import Gender
from contactpoint.synth.sources import child_benefit

CHILD_BENEFIT_HEADER = ("RECORD_ID", *child_benefit.COLUMNS)  # the key column, then the source's own
_SEX = {Gender.MALE: "M", Gender.FEMALE: "F", Gender.NOT_SPECIFIED: "U"}


def child_benefit_row(key: str, record: ChildRecord) -> dict[str, str]:
    """The row child benefit would send about a record (dates as dd/mm/yyyy)."""
    address = record.whereabouts.address
    lines = [*(address.lines if address else ()), "", "", ""][:3]
    born = record.date_of_birth
    return {
        "RECORD_ID": key,
        "CHANGE_TYPE": "F",
        "EFFECTIVE_DATE": "01/01/2026",
        "CHILD_REF": "",
        "CHILD_FORENAMES": record.names.current.given,
        "CHILD_SURNAME": record.names.current.family,
        "CHILD_DOB": f"{born.day:02d}/{born.month:02d}/{born.year:04d}",
        "CHILD_SEX": _SEX[record.gender],
        "CLAIMANT_FORENAMES": "",
        "CLAIMANT_SURNAME": "",
        "CLAIMANT_PHONE": "",
        "ADDRESS_LINE_1": lines[0],
        "ADDRESS_LINE_2": lines[1],
        "ADDRESS_LINE_3": lines[2],
        "TOWN": (address.town or "") if address else "",
        "POSTCODE": address.postcode.value if address else "",
    }


def write_child_benefit(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    """Write rows as a child benefit CSV feed."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CHILD_BENEFIT_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path
