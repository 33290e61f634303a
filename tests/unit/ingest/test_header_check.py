"""A file's columns are checked against its mapping before any row is read."""

from __future__ import annotations

import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.ingest.mapping import load_mapping
from contactpoint.ingest.readers import parse_csv, parse_jsonl
from contactpoint.synth.sources import school_census

HEADER = ["RecordID", *school_census.COLUMNS]


def _message(header: list[str], *, complete: bool = True) -> str:
    with pytest.raises(ValidationError) as caught:
        load_mapping("school_census").check_header(header, complete)
    assert caught.value.field == "header"
    return caught.value.rule


def test_the_sources_own_header_passes_with_the_column_it_ignores() -> None:
    assert "LA" in HEADER
    load_mapping("school_census").check_header(HEADER, True)


def test_missing_and_unexpected_columns_are_named() -> None:
    header = [("Forename1" if c == "Forename" else c) for c in HEADER if c != "Town"]

    assert _message(header) == (
        "does not match the school_census mapping: missing columns: Forename, Town; "
        "unexpected columns: Forename1"
    )


def test_a_repeated_column_is_named() -> None:
    assert "repeated columns: Surname" in _message([*HEADER, "Surname"])


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")])
def test_a_wrong_separator_is_named(separator: str, name: str) -> None:
    assert f"the file is separated by {name}, not commas" in _message([separator.join(HEADER)])


def test_a_json_lines_object_may_leave_out_empty_columns_but_not_its_key() -> None:
    mapping = load_mapping("school_census")
    mapping.check_header(["RecordID", "Surname", "DOB"], False)

    assert "missing columns: RecordID" in _message(["Surname", "DOB"], complete=False)


def test_the_readers_check_before_yielding_any_row() -> None:
    check = load_mapping("school_census").check_header
    csv_rows = parse_csv([b"RecordID,Surname,Nickname\n", b"S1,Okafor,Mimi\n"], check)
    jsonl_rows = parse_jsonl([b'{"RecordID": "S1", "Nickname": "Mimi"}\n'], check)

    with pytest.raises(ValidationError):
        next(csv_rows)
    with pytest.raises(ValidationError) as caught:
        next(jsonl_rows)
    assert "Mimi" not in str(caught.value)
    assert "unexpected columns: Nickname" in str(caught.value)
