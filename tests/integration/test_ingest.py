"""The feed pipeline end to end on SQLite and PostgreSQL: create, link, idempotency, resume, rejects."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from contactpoint.app.children.records import register_children
from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.operations.keys import rotate_keys
from contactpoint.app.runtime import Runtime
from contactpoint.console import app
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord, PersonName, RetentionExtension
from contactpoint.domain.vocabulary import ExtensionBasis
from contactpoint.evaluation.synthetic_geography import synthetic_postcode_authorities
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load
from contactpoint.linkage.scoring import SplinkScorer
from contactpoint.settings import Settings
from contactpoint.store.feed_models import FeedRowOutcome
from contactpoint.store.models import ChildRow
from contactpoint.synth.feeds import generate
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit
from tests.process_support import still_running_after

NHS = "nhs_registrations"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic England: the extract and one monthly delta, as CSV."""
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, 300, seed=5, generations=1, formats=("csv",))
    return out


@pytest.fixture(scope="module")
def scorer() -> SplinkScorer:
    """The shipped model, loaded once for the module."""
    return SplinkScorer(load())


@pytest.fixture
def linker(scorer: SplinkScorer, settings: Settings) -> Linker:
    """The run's linker with the thresholds of the settings."""
    return Linker(
        scorer,
        Thresholds(settings.link_upper_weight, settings.link_lower_weight),
        synthetic_postcode_authorities(),
    )


@pytest.fixture
def any_place_linker(linker: Linker) -> Linker:
    """For records made by the factory, whose postcodes lie outside Synthetic England: all in LA 201."""
    return replace(linker, la_for=lambda _postcode: "201")


def _feed(synthetic: Path, source: str, generation: int = 0) -> Path:
    return synthetic / "feeds" / source / f"gen{generation}.csv"


def _versions(runtime: Runtime) -> dict[str, int]:
    with runtime.engine.connect() as connection:  # plaintext columns only, to compare states
        return dict(connection.execute(select(ChildRow.cp_id, ChildRow.record_version)).all())


def test_a_feed_creates_children_and_the_same_feed_twice_changes_nothing(
    runtime: Runtime, linker: Linker, synthetic: Path
) -> None:
    first = ingest_feed(runtime, _feed(synthetic, NHS), NHS, linker, batch_size=100)
    before = _versions(runtime)

    second = ingest_feed(runtime, _feed(synthetic, NHS), NHS, linker, batch_size=100)

    assert first.outcomes["new"] == len(before) > 250
    unkeyed = sum(1 for reject in first.rejects if reject.row_key is None)
    assert second.skipped == first.read - unkeyed
    assert second.rejected == unkeyed
    assert sum(second.outcomes.values()) == 0
    assert _versions(runtime) == before


def test_a_second_source_links_to_the_children_the_first_created(
    runtime: Runtime, linker: Linker, synthetic: Path
) -> None:
    ingest_feed(runtime, _feed(synthetic, NHS), NHS, linker)
    created = len(_versions(runtime))

    report = ingest_feed(runtime, _feed(synthetic, "child_benefit"), "child_benefit", linker)

    assert report.outcomes["linked"] > 0.9 * report.read
    assert len(_versions(runtime)) - created <= 0.05 * report.read
    with runtime.unit_of_work() as uow:
        linked = dict(uow.ledger.links("child_benefit"))
    cp_id = next(iter(linked.values()))
    record = runtime.unit_of_work().__enter__().children.get(ContactPointId(cp_id)).record
    assert any(i.scheme.value == "child_benefit_reference" for i in record.identifiers)


def test_twins_in_one_feed_become_two_children(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    first = factory.child()
    second = replace(first, names=first.names.__class__(PersonName("Zebedee", first.names.current.family)))
    rows = [
        {**child_benefit_row("CBT1", first), "CHILD_REF": "CHB0101A"},
        {**child_benefit_row("CBT2", second), "CHILD_REF": "CHB0102A"},  # each twin's own reference
    ]
    feed = write_child_benefit(tmp_path / "twins.csv", rows)

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker)

    assert report.outcomes["new"] == 2


def _renamed(record: ChildRecord, given: str) -> ChildRecord:
    return replace(
        record, names=replace(record.names, current=PersonName(given, record.names.current.family))
    )


