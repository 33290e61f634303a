"""The DfE school census: state-funded pupils by school (URN) and unique pupil number.

Taken each January, May and October, so every change waits for the next census. Schools often keep
a pupil's old surname or birth identity until a census or two after it changed; an adopted child is
given a new UPN. Independent schools, colleges and home-educated children are not in it.
"""

from __future__ import annotations

from contactpoint.domain.vocabulary import Gender, ServiceType
from contactpoint.synth.calendar import FeedCalendar
from contactpoint.synth.dates import DateStyle
from contactpoint.synth.errors_model import ErrorRates
from contactpoint.synth.malformed import RowShape
from contactpoint.synth.model import SynthChild
from contactpoint.synth.services import CENSUS_KINDS
from contactpoint.synth.sources.base import (
    IMMEDIATE,
    RowChange,
    RowContext,
    SourceSpec,
    Timeliness,
    Unit,
    involvement_units,
    lags,
)
from contactpoint.synth.sources.fields import address_lines, gender_code, middle, postcode, town

STYLE = DateStyle.ISO
_WRITE = STYLE.write
_SEX = {Gender.MALE: "M", Gender.FEMALE: "F", Gender.NOT_SPECIFIED: "U"}
_EDUCATION = frozenset({ServiceType.EDUCATION})
COLUMNS = (
    "ChangeType",
    "CensusDate",
    "LA",
    "URN",
    "UPN",
    "Surname",
    "Forename",
    "MiddleNames",
    "PreferredForename",
    "DOB",
    "Sex",
    "EntryDate",
    "LeavingDate",
    "AddressLine1",
    "AddressLine2",
    "Town",
    "PostCode",
)


def _units(child: SynthChild, calendar: FeedCalendar) -> list[Unit]:
    return [
        unit
        for unit in involvement_units(child, calendar, _EDUCATION)
        if unit.involvement is not None
        and unit.involvement.org.kind in CENSUS_KINDS
        and any(v.adoptive == unit.adoptive and v.identifiers.unique_pupil_number for v in child.identities)
    ]


def _build(row: RowContext) -> tuple[str | None, ...]:
    reported, identity, involvement = row.reported, row.identity, row.unit.involvement
    if involvement is None:
        raise ValueError("a school census row needs a school place")
    census = row.calendar.date_of(row.generation)
    born = reported.born
    entry = involvement.start
    leaving = involvement.end if row.change is RowChange.END else None
    return (
        SPEC.change_codes[row.change],
        _WRITE(census.year, census.month, census.day),
        involvement.org.la_code,
        involvement.org.code,
        identity.identifiers.unique_pupil_number,
        reported.family,
        reported.given,
        middle(reported),
        None,
        _WRITE(born.year, born.month, born.day),
        gender_code(reported, _SEX),
        _WRITE(entry.year, entry.month, entry.day),
        _WRITE(leaving.year, leaving.month, leaving.day) if leaving is not None else None,
        *address_lines(reported, 2),
        town(reported),
        postcode(reported),
    )


SPEC = SourceSpec(
    name="school_census",
    description="DfE school census: pupils in state-funded schools by URN and unique pupil number",
    key_column="RecordID",
    key_prefix="SC",
    columns=COLUMNS,
    date_style=STYLE,
    change_codes={
        RowChange.EXTRACT: "Census",
        RowChange.NEW: "Joiner",
        RowChange.AMEND: "Update",
        RowChange.END: "Leaver",
    },
    rates=ErrorRates(
        typo=0.008,
        transposition=0.004,
        phonetic_variant=0.006,
        nickname=0.03,
        double_barrel_variant=0.08,
        missing_field=0.02,
        day_month_swap=0.003,
        postcode_typo=0.006,
    ),
    optional=("postcode", "middle", "address", "gender"),
    timeliness=Timeliness(
        new=IMMEDIATE,
        change=lags((0, 0.5), (3, 0.5)),
        end=IMMEDIATE,
        adoption_new=lags((0, 0.3), (3, 0.7)),
        adoption_end=lags((1, 0.5), (4, 0.5)),
        stale_at_extract=0.2,
        census_only=True,
    ),
    shape=RowShape(date_of_birth=9, postcode=16, required=(5, 9), given_name=6, write_date=_WRITE),
    units=_units,
    build=_build,
)
