import csv
import filecmp
import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.postcodes import Postcode, is_valid_postcode
from contactpoint.synth import feeds
from contactpoint.synth.errors_model import RANDOM_KINDS, ErrorKind
from contactpoint.synth.malformed import MalformedKind
from contactpoint.synth.sources import SOURCES, SOURCES_BY_NAME
from contactpoint.synth.sources.base import SourceSpec

from .conftest import CHILDREN, GENERATIONS, SEED, DataSet

DRAMA_PHONE = re.compile(r"^(07700 900\d{3}|01632 960\d{3}|0\d{3} 49[68] 0\d{3}|020 7946 0\d{3})$")


def _csv_rows(path: Path) -> tuple[list[str], list[list[str] | None]]:
    """Header and data rows; a row that is not UTF-8 comes back as None."""
    lines = path.read_bytes().split(b"\r\n")
    assert lines[-1] == b""
    header = next(csv.reader([lines[0].decode("utf-8")]))
    rows: list[list[str] | None] = []
    for line in lines[1:-1]:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            rows.append(None)
            continue
        rows.append(next(csv.reader([text])))
    return header, rows


def _jsonl_lines(path: Path) -> list[bytes]:
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b""
    return lines[:-1]


def _files(dataset: DataSet):
    for spec in SOURCES:
        for generation in range(GENERATIONS + 1):
            yield spec, generation


def test_feeds_are_written_per_source_and_generation_in_both_formats(dataset):
    for spec, generation in _files(dataset):
        for extension in ("csv", "jsonl"):
            assert (dataset.root / "feeds" / spec.name / f"gen{generation}.{extension}").is_file()
    assert dataset.summary.rows[("nhs_registrations", 0)] > 0.95 * CHILDREN
    assert sum(dataset.summary.rows[(spec.name, 1)] for spec in SOURCES) > 0


def test_the_truth_is_kept_apart_from_the_feeds(dataset):
    person_ids = {person.person_id for person in dataset.truth.people()}
    for path in (dataset.root / "feeds").rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert "person_id" not in text
            assert not any(person_id in text for person_id in list(person_ids)[:50])


def test_every_row_of_every_feed_is_traceable_in_the_truth(dataset):
    truth = dataset.truth
    for spec, generation in _files(dataset):
        header, rows = _csv_rows(truth.feed_path(spec.name, generation, "csv"))
        assert header == list(spec.header)
        expected = list(truth.rows(spec.name, generation))
        assert len(rows) == len(expected) == dataset.summary.rows[(spec.name, generation)]
        for number, (row, row_truth) in enumerate(zip(rows, expected, strict=True), start=1):
            assert row_truth.row == number
            assert truth.labels(row_truth.person_id).person_id == row_truth.person_id
            if row is not None:
                assert row[0] == row_truth.row_key
                assert truth.person_of(spec.name, row[0]) == row_truth.person_id
        jsonl = _jsonl_lines(truth.feed_path(spec.name, generation, "jsonl"))
        assert len(jsonl) == len(expected)


def test_csv_and_json_lines_carry_the_same_rows(dataset):
    truth = dataset.truth
    for spec, generation in _files(dataset):
        _, rows = _csv_rows(truth.feed_path(spec.name, generation, "csv"))
        lines = _jsonl_lines(truth.feed_path(spec.name, generation, "jsonl"))
        for row, line, row_truth in zip(rows, lines, truth.rows(spec.name, generation), strict=True):
            if row_truth.malformed:
                continue
            record = json.loads(line)
            assert row is not None
            assert list(record) == list(spec.header)
            assert [value or "" for value in record.values()] == row


def _parse_date(spec: SourceSpec, text: str) -> date:
    return datetime.strptime(text, spec.date_style.value).date()  # noqa: DTZ007  # a calendar date, no time zone


def _date_ok(spec: SourceSpec, text: str) -> bool:
    try:
        _parse_date(spec, text)
    except ValueError:
        return False
    return True