def test_a_slip_in_a_given_name_within_one_feed_links_to_one_child(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    first = factory.child()
    given = first.names.current.given
    slip = _renamed(first, given[0] + "q" + given[1:])  # one edit, and no name anyone is given
    feed = write_child_benefit(
        tmp_path / "slip.csv", [child_benefit_row("CBS1", first), child_benefit_row("CBS2", slip)]
    )

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker)

    assert (report.outcomes["new"], report.outcomes["linked"]) == (1, 1)
    with runtime.unit_of_work() as uow:
        links = dict(uow.ledger.links("child_benefit"))
    assert links["CBS1"] == links["CBS2"]


def test_a_possible_twin_within_one_feed_is_held_for_review_against_the_first_row_record(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    first = factory.child()
    close = _renamed(first, first.names.current.given + "ae")  # close, rare, two edits: undecided
    feed = write_child_benefit(
        tmp_path / "close.csv", [child_benefit_row("CBC1", first), child_benefit_row("CBC2", close)]
    )

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker)

    assert (report.outcomes["new"], report.outcomes["review"]) == (1, 1)
    with runtime.unit_of_work() as uow:
        (item,) = uow.reviews.all_open()
        links = dict(uow.ledger.links("child_benefit"))
    assert (item.row_key, item.reason, item.candidate_cp_id) == ("CBC2", "possible_twin", links["CBC1"])


def test_a_row_about_a_known_child_is_applied_to_their_record(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = factory.child(la_code="201")
    register_children(runtime, [child], lambda record, cp_id: replace(record, cp_id=cp_id))
    (cp_id,) = _versions(runtime)
    feed = write_child_benefit(
        tmp_path / "cb.csv", [{**child_benefit_row("CB1", child), "CHILD_REF": "CHB0001A"}]
    )

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker)

    assert report.outcomes["linked"] == 1
    assert _versions(runtime) == {cp_id: 2}
    with runtime.unit_of_work() as uow:
        record = uow.children.get(ContactPointId(cp_id)).record
    assert {i.value for i in record.identifiers} >= {"CHB0001A"}


