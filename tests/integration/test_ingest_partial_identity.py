"""Rows lacking a given name, family name or date of birth, and replaced given names, end to end on
SQLite and PostgreSQL: a partial row links on strong evidence, is held when close, never makes a
record, and is decided after the run's complete rows; a replaced given name is decided by identifiers."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.runtime import Runtime
from contactpoint.console import app
from contactpoint.domain.records import ChildRecord, PersonName
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load
from contactpoint.linkage.scoring import SplinkScorer
from contactpoint.settings import Settings
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit

SOURCE = "child_benefit"


@pytest.fixture(scope="module")
def scorer() -> SplinkScorer:
    """The shipped model, loaded once for the module."""
    return SplinkScorer(load())


@pytest.fixture
def linker(scorer: SplinkScorer, settings: Settings) -> Linker:
    """Every postcode in LA 201 (the factory's postcodes lie outside Synthetic England)."""
    return Linker(
        scorer, Thresholds(settings.link_upper_weight, settings.link_lower_weight), lambda _p: "201"
    )


def _row(key: str, child: ChildRecord, reference: str = "", **blanks: str) -> dict[str, str]:
    return {**child_benefit_row(key, child), "CHILD_REF": reference, **blanks}


def _links(runtime: Runtime) -> dict[str, str]:
    with runtime.unit_of_work() as uow:
        return dict(uow.ledger.links(SOURCE))


def _records(runtime: Runtime) -> list[ChildRecord]:
    with runtime.unit_of_work() as uow:
        return [child.record for child in uow.children.get_many(uow.children.ids_after("", 100)).values()]


def _moved(child: ChildRecord, other: ChildRecord) -> ChildRecord:
    """The child at another child's address."""
    return replace(child, whereabouts=other.whereabouts)


def test_a_partial_row_with_an_agreeing_identifier_links_and_keeps_the_record_names(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = factory.child()
    elsewhere = _moved(child, factory.child())
    feed = write_child_benefit(
        tmp_path / "cb.csv",
        [_row("A1", child, "CHB0001A"), _row("A2", elsewhere, "CHB0001A", CHILD_FORENAMES="")],
    )

    report = ingest_feed(runtime, feed, SOURCE, linker)

    assert (report.outcomes["new"], report.outcomes["linked"]) == (1, 1)
    links = _links(runtime)
    assert links["A1"] == links["A2"]
    (record,) = _records(runtime)
    assert record.names.current == child.names.current
    assert record.whereabouts == elsewhere.whereabouts  # the row's other fields still count


def test_a_partial_row_with_a_twin_in_sight_is_held_for_review(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = factory.child()
    twin = _row("B0", child, CHILD_FORENAMES="Zebedee")
    feed = write_child_benefit(
        tmp_path / "cb.csv", [twin, _row("B1", child), _row("B2", child, CHILD_FORENAMES="")]
    )  # without its given name the row fits either twin alike

    report = ingest_feed(runtime, feed, SOURCE, linker)

    assert (report.outcomes["new"], report.outcomes["review"]) == (2, 1)
    with runtime.unit_of_work() as uow:
        (item,) = uow.reviews.all_open()
    links = _links(runtime)
    assert (item.row_key, item.reason) == ("B2", "ambiguous")
    assert item.candidate_cp_id in {links["B0"], links["B1"]}


def test_a_partial_row_without_its_given_name_links_when_no_twin_is_in_sight(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = factory.child()
    feed = write_child_benefit(
        tmp_path / "cb.csv", [_row("B1", child), _row("B2", child, CHILD_FORENAMES="")]
    )

    report = ingest_feed(runtime, feed, SOURCE, linker)

    assert (report.outcomes["new"], report.outcomes["linked"]) == (1, 1)
    assert _links(runtime)["B2"] == _links(runtime)["B1"]


def test_a_partial_row_matching_nothing_is_rejected_with_its_line_and_creates_nothing(
    settings: Settings, runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    lone = factory.child()
    feed = write_child_benefit(tmp_path / "cb.csv", [_row("C1", lone, CHILD_FORENAMES="")])
    rejects = tmp_path / "rejects.csv"

    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(settings.home),
            "ingest",
            str(feed),
            "--source",
            SOURCE,
            "--rejects",
            str(rejects),
            "--max-reject-share",
            "1",
        ],
        env={"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()},
    )

    assert result.exit_code == 0, result.output
    with rejects.open(encoding="utf-8") as handle:
        (reported,) = list(csv.DictReader(handle))
    assert reported["line"] == "2"
    assert "not enough identity to create a record" in reported["reason"]
    assert lone.names.current.family not in rejects.read_text(encoding="utf-8")
    assert _records(runtime) == []
    again = ingest_feed(runtime, feed, SOURCE, linker)
    assert (again.skipped, again.rejected, sum(again.outcomes.values())) == (
        1,
        0,
        0,
    )  # recorded once, in the ledger


@pytest.mark.parametrize("batch_size", [1, 100])
def test_a_partial_duplicate_before_its_original_links_at_the_end_of_the_run(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path, batch_size: int
) -> None:
    child = factory.child()
    feed = write_child_benefit(
        tmp_path / "cb.csv",
        [_row("D1", child, "CHB0004A", CHILD_FORENAMES=""), _row("D2", child, "CHB0004A")],
    )

    report = ingest_feed(runtime, feed, SOURCE, linker, batch_size=batch_size)

    assert (report.outcomes["new"], report.outcomes["linked"], report.read) == (1, 1, 2)
    links = _links(runtime)
    assert links["D1"] == links["D2"]
    assert len(_records(runtime)) == 1


def _renamed(child: ChildRecord, given: str) -> ChildRecord:
    return replace(child, names=replace(child.names, current=PersonName(given, child.names.current.family)))


@pytest.mark.parametrize(
    "case",
    [
        (("CHB0002A", "CHB0002A"), {"new": 1, "linked": 1, "review": 0}),
        (("CHB0002A", "CHB0003A"), {"new": 2, "linked": 0, "review": 0}),
        (("", ""), {"new": 2, "linked": 0, "review": 0}),
    ],
    ids=["agreeing identifier: one child", "disagreeing identifier: twins", "no identifier: twins"],
)
def test_a_replaced_given_name_is_decided_by_the_identifiers(
    runtime: Runtime,
    linker: Linker,
    factory: ChildFactory,
    tmp_path: Path,
    case: tuple[tuple[str, str], dict[str, int]],
) -> None:
    references, outcome = case
    child = factory.child()
    replaced = _renamed(child, "Zebedee" if child.names.current.given != "Zebedee" else "Ottoline")
    feed = write_child_benefit(
        tmp_path / "cb.csv", [_row("E1", child, references[0]), _row("E2", replaced, references[1])]
    )

    report = ingest_feed(runtime, feed, SOURCE, linker)

    assert {k: report.outcomes[k] for k in outcome} == outcome
    assert _links(runtime).get("E1") != _links(runtime).get("E2") or references[0] == references[1] != ""


def test_a_run_stopped_before_its_partial_rows_were_decided_resumes_with_them_once(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = factory.child()
    rows = [_row("F1", child, "CHB0005A", CHILD_FORENAMES=""), _row("F2", child, "CHB0005A")]
    feed = write_child_benefit(tmp_path / "cb.csv", rows)

    def stop_after_the_batches(_size: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # the complete row's batch committed; the partial row waited
        ingest_feed(runtime, feed, SOURCE, linker, batch_size=2, on_batch=stop_after_the_batches)
    assert set(_links(runtime)) == {"F2"}

    resumed = ingest_feed(runtime, feed, SOURCE, linker, batch_size=2)
    again = ingest_feed(runtime, feed, SOURCE, linker, batch_size=2)

    assert (resumed.skipped, resumed.outcomes["linked"]) == (1, 1)
    assert (again.skipped, sum(again.outcomes.values())) == (2, 0)
    links = _links(runtime)
    assert links["F1"] == links["F2"]
    assert len(_records(runtime)) == 1
