"""Feeds that fail loudly: `ingest` stops a file whose header is not its mapping's before any row is
read, exits non-zero when too many rows are rejected, and names the sources it knows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from contactpoint.console import app
from contactpoint.store.feed_models import FeedRowOutcome, FeedRun
from tests.factories import ChildFactory
from tests.linkage_support import CHILD_BENEFIT_HEADER, child_benefit_row, write_child_benefit


def invoke(home: Path, *arguments: str):
    return CliRunner().invoke(app, ["--data-dir", str(home), *arguments])


@pytest.fixture
def home(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    assert invoke(store, "init").exit_code == 0
    return store


def _counts(home: Path) -> tuple[int, int]:
    engine = create_engine(f"sqlite:///{home / 'contactpoint.db'}")
    try:
        with engine.connect() as connection:
            runs = connection.scalar(select(func.count()).select_from(FeedRun)) or 0
            rows = connection.scalar(select(func.count()).select_from(FeedRowOutcome)) or 0
    finally:
        engine.dispose()
    return runs, rows


def _rows(factory: ChildFactory, count: int) -> list[dict[str, str]]:
    return [child_benefit_row(f"CB{n}", factory.child(la_code="201")) for n in range(count)]


def test_a_header_missing_columns_and_carrying_others_stops_before_any_row(
    home: Path, factory: ChildFactory, tmp_path: Path
) -> None:
    rows = [
        {("CHILD_GIVEN" if k == "CHILD_FORENAMES" else k): v for k, v in r.items()} for r in _rows(factory, 3)
    ]
    feed = tmp_path / "cb.csv"
    with feed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != "TOWN"])
        writer.writeheader()
        writer.writerows({k: v for k, v in r.items() if k != "TOWN"} for r in rows)

    result = invoke(home, "ingest", str(feed), "--source", "child_benefit")

    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "missing columns: CHILD_FORENAMES, TOWN; unexpected columns: CHILD_GIVEN" in output
    assert _counts(home) == (0, 0)  # no run recorded, no row read


def test_a_file_separated_by_semicolons_is_named_as_such(
    home: Path, factory: ChildFactory, tmp_path: Path
) -> None:
    feed = tmp_path / "cb.csv"
    with feed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CHILD_BENEFIT_HEADER, delimiter=";")
        writer.writeheader()
        writer.writerows(_rows(factory, 3))

    result = invoke(home, "ingest", str(feed), "--source", "child_benefit")

    assert result.exit_code == 2
    assert "separated by semicolons, not commas" in " ".join(result.output.split())
    assert _counts(home) == (0, 0)


def test_a_file_without_a_header_line_is_stopped_without_echoing_its_first_row(
    home: Path, factory: ChildFactory, tmp_path: Path
) -> None:
    rows = _rows(factory, 3)
    feed = tmp_path / "cb.csv"
    with feed.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([list(r.values()) for r in rows])

    result = invoke(home, "ingest", str(feed), "--source", "child_benefit")

    assert result.exit_code == 2
    assert "no column of the mapping is in the first line" in " ".join(result.output.split())
    assert rows[0]["CHILD_SURNAME"] not in result.output


def test_more_rejected_rows_than_the_share_allowed_exits_non_zero_and_keeps_the_rest(
    home: Path, factory: ChildFactory, tmp_path: Path
) -> None:
    rows = _rows(factory, 10)
    rows[3]["CHILD_DOB"] = "31/02/2015"  # one row in ten: 10%
    feed = write_child_benefit(tmp_path / "cb.csv", rows)

    result = invoke(home, "ingest", str(feed), "--source", "child_benefit")

    assert result.exit_code == 8, result.output
    assert "1 of 10 rows rejected (10.0%), more than the 5.0% allowed" in " ".join(result.output.split())
    assert _counts(home) == (1, 10)  # the good rows are taken and the bad one recorded
    again = invoke(home, "ingest", str(feed), "--source", "child_benefit")
    assert again.exit_code == 8  # a re-run of the same file says so again
    allowed = invoke(home, "ingest", str(feed), "--source", "child_benefit", "--max-reject-share", "0.2")
    assert allowed.exit_code == 0, allowed.output


def test_a_feed_within_the_share_exits_zero(home: Path, factory: ChildFactory, tmp_path: Path) -> None:
    feed = write_child_benefit(tmp_path / "cb.csv", _rows(factory, 10))

    assert invoke(home, "ingest", str(feed), "--source", "child_benefit").exit_code == 0


def test_an_unknown_source_lists_the_known_ones(home: Path, factory: ChildFactory, tmp_path: Path) -> None:
    feed = write_child_benefit(tmp_path / "cb.csv", _rows(factory, 1))

    result = invoke(home, "ingest", str(feed), "--source", "child-benefit")

    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "known sources: child_benefit, community_health, fhir_patient, la_social_care" in output


def test_an_extract_date_after_today_is_refused(home: Path, factory: ChildFactory, tmp_path: Path) -> None:
    feed = write_child_benefit(tmp_path / "cb.csv", _rows(factory, 1))

    result = invoke(home, "ingest", str(feed), "--source", "child_benefit", "--as-of", "2999-01-01")

    assert result.exit_code == 2
    assert _counts(home) == (0, 0)
