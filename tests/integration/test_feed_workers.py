"""Batches scored ahead by worker processes decide as one process would, on both databases.

A batch scored ahead was read before the batches in front of it were applied (and before anyone
else's writes meanwhile); `revalidate` must bring it up to the store as it is when it is applied.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.items import mapped_items
from contactpoint.app.feeds.linker import Linker, build_linker
from contactpoint.app.feeds.scoring import ScoredBatch, Scores, revalidate, score_rows
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.ingest.feed_row import FeedRow
from contactpoint.ingest.mapping import load_mapping
from contactpoint.ingest.readers import read_feed
from contactpoint.ingest.row_hash import RowHasher
from contactpoint.store.feed_models import FeedRowOutcome
from contactpoint.synth.feeds import generate

NHS = "nhs_registrations"
BENEFIT = "child_benefit"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic England's extracts, as CSV."""
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, 300, seed=11, generations=0, formats=("csv",))
    return out


def _feed(synthetic: Path, source: str) -> Path:
    return synthetic / "feeds" / source / "gen0.csv"


def _each_chunk_twice(source_file: Path, out: Path, chunk: int) -> Path:
    """Every `chunk` rows followed by the same rows under new keys: each child's second row lands in
    the next batch, which a worker scores before the batch that creates the child is applied."""
    with source_file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            writer.writerows(part)
            writer.writerows({**row, "record_id": row["record_id"] + "R"} for row in part)
    return out


def _outcomes(
    runtime: Runtime,
) -> tuple[dict[tuple[str, str], tuple[str, str | None]], set[frozenset[str]]]:
    """Each row's outcome and reason, and the rows grouped by the record they went to (IDs are random)."""
    with runtime.engine.connect() as connection:
        rows = connection.execute(
            select(
                FeedRowOutcome.source,
                FeedRowOutcome.row_key,
                FeedRowOutcome.outcome,
                FeedRowOutcome.reason,
                FeedRowOutcome.cp_id,
            )
        ).all()
    outcomes = {(r.source, r.row_key): (r.outcome, r.reason) for r in rows}
    groups: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.cp_id is not None:
            groups[r.cp_id].add(f"{r.source}/{r.row_key}")
    return outcomes, {frozenset(group) for group in groups.values()}


def _ingest_all(runtime: Runtime, feeds: list[tuple[Path, str]], workers: int) -> None:
    linker = build_linker(runtime)
    for path, source in feeds:
        ingest_feed(runtime, path, source, linker, batch_size=10, workers=workers)


def test_workers_reach_the_outcomes_of_one_process(
    runtime: Runtime, synthetic: Path, tmp_path: Path, clock
) -> None:
    doubled = _each_chunk_twice(_feed(synthetic, NHS), tmp_path / "doubled.csv", chunk=10)
    feeds = [(doubled, NHS), (_feed(synthetic, BENEFIT), BENEFIT)]
    reference_settings = runtime.settings.model_copy(
        update={"home": tmp_path / "reference", "database_url": None}
    )
    initialise_store(reference_settings, clock)
    reference = build_runtime(reference_settings, clock=clock)
    try:
        _ingest_all(reference, feeds, workers=0)
        expected = _outcomes(reference)
    finally:
        reference.close()

    _ingest_all(runtime, feeds, workers=2)

    outcomes, groups = _outcomes(runtime)
    assert outcomes == expected[0]
    assert groups == expected[1]
    again = {key: outcome for key, outcome in outcomes.items() if key[1].endswith("R")}
    assert again
    linked = {("linked", "above_upper"), ("linked", "same_batch")}  # the last, short chunk shares a batch
    for (source, key), outcome in again.items():  # a copy links, unless its original was held too
        original = outcomes[(source, key.removesuffix("R"))]
        assert (outcome == original) if original[0] == "review" else (outcome in linked)


def _rows(runtime: Runtime, path: Path, source: str) -> list[FeedRow]:
    today = runtime.clock.now().date()
    items = mapped_items(load_mapping(source), read_feed(path), RowHasher(runtime.keyring), today=today)
    return [item.row for item in items if item.row is not None]


def _scored(scores: Scores) -> set[tuple[str, str, float]]:
    return {(p.left, p.right, round(p.match_weight, 6)) for p in scores.pairs}


def _as_read(scores: Scores) -> dict[str, tuple[int, object]]:
    return {cp_id.value: (stored.version, stored.record) for cp_id, stored in scores.stored.items()}


def test_revalidating_scores_read_ahead_equals_scoring_now_after_any_write(
    runtime: Runtime, synthetic: Path
) -> None:
    linker: Linker = build_linker(runtime)
    ingest_feed(runtime, _feed(synthetic, NHS), NHS, linker)
    rows = _rows(runtime, _feed(synthetic, BENEFIT), BENEFIT)[:120]
    with runtime.unit_of_work() as uow:
        scores, lookups = score_rows(uow.children, linker, rows)
    ahead = ScoredBatch(lookups, scores)
    linked = sorted({pair.left for pair in scores.pairs if pair.match_weight >= linker.thresholds.upper})
    shield, rename, remove, copy = (cp_id for cp_id in linked[:4])

    with runtime.unit_of_work() as uow:  # what others (or the batches in front) wrote meanwhile
        children = uow.children
        by_id = {s.record.cp_id.value: s for s in children.get_many(scores.stored).values()}
        children.replace(replace(by_id[shield].record, status=RecordStatus.SHIELDED), by_id[shield].version)
        renamed = replace(by_id[rename].record, names=ChildNames(PersonName("Quillon", "Zythberg")))
        children.replace(renamed, by_id[rename].version)
        children.remove(by_id[remove].record.cp_id)
        new_id = children.reserve_ids(1)[0]
        children.add_many([replace(by_id[copy].record, cp_id=new_id)])
        uow.commit()

    positions = list(range(0, len(rows), 2))  # some rows were already taken: only the others count
    kept = [rows[p] for p in positions]
    with runtime.unit_of_work() as uow:
        revalidated = revalidate(uow.children, linker, ahead, kept, positions)
        now = score_rows(uow.children, linker, kept)[0]

    assert _scored(revalidated) == _scored(now)
    assert {k: v.version for k, v in revalidated.stored.items()} == {
        k: v.version for k, v in now.stored.items()
    }
    assert {k: v.record for k, v in revalidated.stored.items()} == {
        k: v.record for k, v in now.stored.items()
    }
    assert any(p.left == new_id.value for p in revalidated.pairs) == any(
        p.left == new_id.value for p in now.pairs
    )
