"""Local authority children's social care: open episodes by LA case reference, with the allocated worker.

One feed for all 153 LAs (each row names its LA). Social workers key records by hand, so typos,
short forms and missing fields are commoner here than in national systems; addresses are current.
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
from contactpoint.synth.sources.fields import gender_code, main_carer, middle, postcode, single_line_address

STYLE = DateStyle.DMY_DASH
_WRITE = STYLE.write
_GENDER = {Gender.MALE: "Male", Gender.FEMALE: "Female", Gender.NOT_SPECIFIED: "Not stated"}
_SOCIAL_CARE = frozenset({ServiceType.SOCIAL_CARE})
COLUMNS = (
    "Action",
    "LA Code",
    "Child ID",
    "First Name",
    "Middle Name",
    "Surname",
    "Date of Birth",
    "Gender",
    "Address",
    "Postcode",
    "Main Carer",
    "Carer Relationship",
    "Carer Phone",
    "Episode Start",
    "Episode End",
    "Team Code",
    "Allocated Worker",
    "Worker Phone",
    "Worker Email",
    "Lead Professional",
    "Early Help Assessment",
)


def _units(child: SynthChild, calendar: FeedCalendar) -> list[Unit]:
    return involvement_units(child, calendar, _SOCIAL_CARE)


def _build(row: RowContext) -> tuple[str | None, ...]:
    reported, identity, involvement = row.reported, row.identity, row.unit.involvement
    if involvement is None:
        raise ValueError("a social care row needs an episode")
    born = reported.born
    carer = main_carer(identity)
    worker = involvement.practitioner
    start = involvement.start
    end = involvement.end if row.change is RowChange.END else None
    return (
        SPEC.change_codes[row.change],
        involvement.org.la_code,
        identity.identifiers.local_authority,
        reported.given,
        middle(reported),
        reported.family,
        _WRITE(born.year, born.month, born.day),
        gender_code(reported, _GENDER),
        single_line_address(reported),
        postcode(reported),
        f"{carer.name.given} {carer.name.family}" if carer else None,
        carer.relationship.value.replace("_", " ").title() if carer else None,
        carer.contact.phone if carer and reported.missing != "carer_phone" else None,
        _WRITE(start.year, start.month, start.day),
        _WRITE(end.year, end.month, end.day) if end is not None else None,
        involvement.org.code,
        f"{worker.given} {worker.family}" if worker else None,
        worker.phone if worker else involvement.org.phone,
        worker.email if worker else None,
        "Y" if involvement.lead_professional else "N",
        "Y" if involvement.caf_exists else "N",
    )


SPEC = SourceSpec(
    name="la_social_care",
    description="LA children's social care: open episodes, allocated worker and main carer",
    key_column="Record Ref",
    key_prefix="LSC",
    columns=COLUMNS,
    date_style=STYLE,
    change_codes={
        RowChange.EXTRACT: "Current",
        RowChange.NEW: "Open",
        RowChange.AMEND: "Update",
        RowChange.END: "Close",
    },
    rates=ErrorRates(
        typo=0.02,
        transposition=0.008,
        phonetic_variant=0.02,
        nickname=0.04,
        double_barrel_variant=0.12,
        missing_field=0.05,
        day_month_swap=0.01,
        postcode_typo=0.01,
    ),
    optional=("postcode", "gender", "middle", "address", "carer_phone"),
    timeliness=Timeliness(
        new=IMMEDIATE,
        change=lags((0, 0.8), (1, 0.2)),
        end=lags((0, 0.8), (1, 0.2)),
        adoption_new=IMMEDIATE,
        adoption_end=lags((0, 0.6), (1, 0.4)),
        stale_at_extract=0.05,
    ),
    shape=RowShape(date_of_birth=6, postcode=9, required=(5, 6), given_name=3, write_date=_WRITE),
    units=_units,
    build=_build,
)
