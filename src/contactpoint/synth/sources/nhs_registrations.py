"""NHS registrations (the Personal Demographics Service as GP practices keep it): NHS number and practice.

Births are registered at once, but families are slow to tell their GP about a move, so the NHS often
has an old address. An adopted child is given a new NHS number; the old record is closed.
"""

from __future__ import annotations

from contactpoint.domain.vocabulary import Gender
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
    lags,
    registration_units,
)
from contactpoint.synth.sources.fields import address_lines, gender_code, middle, postcode, town

STYLE = DateStyle.COMPACT
_WRITE = STYLE.write
_GENDER = {Gender.MALE: "1", Gender.FEMALE: "2", Gender.NOT_SPECIFIED: "9"}
COLUMNS = (
    "event",
    "event_date",
    "nhs_number",
    "given_name",
    "other_given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "postcode",
    "gp_practice_code",
    "registration_date",
    "removal_reason",
)


def _units(child: SynthChild, _calendar: FeedCalendar) -> list[Unit]:
    return [
        unit
        for unit in registration_units(child, ends_at_18=False)
        if any(v.adoptive == unit.adoptive and v.identifiers.nhs_number for v in child.identities)
    ]


def _build(row: RowContext) -> tuple[str | None, ...]:
    reported, identity = row.reported, row.identity
    event_day = row.calendar.date_of(row.generation)
    born = reported.born
    registered = identity.gp_since
    removal = None
    if row.change is RowChange.END:
        removal = "EMB" if row.child.labels.left_england_generation == row.unit.end else "OTH"
    lines = address_lines(reported, 3)
    return (
        SPEC.change_codes[row.change],
        _WRITE(event_day.year, event_day.month, event_day.day),
        identity.identifiers.nhs_number,
        reported.given,
        middle(reported),
        reported.family,
        _WRITE(born.year, born.month, born.day),
        gender_code(reported, _GENDER),
        *lines,
        town(reported),
        postcode(reported),
        identity.gp.code if identity.gp is not None else None,
        _WRITE(registered.year, registered.month, registered.day),
        removal,
    )


SPEC = SourceSpec(
    name="nhs_registrations",
    description="NHS registrations: NHS number, demographics and GP practice",
    key_column="record_id",
    key_prefix="NHS",
    columns=COLUMNS,
    date_style=STYLE,
    change_codes={
        RowChange.EXTRACT: "full",
        RowChange.NEW: "new",
        RowChange.AMEND: "amend",
        RowChange.END: "removed",
    },
    rates=ErrorRates(
        typo=0.004,
        transposition=0.002,
        phonetic_variant=0.004,
        nickname=0.002,
        double_barrel_variant=0.03,
        missing_field=0.01,
        day_month_swap=0.002,
        postcode_typo=0.003,
    ),
    optional=("postcode", "gender", "middle", "address"),
    timeliness=Timeliness(
        new=IMMEDIATE,
        change=lags((0, 0.4), (1, 0.3), (2, 0.2), (3, 0.1)),
        end=lags((0, 0.7), (1, 0.3)),
        adoption_new=lags((0, 0.6), (1, 0.4)),
        adoption_end=lags((0, 0.5), (1, 0.5)),
        stale_at_extract=0.35,
    ),
    shape=RowShape(date_of_birth=6, postcode=12, required=(5, 6), given_name=3, write_date=_WRITE),
    units=_units,
    build=_build,
)
