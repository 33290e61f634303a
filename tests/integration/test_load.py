"""The initial load (`contactpoint load`) on SQLite and PostgreSQL: the feed path's outcome, refusal of a
non-empty index, shielding guards on the loaded index, the audit chain, and a killed load restarted."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.feeds.load import load_extract
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.oversight.auditing import verify_audit
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditKind
from contactpoint.bootstrap import build_runtime
from contactpoint.console import app
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.errors import IndexNotEmpty, StoreUnavailable
from contactpoint.domain.records import ChildRecord, PersonName
from contactpoint.evaluation.demo_data import shield_records
from contactpoint.evaluation.synthetic_geography import synthetic_postcode_authorities
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load
from contactpoint.linkage.scoring import SplinkScorer
from contactpoint.settings import Settings
from contactpoint.synth.feeds import generate
from contactpoint.synth.truth import Truth
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row
from tests.process_support import still_running_after

CB = "child_benefit"
NHS = "nhs_registrations"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic England's extracts, as CSV."""
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, 400, seed=11, generations=0, formats=("csv",))
    return out


@pytest.fixture(scope="module")
def scorer() -> SplinkScorer:
    """The shipped model, loaded once for the module."""
    return SplinkScorer(load())


@pytest.fixture
def linker(scorer: SplinkScorer, settings: Settings) -> Linker:
    """The shipped thresholds; children placed by Synthetic England's geography, else in LA 201."""
    places = synthetic_postcode_authorities()
    return Linker(
        scorer,
        Thresholds(settings.link_upper_weight, settings.link_lower_weight),
        lambda postcode: places(postcode) or "201",
    )


@pytest.fixture
def other_runtime(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path, clock: FixedClock
) -> Iterator[Runtime]:
    """A second empty store on the same database backend as `runtime`."""
    url = settings.resolved_database_url()
    dropping: str | None = None
    if url.startswith("sqlite"):
        path = tmp_path / "other" / "contactpoint.db"
        path.parent.mkdir(mode=0o700)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        path.chmod(0o600)
        other_url = f"sqlite:///{path}"
    else:
        admin_url: str = request.getfixturevalue("pg_admin_url")
        template: str = request.getfixturevalue("pg_template")
        dropping = f"cp_test_other_{os.getpid()}_{int(time.monotonic() * 1000)}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{dropping}" TEMPLATE "{template}"'))
        other_url = make_url(admin_url).set(database=dropping).render_as_string(hide_password=False)
    other = replace_settings(settings, tmp_path / "other", other_url)
    initialise_store(other, clock)
    built = build_runtime(other, clock=clock)
    try:
        yield built
    finally:
        built.close()
        if dropping is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{dropping}" WITH (FORCE)'))
            admin.dispose()


def replace_settings(settings: Settings, home: Path, url: str) -> Settings:
    """The same settings for another store."""
    return settings.model_copy(update={"home": home, "database_url": url})


def _renamed(record: ChildRecord, given: str) -> ChildRecord:
    return replace(
        record, names=replace(record.names, current=PersonName(given, record.names.current.family))
    )


