"""Youth justice services: open cases of 10-17 year olds by youth justice reference.

Young people often give short forms of their names and move without telling the service, so names
vary and addresses lag. No offence or case detail is sent: only who, where, and the case manager.
"""

from __future__ import annotations

from contactpoint.domain.vocabulary import Gender, ServiceType
from contactpoint.synth.calendar import FeedCalendar
from contactpoint.synth.dates import DateStyle
from contactpoint.synth.errors_model import ErrorRates
from contactpoint.synth.malformed import RowShape
from contactpoint.synth.model import SynthChild
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
from contactpoint.synth.sources.fields import gender_code, postcode, single_line_address

STYLE = DateStyle.DAY_MON_YEAR
_WRITE = STYLE.write
_SEX = {Gender.MALE: "M", Gender.FEMALE: "F", Gender.NOT_SPECIFIED: "U"}
_YOUTH_OFFENDING = frozenset({ServiceType.YOUTH_OFFENDING})
COLUMNS = (
    "changeType",
    "yotCode",
    "yjReference",
    "givenName",
    "familyName",
    "dateOfBirth",
    "sex",
    "addressText",
    "postcode",
    "caseStart",
    "caseEnd",
    "caseManager",
    "caseManagerPhone",
    "caseManagerEmail",
)


def _units(child: SynthChild, calendar: FeedCalendar) -> list[Unit]:
    return involvement_units(child, calendar, _YOUTH_OFFENDING)


def _build(row: RowContext) -> tuple[str | None, ...]:
    reported, identity, involvement = row.reported, row.identity, row.unit.involvement
    if involvement is None:
        raise ValueError("a youth justice row needs a case")
    born = reported.born
    worker = involvement.practitioner
    start = involvement.start
    end = involvement.end if row.change is RowChange.END else None
    return (
        SPEC.change_codes[row.change],
        involvement.org.code,
        identity.identifiers.youth_justice,
        reported.given,
        reported.family,
        _WRITE(born.year, born.month, born.day),
        gender_code(reported, _SEX),
        single_line_address(reported),
        postcode(reported),
        _WRITE(start.year, start.month, start.day),
        _WRITE(end.year, end.month, end.day) if end is not None else None,
        f"{worker.given} {worker.family}" if worker else None,
        worker.phone if worker else involvement.org.phone,
        worker.email if worker else None,
    )


SPEC = SourceSpec(
    name="youth_offending",
    description="Youth justice services: open cases by youth justice reference and case manager",
    key_column="recordId",
    key_prefix="YJ",
    columns=COLUMNS,
    date_style=STYLE,
    change_codes={
        RowChange.EXTRACT: "CURRENT",
        RowChange.NEW: "OPEN",
        RowChange.AMEND: "UPDATE",
        RowChange.END: "CLOSE",
    },
    rates=ErrorRates(
        typo=0.02,
        transposition=0.01,
        phonetic_variant=0.02,
        nickname=0.08,
        double_barrel_variant=0.15,
        missing_field=0.08,
        day_month_swap=0.012,
        postcode_typo=0.015,
    ),
    optional=("postcode", "gender", "address"),
    timeliness=Timeliness(
        new=IMMEDIATE,
        change=lags((0, 0.4), (1, 0.4), (2, 0.2)),
        end=lags((0, 0.6), (1, 0.4)),
        adoption_new=IMMEDIATE,
        adoption_end=IMMEDIATE,
        stale_at_extract=0.2,
    ),
    shape=RowShape(date_of_birth=5, postcode=8, required=(4, 5), given_name=3, write_date=_WRITE),
    units=_units,
    build=_build,
)