def test_malformed_rows_are_present_labelled_and_really_malformed(dataset):
    truth = dataset.truth
    seen: Counter[str] = Counter()
    for spec, generation in _files(dataset):
        labelled = [row for row in truth.rows(spec.name, generation) if row.malformed]
        if dataset.summary.rows[(spec.name, generation)]:
            assert len(labelled) >= feeds.MIN_MALFORMED_PER_FILE
        _, rows = _csv_rows(truth.feed_path(spec.name, generation, "csv"))
        lines = _jsonl_lines(truth.feed_path(spec.name, generation, "jsonl"))
        shape = spec.shape
        for row_truth in labelled:
            kind = MalformedKind(row_truth.malformed)
            seen[kind] += 1
            row, line = rows[row_truth.row - 1], lines[row_truth.row - 1]
            if kind is MalformedKind.BAD_ENCODING:
                assert row is None
                with pytest.raises(UnicodeDecodeError):
                    line.decode("utf-8")
                continue
            assert row is not None
            if kind is MalformedKind.TRUNCATED:
                assert len(row) < len(spec.header)
                with pytest.raises(json.JSONDecodeError):
                    json.loads(line)
                continue
            assert len(row) == len(spec.header)
            values = row[1:]
            if kind is MalformedKind.BAD_DATE:
                assert not _date_ok(spec, values[shape.date_of_birth])
            elif kind is MalformedKind.IMPOSSIBLE_POSTCODE:
                with pytest.raises(ValidationError):
                    Postcode.parse(values[shape.postcode])
            else:
                assert all(values[index] == "" for index in shape.required)
    assert set(seen) == set(MalformedKind)


def test_rows_that_are_not_malformed_are_well_formed(dataset):
    truth = dataset.truth
    for spec, generation in _files(dataset):
        _, rows = _csv_rows(truth.feed_path(spec.name, generation, "csv"))
        for row, row_truth in zip(rows, truth.rows(spec.name, generation), strict=True):
            if row_truth.malformed:
                continue
            assert row is not None
            assert len(row) == len(spec.header)
            values = row[1:]
            assert _date_ok(spec, values[spec.shape.date_of_birth])
            assert all(values[index] for index in spec.shape.required)
            postcode = values[spec.shape.postcode]
            assert not postcode or is_valid_postcode(postcode)


def test_clean_extract_rows_match_the_true_child(dataset):
    truth = dataset.truth
    checked = 0
    for spec in SOURCES:
        family_column = spec.columns.index(_FAMILY_COLUMNS[spec.name])
        _, rows = _csv_rows(truth.feed_path(spec.name, 0, "csv"))
        for row, row_truth in zip(rows, truth.rows(spec.name, 0), strict=True):
            if row_truth.malformed or row_truth.errors or row is None:
                continue
            person = truth.labels(row_truth.person_id)
            values = row[1:]
            assert values[family_column] == person.family
            born = _parse_date(spec, values[spec.shape.date_of_birth])
            assert born.isoformat() == person.date_of_birth
            postcode = values[spec.shape.postcode]
            assert not postcode or postcode == person.postcode
            checked += 1
    assert checked > 0.9 * CHILDREN


_FAMILY_COLUMNS = {
    "child_benefit": "CHILD_SURNAME",
    "nhs_registrations": "family_name",
    "school_census": "Surname",
    "la_social_care": "Surname",
    "youth_offending": "familyName",
    "community_health": "Surname",
}


def test_errors_of_each_kind_occur_at_about_their_rates(dataset):
    truth = dataset.truth
    observed: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    for spec, generation in _files(dataset):
        for row in truth.rows(spec.name, generation):
            observed.update(row.errors)
            for kind in RANDOM_KINDS:
                expected[kind] += spec.rates.of(kind)
    for kind in (ErrorKind.TYPO, ErrorKind.TRANSPOSITION, ErrorKind.MISSING_FIELD, ErrorKind.POSTCODE_TYPO):
        assert 0.6 * expected[kind] < observed[kind] < 1.4 * expected[kind], kind
    for kind in (
        ErrorKind.PHONETIC_VARIANT,
        ErrorKind.NICKNAME,
        ErrorKind.DAY_MONTH_SWAP,
        ErrorKind.DOUBLE_BARREL_VARIANT,
    ):
        assert 0 < observed[kind] < 1.3 * expected[kind], kind
    assert observed[ErrorKind.STALE_ADDRESS] > 0.01 * sum(dataset.summary.rows.values())


def test_labelled_errors_are_visible_in_the_rows(dataset):
    truth = dataset.truth
    spec = SOURCES_BY_NAME["nhs_registrations"]
    _, rows = _csv_rows(truth.feed_path(spec.name, 0, "csv"))
    dob = spec.shape.date_of_birth
    swaps = 0
    for row, row_truth in zip(rows, truth.rows(spec.name, 0), strict=True):
        if row is None or row_truth.malformed:
            continue
        person = truth.labels(row_truth.person_id)
        reported = _parse_date(spec, row[1:][dob]).isoformat()
        if ErrorKind.DAY_MONTH_SWAP in row_truth.errors:
            swaps += 1
            assert reported != person.date_of_birth
        else:
            assert reported == person.date_of_birth
    assert swaps > 0