def _run_cli(settings: Settings, *arguments: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,  # noqa: TID251  # the child process runs in the test's own environment
        "CONTACTPOINT_HOME": str(settings.home),
        "CONTACTPOINT_DATABASE_URL": settings.resolved_database_url(),
    }
    return subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
        [sys.executable, "-c", "from contactpoint.console import app; app()", *arguments],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _descendants(pid: int) -> set[int]:
    """The process's children and theirs (Linux /proc), e.g. feed workers."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found |= {child, *_descendants(child)}
    return found


def _wait_gone(pids: set[int], seconds: float) -> None:
    assert not still_running_after(pids, seconds), "the killed run's worker processes outlived it"


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_run_killed_midway_resumes_with_no_duplicate_and_no_half_batch(
    runtime: Runtime, settings: Settings, synthetic: Path, workers: str
) -> None:
    feed = _feed(synthetic, NHS)
    engine = create_engine(settings.resolved_database_url())
    arguments = ("ingest", str(feed), "--source", NHS, "--batch-size", "20", "--workers", workers)
    process = _run_cli(settings, *arguments)
    try:
        deadline = time.monotonic() + 120
        recorded = 0
        while recorded == 0 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
            with engine.connect() as connection:
                recorded = connection.execute(select(func.count()).select_from(FeedRowOutcome)).scalar_one()
        assert process.poll() is None, "the run finished before it could be killed"
        workers_of_the_run = _descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        _wait_gone(workers_of_the_run, seconds=10)  # they stop with it, a batch in hand rolled back
        with engine.connect() as connection:
            ledger = connection.execute(select(func.count()).select_from(FeedRowOutcome)).scalar_one()
            children = connection.execute(select(func.count()).select_from(ChildRow)).scalar_one()
            new = connection.execute(
                text("select count(*) from feed_rows where outcome = 'new'")
            ).scalar_one()
        assert 0 < ledger < 290
        assert children == new  # whole batches only: every record has its ledger row and vice versa

        resumed = _run_cli(settings, *arguments)
        assert resumed.wait(timeout=300) == 0

        with engine.connect() as connection:
            keys = connection.execute(text("select row_key from feed_rows")).scalars().all()
            children = connection.execute(select(func.count()).select_from(ChildRow)).scalar_one()
            new = connection.execute(
                text("select count(*) from feed_rows where outcome = 'new'")
            ).scalar_one()
            distinct_ids = connection.execute(
                text("select count(distinct cp_id) from feed_rows where outcome = 'new'")
            ).scalar_one()
    finally:
        if process.poll() is None:
            process.kill()
        engine.dispose()
    with feed.open(encoding="utf-8") as handle:
        keyed_rows = sum(1 for row in csv.DictReader(handle) if row["record_id"])
    assert len(keys) == len(set(keys)) == keyed_rows
    assert children == new == distinct_ids


def test_rejects_are_reported_by_line_and_reason_without_row_values(
    runtime: Runtime, settings: Settings, synthetic: Path, tmp_path: Path
) -> None:
    source = "child_benefit"
    with (synthetic / "truth" / "rows" / source / "gen0.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    malformed = {str(n + 2) for n, row in enumerate(truth) if row["malformed"]}
    with _feed(synthetic, source).open(encoding="utf-8", errors="replace") as handle:
        surnames = {row["CHILD_SURNAME"] for row in csv.DictReader(handle) if row["CHILD_SURNAME"]}
    rejects = tmp_path / "rejects.csv"

    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(settings.home),
            "ingest",
            str(_feed(synthetic, source)),
            "--source",
            source,
            "--rejects",
            str(rejects),
        ],
        env={"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()},
    )

    assert result.exit_code == 0, result.output
    with rejects.open(encoding="utf-8") as handle:
        reported = list(csv.DictReader(handle))
    assert {row["line"] for row in reported} == malformed
    assert all(row["reason"] for row in reported)
    text_of_report = rejects.read_text(encoding="utf-8")
    assert not any(surname in text_of_report for surname in surnames if len(surname) > 3)


def test_after_a_key_rotation_the_same_feed_still_changes_nothing(
    runtime: Runtime, linker: Linker, synthetic: Path
) -> None:
    first = ingest_feed(runtime, _feed(synthetic, "child_benefit"), "child_benefit", linker)
    rotate_keys(runtime)
    before = _versions(runtime)

    second = ingest_feed(runtime, _feed(synthetic, "child_benefit"), "child_benefit", linker)

    assert sum(second.outcomes.values()) == 0
    assert second.skipped == first.read - sum(1 for reject in first.rejects if reject.row_key is None)
    assert _versions(runtime) == before


def test_a_row_about_an_adult_creates_no_record_but_is_recorded_once(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    adult = replace(factory.child(la_code="201"), date_of_birth=date(2000, 1, 1))  # 26 on the clock's today
    feed = write_child_benefit(tmp_path / "cb.csv", [child_benefit_row("CB9", adult)])

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker)

    assert (report.outcomes["new"], report.outcomes["rejected"], report.reasons["adult"]) == (0, 1, 1)
    assert _versions(runtime) == {}
    again = ingest_feed(runtime, feed, "child_benefit", any_place_linker)
    assert (again.skipped, again.outcomes["rejected"]) == (1, 0)


def test_a_row_about_a_young_adult_kept_to_25_still_reaches_their_record(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    kept = replace(
        factory.child(la_code="201"),
        date_of_birth=date(2006, 5, 1),
        retention_extension=RetentionExtension(ExtensionBasis.CARE_LEAVER, date(2024, 4, 1)),
    )
    register_children(runtime, [kept], lambda record, cp_id: replace(record, cp_id=cp_id))
    feed = write_child_benefit(
        tmp_path / "cb.csv", [{**child_benefit_row("CB7", kept), "CHILD_REF": "CHB0007A"}]
    )

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker)

    assert report.outcomes["linked"] == 1
    assert list(_versions(runtime).values()) == [2]


def test_an_old_extract_takes_a_child_who_was_17_when_it_was_made(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    turned_18 = replace(
        factory.child(la_code="201"), date_of_birth=date(2008, 6, 1)
    )  # 18 on the clock's today
    feed = write_child_benefit(
        tmp_path / "cb.csv", [{**child_benefit_row("CB8", turned_18), "EFFECTIVE_DATE": ""}]
    )

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker, extracted=date(2026, 3, 31))

    assert (report.outcomes["new"], report.reasons["adult"]) == (1, 0)


def test_without_the_extract_date_the_same_child_counts_as_an_adult(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    turned_18 = replace(factory.child(la_code="201"), date_of_birth=date(2008, 6, 1))
    feed = write_child_benefit(
        tmp_path / "cb.csv", [{**child_benefit_row("CB8", turned_18), "EFFECTIVE_DATE": ""}]
    )

    report = ingest_feed(runtime, feed, "child_benefit", any_place_linker)

    assert (report.outcomes["new"], report.reasons["adult"]) == (0, 1)


def test_a_row_with_a_postcode_and_no_address_line_places_its_new_child_by_the_postcode(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    placed: list[str] = []

    def la_for(postcode: str) -> str:
        placed.append(postcode)
        return "318"

    child = factory.child(la_code="201")
    row = {
        **child_benefit_row("CB9", child),
        "ADDRESS_LINE_1": "",
        "ADDRESS_LINE_2": "",
        "ADDRESS_LINE_3": "",
    }
    feed = write_child_benefit(tmp_path / "cb.csv", [{**row, "TOWN": "", "POSTCODE": "LE65 1AB"}])

    report = ingest_feed(runtime, feed, "child_benefit", replace(linker, la_for=la_for))

    assert report.outcomes["new"] == 1
    assert placed == ["LE65 1AB"]
    with runtime.unit_of_work() as uow:
        (cp_id,) = _versions(runtime)
        assert uow.children.get(ContactPointId(cp_id)).record.la_code == "318"


def test_a_row_losing_an_address_line_is_taken_and_the_loss_counted(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = factory.child(la_code="201")
    feed = write_child_benefit(
        tmp_path / "cb.csv",
        [
            {**child_benefit_row("CB10", child), "ADDRESS_LINE_2": "Flat 3 <b>"},
            child_benefit_row("CB11", child),
        ],
    )
    rejects = tmp_path / "rejects.csv"

    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(runtime.settings.home),
            "ingest",
            str(feed),
            "--source",
            "child_benefit",
            "--rejects",
            str(rejects),
        ],
        env={"CONTACTPOINT_DATABASE_URL": runtime.settings.resolved_database_url()},
    )

    assert result.exit_code == 0, result.output
    assert "taken without: address_line" in result.output
    assert rejects.read_text(encoding="utf-8").splitlines() == ["line,row_key,field,reason"]
    with runtime.engine.connect() as connection:
        outcomes = connection.execute(text("select outcome from feed_rows")).scalars().all()
    assert "rejected" not in outcomes
    assert len(outcomes) == 2


def _swapped_and_reborn(record: ChildRecord) -> ChildRecord:
    """The record as a source that swapped given and family name and wrote another date of birth."""
    name = record.names.current
    born = record.date_of_birth
    other_year = date(born.year - 3 if born.year > 2012 else born.year + 3, born.month, min(born.day, 28))
    return replace(
        record,
        names=replace(record.names, current=PersonName(name.family, name.given)),
        date_of_birth=other_year,
    )


@pytest.mark.parametrize("one_feed", [False, True])
def test_a_row_with_names_swapped_and_another_birth_date_finds_the_child_at_its_postcode(
    runtime: Runtime, any_place_linker: Linker, factory: ChildFactory, tmp_path: Path, one_feed: bool
) -> None:
    """Found through the postcode-and-name index across runs, and by the same rule within one batch."""
    first = factory.child()
    rows = [child_benefit_row("CBW1", first), child_benefit_row("CBW2", _swapped_and_reborn(first))]
    if one_feed:
        ingest_feed(
            runtime, write_child_benefit(tmp_path / "both.csv", rows), "child_benefit", any_place_linker
        )
    else:
        ingest_feed(
            runtime, write_child_benefit(tmp_path / "a.csv", rows[:1]), "child_benefit", any_place_linker
        )
        ingest_feed(
            runtime, write_child_benefit(tmp_path / "b.csv", rows[1:]), "child_benefit", any_place_linker
        )

    with runtime.unit_of_work() as uow:
        links = dict(uow.ledger.links("child_benefit"))
    assert links["CBW1"] == links["CBW2"]