def _extract(synthetic: Path, folder: Path, factory: ChildFactory) -> Path:
    """Synthetic England's child benefit extract with rows that exercise the decisions within a file:
    a slip in a given name (one child), twins with their own references (two children), and a
    possible twin (held for review against the first row's record)."""
    source = synthetic / "feeds" / CB / "gen0.csv"
    with source.open(encoding="latin-1", newline="") as handle:  # bytes kept as they are
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    first, twin, close = factory.child(), factory.child(), factory.child()
    given = first.names.current.given
    extra = [
        child_benefit_row("CBX1", first),
        child_benefit_row("CBX2", _renamed(first, given[0] + "q" + given[1:])),
        {**child_benefit_row("CBX3", twin), "CHILD_REF": "CHB0101A"},
        {**child_benefit_row("CBX4", _renamed(twin, "Zebedee")), "CHILD_REF": "CHB0102A"},
        child_benefit_row("CBX5", close),
        child_benefit_row("CBX6", _renamed(close, close.names.current.given + "ae")),
    ]
    path = folder / "extract.csv"
    with path.open("w", encoding="latin-1", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows[: len(rows) // 2])
        writer.writerows({column: row.get(column, "") for column in header} for row in extra)
        writer.writerows(rows[len(rows) // 2 :])
    return path


Outcome = tuple[int, dict[str, tuple[str, str | None]], set[frozenset[str]], set[tuple[object, ...]]]


def _outcome(runtime: Runtime) -> Outcome:
    """Children, each row's outcome and reason, the rows grouped by record, and the review items
    (row, reason, private, the rows of the candidate's record): the same whatever the IDs drawn."""
    with runtime.engine.connect() as connection:
        children = int(connection.execute(text("select count(*) from children")).scalar_one())
        ledger = connection.execute(text("select row_key, outcome, reason, cp_id from feed_rows")).all()
        reviews = connection.execute(
            text("select row_key, reason, private, candidate_cp_id from review_items")
        ).all()
    rows_of: dict[str, set[str]] = defaultdict(set)
    for row_key, _outcome, _reason, cp_id in ledger:
        if cp_id is not None:
            rows_of[cp_id].add(row_key)
    groups = {frozenset(keys) for keys in rows_of.values()}
    held: set[tuple[object, ...]] = {
        (row_key, reason, bool(private), frozenset(rows_of.get(candidate, set())) if candidate else None)
        for row_key, reason, private, candidate in reviews
    }
    return children, {k: (o, r) for k, o, r, _ in ledger}, groups, held


def test_a_load_ends_as_the_feed_path_taking_the_same_file_does(  # noqa: PLR0917  # fixtures
    runtime: Runtime,
    other_runtime: Runtime,
    linker: Linker,
    synthetic: Path,
    factory: ChildFactory,
    tmp_path: Path,
) -> None:
    extract = _extract(synthetic, tmp_path, factory)

    result = load_extract(runtime, extract, CB, linker, producers=2, chunk=100)
    fed = ingest_feed(other_runtime, extract, CB, linker, batch_size=100_000)

    loaded = _outcome(runtime)
    assert loaded == _outcome(other_runtime)
    children, outcomes, groups, held = loaded
    assert children == result.report.outcomes["new"] == fed.outcomes["new"] > 300
    assert outcomes["CBX2"] == ("linked", "same_batch")
    assert any({"CBX1", "CBX2"} <= group for group in groups)  # a slip: one child
    assert not any({"CBX3", "CBX4"} <= group for group in groups)  # the twins stay two children
    assert any(row == "CBX6" and reason == "possible_twin" for row, reason, _, _ in held)
    assert result.report.counts() == fed.counts()


def test_a_load_refuses_an_index_that_holds_anything(
    runtime: Runtime, linker: Linker, synthetic: Path
) -> None:
    ingest_feed(runtime, synthetic / "feeds" / NHS / "gen0.csv", NHS, linker)
    before = _outcome(runtime)

    with pytest.raises(IndexNotEmpty):
        load_extract(runtime, synthetic / "feeds" / CB / "gen0.csv", CB, linker, producers=1)

    assert _outcome(runtime) == before
    with runtime.engine.connect() as connection:
        assert connection.execute(text("select count(*) from initial_loads")).scalar_one() == 0


def test_no_feed_is_taken_while_a_load_is_unfinished(
    runtime: Runtime, linker: Linker, synthetic: Path
) -> None:
    with runtime.unit_of_work() as uow:  # as a load killed midway leaves it
        run_id = uow.feed_runs.start(CB)
        uow.loads.begin(run_id, CB)
        uow.commit()

    with pytest.raises(StoreUnavailable, match="initial load"):
        ingest_feed(runtime, synthetic / "feeds" / NHS / "gen0.csv", NHS, linker)

    assert _outcome(runtime)[0] == 0


def test_after_a_load_the_shielding_guards_hold_and_the_audit_chain_records_it(
    runtime: Runtime, linker: Linker, synthetic: Path
) -> None:
    load_extract(runtime, synthetic / "feeds" / NHS / "gen0.csv", NHS, linker, producers=2, chunk=50)
    truth = Truth.load(synthetic)
    with runtime.unit_of_work() as uow:
        nhs = dict(uow.ledger.links(NHS))
    shielded_people = {p.person_id for p in truth.shielded()} or {
        truth.row(k).person_id for k in list(nhs)[:5]
    }
    shielded = shield_records(
        runtime, {cp_id for key, cp_id in nhs.items() if truth.row(key).person_id in shielded_people}
    )
    assert shielded

    report = ingest_feed(runtime, synthetic / "feeds" / CB / "gen0.csv", CB, linker)

    with runtime.unit_of_work() as uow:
        links = {(NHS, k): v for k, v in uow.ledger.links(NHS)} | {
            (CB, k): v for k, v in uow.ledger.links(CB)
        }
    records_of: dict[str, set[str]] = defaultdict(set)
    for (_source, key), cp_id in links.items():
        records_of[truth.row(key).person_id].add(cp_id)
    visible_copies = [p for p, ids in records_of.items() if ids & shielded and ids - shielded]
    assert visible_copies == []
    assert report.outcomes["linked"] > 0.9 * report.read
    with runtime.unit_of_work() as uow:
        stages = [e for e in uow.audit.iter_entries() if e.kind == AuditKind.FEED_LOADED]
    assert len(stages) == 2
    assert verify_audit(runtime).ok


def _run_cli(settings: Settings, *arguments: str) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,  # noqa: TID251  # the child process runs in the test's own environment
        "CONTACTPOINT_HOME": str(settings.home),
        "CONTACTPOINT_DATABASE_URL": settings.resolved_database_url(),
        "CONTACTPOINT_POSTCODE_AUTHORITIES_FILE": str(settings.postcode_authorities_file),
    }
    return subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
        [sys.executable, "-c", "from contactpoint.console import app; app()", *arguments],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found |= {child, *_descendants(child)}
    return found


def _readable(line: bytes) -> bool:
    """A line the reader can key (the synthetic feeds hold a few lines in a wrong encoding)."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(line.strip())


def _count(engine: object, sql: str) -> int:
    with engine.connect() as connection:  # type: ignore[attr-defined]  # an Engine
        return int(connection.execute(text(sql)).scalar_one())


def test_a_load_killed_midway_is_wiped_and_started_again_with_no_duplicate(
    runtime: Runtime, settings: Settings, synthetic: Path
) -> None:
    extract = synthetic / "feeds" / CB / "gen0.csv"
    arguments = ("load", str(extract), "--source", CB, "--chunk", "20")
    engine = create_engine(settings.resolved_database_url())
    process = _run_cli(settings, *arguments)
    try:
        deadline = time.monotonic() + 180
        written = 0
        while written == 0 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
            written = _count(engine, "select count(*) from children")
        assert process.poll() is None, "the load finished before it could be killed"
        producers = _descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert not still_running_after(producers, 10), "the killed load's producers outlived it"
        assert _count(engine, "select count(*) from initial_loads where finished_at is null") == 1
        assert _count(engine, "select count(*) from children") > 0

        resumed = _run_cli(settings, *arguments)
        assert resumed.wait(timeout=300) == 0

        children = _count(engine, "select count(*) from children")
        new = _count(engine, "select count(*) from feed_rows where outcome = 'new'")
        distinct = _count(engine, "select count(distinct cp_id) from feed_rows where cp_id is not null")
        keys = _count(engine, "select count(*) from feed_rows")
        distinct_keys = _count(engine, "select count(distinct row_key) from feed_rows")
        issued = _count(engine, "select count(*) from issued_ids")
        loads = _count(engine, "select count(*) from initial_loads where finished_at is not null")
        index_rows = _count(engine, "select count(*) from blind_index")
        indexes = {
            i["name"]
            for t in ("children", "blind_index", "feed_rows")
            for i in inspect(engine).get_indexes(t)
        }
        primary = inspect(engine).get_pk_constraint("blind_index")["constrained_columns"]
    finally:
        if process.poll() is None:
            process.kill()
        engine.dispose()
    keyed_rows = sum(1 for line in extract.read_bytes().splitlines()[1:] if _readable(line))
    assert children == new == distinct == issued > 300
    assert keys == distinct_keys == keyed_rows
    assert loads == 1
    assert index_rows > 3 * children
    assert {"ix_children_la_code_status", "ix_blind_index_cp_id", "ix_feed_rows_cp_id"} <= indexes
    assert primary == ["kind", "value", "cp_id"]
    with runtime.unit_of_work() as uow:
        stages = [e for e in uow.audit.iter_entries() if e.kind == AuditKind.FEED_LOADED]
    assert len(stages) == 3  # started, restarted, finished


def test_the_load_command_loads_an_empty_index_and_refuses_a_second_load(
    settings: Settings, runtime: Runtime, synthetic: Path
) -> None:
    cli = CliRunner()
    environment = {
        "CONTACTPOINT_HOME": str(settings.home),
        "CONTACTPOINT_DATABASE_URL": settings.resolved_database_url(),
        "CONTACTPOINT_POSTCODE_AUTHORITIES_FILE": str(settings.postcode_authorities_file),
    }
    extract = str(synthetic / "feeds" / NHS / "gen0.csv")

    first = cli.invoke(app, ["load", extract, "--source", NHS, "--producers", "1"], env=environment)
    second = cli.invoke(app, ["load", extract, "--source", NHS], env=environment)

    assert first.exit_code == 0, first.output
    assert "Feed run" in first.output
    assert second.exit_code == 9
    assert "empty index" in second.output
    with runtime.unit_of_work() as uow:
        assert uow.children.count() > 300
