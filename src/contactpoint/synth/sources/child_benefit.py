"""HMRC child benefit: claims by a carer for the children in the household, referenced per child.

Claims are made a month or two after a birth, so new babies arrive late; the claimant keeps the claim
address up to date fairly well. Benefit stops at 18 (in practice often 16; the synthetic claims run
to 18) and on leaving the country. Foster carers do not claim.
"""

from __future__ import annotations

from contactpoint.domain.vocabulary import Gender
from contactpoint.synth.calendar import FeedCalendar
from contactpoint.synth.dates import DateStyle
from contactpoint.synth.errors_model import ErrorRates
from contactpoint.synth.malformed import RowShape
from contactpoint.synth.model import SynthChild
from contactpoint.synth.sources.base import (
    RowChange,
    RowContext,
    SourceSpec,
    Timeliness,
    Unit,
    lags,
    registration_units,
)
from contactpoint.synth.sources.fields import address_lines, gender_code, main_carer, postcode, town

STYLE = DateStyle.DMY_SLASH
_WRITE = STYLE.write
_SEX = {Gender.MALE: "M", Gender.FEMALE: "F", Gender.NOT_SPECIFIED: "U"}
COLUMNS = (
    "CHANGE_TYPE",
    "EFFECTIVE_DATE",
    "CHILD_REF",
    "CHILD_FORENAMES",
    "CHILD_SURNAME",
    "CHILD_DOB",
    "CHILD_SEX",
    "CLAIMANT_FORENAMES",
    "CLAIMANT_SURNAME",
    "CLAIMANT_PHONE",
    "ADDRESS_LINE_1",
    "ADDRESS_LINE_2",
    "ADDRESS_LINE_3",
    "TOWN",
    "POSTCODE",
)


def _units(child: SynthChild, _calendar: FeedCalendar) -> list[Unit]:
    return [
        unit
        for unit in registration_units(child, ends_at_18=True)
        if any(v.adoptive == unit.adoptive and v.identifiers.child_benefit for v in child.identities)
    ]


def _build(row: RowContext) -> tuple[str | None, ...]:
    reported, identity = row.reported, row.identity
    claimant = main_carer(identity)
    effective = row.calendar.date_of(row.generation)
    born = reported.born
    forenames = (
        f"{reported.given} {reported.middle}"
        if reported.middle and reported.missing != "middle"
        else reported.given
    )
    phone = claimant.contact.phone if claimant is not None and reported.missing != "phone" else None
    return (
        SPEC.change_codes[row.change],
        _WRITE(effective.year, effective.month, effective.day),
        identity.identifiers.child_benefit,
        forenames,
        reported.family,
        _WRITE(born.year, born.month, born.day),
        gender_code(reported, _SEX),
        claimant.name.given if claimant else None,
        claimant.name.family if claimant else None,
        phone,
        *address_lines(reported, 3),
        town(reported),
        postcode(reported),
    )


SPEC = SourceSpec(
    name="child_benefit",
    description="HMRC child benefit claims: claimant carer and each child on the claim",
    key_column="RECORD_ID",
    key_prefix="CB",
    columns=COLUMNS,
    date_style=STYLE,
    change_codes={RowChange.EXTRACT: "F", RowChange.NEW: "N", RowChange.AMEND: "A", RowChange.END: "C"},
    rates=ErrorRates(
        typo=0.006,
        transposition=0.003,
        phonetic_variant=0.006,
        nickname=0.004,
        double_barrel_variant=0.05,
        missing_field=0.01,
        day_month_swap=0.004,
        postcode_typo=0.004,
    ),
    optional=("postcode", "gender", "middle", "phone", "address"),
    timeliness=Timeliness(
        new=lags((1, 0.6), (2, 0.4)),
        change=lags((0, 0.6), (1, 0.4)),
        end=lags((0, 0.5), (1, 0.5)),
        adoption_new=lags((1, 0.5), (2, 0.5)),
        adoption_end=lags((1, 0.4), (2, 0.4), (3, 0.2)),
        stale_at_extract=0.1,
    ),
    shape=RowShape(date_of_birth=5, postcode=14, required=(4, 5), given_name=3, write_date=_WRITE),
    units=_units,
    build=_build,
)
