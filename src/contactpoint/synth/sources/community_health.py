"""Community health services: health visiting, school nursing, CAMHS, sexual health and drug services.

Rows are per service episode and carry the NHS number when the service has it. Sensitive services
(CAMHS, sexual health, substance misuse) are sent with the basis on which they may be recorded.
"""

from __future__ import annotations

from contactpoint.domain.vocabulary import Gender, SensitiveBasis, ServiceType
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
    involvement_units,
    lags,
)
from contactpoint.synth.sources.fields import address_lines, gender_code, postcode

STYLE = DateStyle.DMY_SLASH
_WRITE = STYLE.write
_GENDER = {Gender.MALE: "M", Gender.FEMALE: "F", Gender.NOT_SPECIFIED: "U"}
SERVICE_CODES = {
    ServiceType.HEALTH_VISITING: "HV",
    ServiceType.SCHOOL_NURSING: "SN",
    ServiceType.CAMHS: "CAMHS",
    ServiceType.SEXUAL_HEALTH: "SH",
    ServiceType.SUBSTANCE_MISUSE: "SM",
}
BASIS_CODES = {
    SensitiveBasis.CONSENT_YOUNG_PERSON: "YP",
    SensitiveBasis.CONSENT_CARER: "CARER",
    SensitiveBasis.SIGNIFICANT_HARM: "HARM",
}
_SERVICES = frozenset(SERVICE_CODES)
COLUMNS = (
    "Action",
    "NHS_No",
    "Forename",
    "Surname",
    "DOB",
    "Gender",
    "Address_1",
    "Address_2",
    "Address_3",
    "Postcode",
    "Service",
    "Org_Code",
    "Team",
    "Clinician",
    "Clinician_Phone",
    "Referral_Date",
    "Discharge_Date",
    "Consent_Basis",
)


def _units(child: SynthChild, calendar: FeedCalendar) -> list[Unit]:
    return involvement_units(child, calendar, _SERVICES)


def _build(row: RowContext) -> tuple[str | None, ...]:
    reported, identity, involvement = row.reported, row.identity, row.unit.involvement
    if involvement is None:
        raise ValueError("a community health row needs an episode")
    born = reported.born
    worker = involvement.practitioner
    start = involvement.start
    end = involvement.end if row.change is RowChange.END else None
    basis = involvement.sensitive_basis
    return (
        SPEC.change_codes[row.change],
        None if reported.missing == "nhs_number" else identity.identifiers.nhs_number,
        reported.given,
        reported.family,
        _WRITE(born.year, born.month, born.day),
        gender_code(reported, _GENDER),
        *address_lines(reported, 3),
        postcode(reported),
        SERVICE_CODES[involvement.service],
        involvement.org.code,
        involvement.org.name,
        f"{worker.given} {worker.family}" if worker else None,
        worker.phone if worker else involvement.org.phone,
        _WRITE(start.year, start.month, start.day),
        _WRITE(end.year, end.month, end.day) if end is not None else None,
        BASIS_CODES[basis] if basis is not None else None,
    )


SPEC = SourceSpec(
    name="community_health",
    description="Community health: health visiting, school nursing, CAMHS, sexual health, drug services",
    key_column="Record_No",
    key_prefix="CH",
    columns=COLUMNS,
    date_style=STYLE,
    change_codes={
        RowChange.EXTRACT: "CUR",
        RowChange.NEW: "ADD",
        RowChange.AMEND: "UPD",
        RowChange.END: "DIS",
    },
    rates=ErrorRates(
        typo=0.01,
        transposition=0.005,
        phonetic_variant=0.01,
        nickname=0.02,
        double_barrel_variant=0.08,
        missing_field=0.03,
        day_month_swap=0.006,
        postcode_typo=0.008,
    ),
    optional=("nhs_number", "postcode", "gender", "address"),
    timeliness=Timeliness(
        new=lags((0, 0.6), (1, 0.4)),
        change=lags((0, 0.4), (1, 0.4), (2, 0.2)),
        end=lags((0, 0.6), (1, 0.4)),
        adoption_new=lags((1, 0.5), (2, 0.5)),
        adoption_end=lags((0, 0.5), (1, 0.3), (2, 0.2)),
        stale_at_extract=0.3,
    ),
    shape=RowShape(date_of_birth=4, postcode=9, required=(3, 4), given_name=2, write_date=_WRITE),
    units=_units,
    build=_build,
)