def test_carers_and_workers_have_only_unreachable_contact_details(dataset):
    truth = dataset.truth
    for source, phone_column, email_column in (
        ("child_benefit", "CLAIMANT_PHONE", None),
        ("la_social_care", "Carer Phone", "Worker Email"),
        ("youth_offending", "caseManagerPhone", "caseManagerEmail"),
    ):
        spec = SOURCES_BY_NAME[source]
        _, rows = _csv_rows(truth.feed_path(source, 0, "csv"))
        for row in rows:
            if row is None or len(row) < len(spec.header):
                continue
            phone = row[spec.header.index(phone_column)]
            assert not phone or DRAMA_PHONE.match(phone), phone
            if email_column:
                email = row[spec.header.index(email_column)]
                assert not email or email.endswith(("@example.com", "@example.org", "@example.net"))


def test_the_truth_lists_special_cases(dataset):
    truth = dataset.truth
    twins = truth.twins()
    assert twins
    for group in twins:
        people = [truth.labels(person_id) for person_id in group]
        assert len({p.date_of_birth for p in people}) == 1
        assert len({p.given for p in people}) == len(group)
    shielded = list(truth.shielded())
    assert 0.002 * CHILDREN < len(shielded) < 0.01 * CHILDREN
    assert all(is_valid_postcode(p.postcode) for p in truth.people() if p.postcode)


def test_adopted_childrens_birth_identity_keeps_arriving_while_others_send_the_new_one(dataset):
    truth = dataset.truth
    adopted = {person.person_id: person for person in truth.adopted()}
    assert adopted
    identities: dict[str, set[str]] = {person_id: set() for person_id in adopted}
    late_birth_rows = 0
    for row in truth.rows():
        if row.person_id in adopted:
            assert row.identity in {"birth", "adoptive"}
            identities[row.person_id].add(row.identity)
            if row.identity == "birth" and row.generation >= adopted[row.person_id].adopted_generation:
                assert ErrorKind.ADOPTION_BIRTH_IDENTITY in row.errors
                late_birth_rows += 1
        else:
            assert row.identity == ""
    assert any(seen == {"birth", "adoptive"} for seen in identities.values())
    assert late_birth_rows > 0
    for person in adopted.values():
        assert person.adoptive_family is not None
        assert person.adoptive_family != person.family


def test_the_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    first, second, other = tmp_path / "first", tmp_path / "second", tmp_path / "other"
    feeds.generate(first, 1_000, 77, 3)
    feeds.generate(second, 1_000, 77, 3)
    feeds.generate(other, 1_000, 78, 3)
    paths = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(paths) > 40
    for path in paths:
        assert filecmp.cmp(first / path, second / path, shallow=False), path
    assert not filecmp.cmp(
        first / "feeds/nhs_registrations/gen0.csv", other / "feeds/nhs_registrations/gen0.csv", shallow=False
    )


def test_worker_processes_write_the_same_files_as_one_process(tmp_path, monkeypatch):
    alone, together = tmp_path / "alone", tmp_path / "together"
    feeds.generate(alone, 2_500, 5, 2, formats=("csv",))
    monkeypatch.setattr(feeds, "IN_PROCESS_BELOW", 0)
    monkeypatch.setattr(feeds, "CHUNK_BLOCKS", 4)
    feeds.generate(together, 2_500, 5, 2, formats=("csv",), workers=2)
    paths = sorted(
        p.relative_to(alone) for p in alone.rglob("*") if p.is_file() and p.name != "manifest.json"
    )
    for path in paths:
        assert filecmp.cmp(alone / path, together / path, shallow=False), path
    people = (together / "truth" / "people.csv").read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in people[1:] if line.split(",")[2] == "0") == 2_500


def test_only_the_formats_asked_for_are_written(tmp_path):
    feeds.generate(tmp_path, 150, 1, 1, formats=("jsonl",))
    assert list((tmp_path / "feeds").rglob("*.jsonl"))
    assert not list((tmp_path / "feeds").rglob("*.csv"))
    with pytest.raises(ValueError, match="formats"):
        feeds.generate(tmp_path / "x", 150, 1, 1, formats=("xml",))


def test_the_manifest_describes_the_data_set(dataset):
    manifest = dataset.truth.manifest
    assert manifest["children"] == CHILDREN
    assert manifest["seed"] == SEED
    assert len(manifest["generation_dates"]) == GENERATIONS + 1
    assert set(manifest["sources"]) == set(SOURCES_BY_NAME)
    assert manifest["sources"]["nhs_registrations"]["date_format"] == "%Y%m%d"
