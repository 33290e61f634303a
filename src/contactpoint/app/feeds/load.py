"""Use case: the initial load of a national extract into an empty index (`contactpoint load`).

The extract is decided exactly as a feed run taking the whole file as one batch into an empty index
would decide it (`BatchRun`, unchanged: every row scored against the file's earlier rows in one
Splink pass, then `decide`, the twins rule, the review band and the LA and adult rules), and the
feed path's own code settles the rows lacking identity afterwards. What differs is the writing:
mapping, hashing, sealing and index HMACs run in producer processes; new records get their IDs in
key order and are written in bulk (binary COPY on PostgreSQL, executemany on SQLite) into tables whose
secondary indexes (and, on PostgreSQL, keys) are built once at the end.

A load is all or nothing. It is recorded before anything is written and marked finished in the
transaction that records its outcome; a load that was stopped (killed, a crash, an error) is wiped
and started again by the next `load`. Rows are never resumed into tables whose keys were not yet
built. It refuses an index that already holds records or feed rows: that is what feeds are for.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from contactpoint.app.feeds.batch import BatchRun, RunReport
from contactpoint.app.feeds.ingest import DEFAULT_BATCH, settle_partial_rows
from contactpoint.app.feeds.items import batches
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.feeds.load_producers import map_rows, producer_pool, seal_records
from contactpoint.app.feeds.scoring import ScoredBatch, Scores
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import IndexNotEmpty
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.ingest.feed_row import FeedRow
from contactpoint.ingest.mapping import SourceMapping, load_mapping
from contactpoint.ingest.readers import ReadItem, read_feed
from contactpoint.store.ledger_repository import LEDGER_COLUMNS, LedgerEntry, ledger_rows
from contactpoint.store.provenance_repository import PROVENANCE_COLUMNS, Provenance
from contactpoint.store.repository import (
    CHILD_COLUMNS,
    INDEX_COLUMNS,
    ISSUED_COLUMNS,
    KEY_COLUMNS,
    stored_day,
)
from contactpoint.store.review_repository import NewReview
from contactpoint.store.unit_of_work import UnitOfWork

T = TypeVar("T")
LOAD_CHUNK = 5_000  # records sealed by a producer and written in one transaction
_LEDGER_CHUNK = 50_000


@dataclass
class LoadResult:
    """What a load did: the run's report, and whether it first wiped a stopped load."""

    report: RunReport
    load_id: int
    restarted: bool


class _WholeExtract(BatchRun):
    """A feed batch of the whole extract into an empty index, its writes kept for the bulk path.

    The index is empty (checked in the same transaction that began the load, and nothing else writes
    feed rows meanwhile), so no row has candidates in it nor a ledger entry: the decisions are the
    feed path's for a batch of the whole file, made by its own code.
    """

    def __init__(self, uow: UnitOfWork, linker: Linker, report: RunReport, today: date) -> None:
        super().__init__(uow, linker, report, today)
        self.records: list[ChildRecord] = []
        self.provenance: dict[str, list[Provenance]] = {}

    def _known(self, source: str, variants: list[tuple[str, str]]) -> set[tuple[str, str]]:  # noqa: ARG002  # nothing is known yet
        return set()

    def _scores(  # an empty index holds no candidates
        self,
        rows: list[FeedRow],  # noqa: ARG002
        positions: list[int],  # noqa: ARG002
        ahead: ScoredBatch | None,  # noqa: ARG002
    ) -> Scores:
        return Scores({}, [])

    def _new_ids(self, count: int) -> list[ContactPointId]:
        """IDs issued in key order, so records are written in key order (no earlier ID to avoid)."""
        chosen: set[str] = set()
        while len(chosen) < count:
            chosen.update(ContactPointId.generate().value for _ in range(count - len(chosen)))
        return [ContactPointId(i) for i in sorted(chosen)]

    def _add_records(self, records: list[ChildRecord]) -> None:
        self.records.extend(records)

    def _write_provenance(self, entries: dict[str, Iterable[Provenance]]) -> None:
        self.provenance.update((cp_id, list(found)) for cp_id, found in entries.items())

    def _write_outcomes(self) -> None:
        pass  # the ledger and review rows are written by `_write`, after the records

    @property
    def ledger(self) -> list[LedgerEntry]:
        """Every row's outcome."""
        return self._ledger

    @property
    def reviews(self) -> list[NewReview]:
        """The rows held for review."""
        return self._reviews


def load_extract(
    runtime: Runtime,
    path: Path,
    source: str,
    linker: Linker,
    *,
    mapping: SourceMapping | None = None,
    extracted: date | None = None,
    producers: int = 2,
    chunk: int = LOAD_CHUNK,
    on_stage: Callable[[str], None] | None = None,
) -> LoadResult:
    """Load an extract into an empty index; raises IndexNotEmpty if it holds anything already.

    A file whose header does not match the mapping stops before anything is recorded."""
    mapping = mapping or load_mapping(source)
    read: Iterator[ReadItem] = iter(read_feed(path, mapping.check_header))
    first = next(read, None)
    read = read if first is None else itertools.chain([first], read)
    stage = on_stage or (lambda _name: None)
    report = RunReport(source)
    load_id, restarted = _begin(runtime, report)
    today = runtime.clock.now().date()
    with producer_pool(runtime.keyring, runtime.indexer.bits, mapping, max(1, producers)) as pool:
        stage("mapping")
        parts = (pool.submit(map_rows, part, today, extracted) for part in batches(read, chunk))
        items = [item for mapped in _ordered(parts) for item in mapped]
        stage("deciding")
        with runtime.unit_of_work() as uow:  # read only: the decisions' writes are kept, not made
            extract = _WholeExtract(uow, linker, report, today)
            extract.run(items)
        del items
        stage("writing")
        _write(runtime, pool, extract, report.run_id, chunk)
    stage("indexing")
    with runtime.unit_of_work() as uow:
        uow.loads.rebuild_structures(load_id)
        uow.commit()
    stage("settling")
    settle_partial_rows(runtime, linker, report, DEFAULT_BATCH)
    with runtime.unit_of_work() as uow:
        uow.feed_runs.finish(report.run_id, report.counts())
        uow.loads.finish(load_id)
        _audit(runtime, uow, report, "finished")
        uow.commit()
    return LoadResult(report, load_id, restarted)


def _begin(runtime: Runtime, report: RunReport) -> tuple[int, bool]:
    """Wipe a stopped load, refuse a non-empty index, then record the load and set aside the loaded
    tables' secondary structures, all in one transaction."""
    with runtime.unit_of_work() as uow:
        uow.lock_for_feed_batch()  # no feed batch writes while the index is checked and the load begun
        stopped = uow.loads.stopped()
        if stopped is not None:
            uow.loads.wipe(stopped)
        elif uow.loads.holds_anything():
            raise IndexNotEmpty(
                "the index already holds records or feed rows; an initial load is only for an empty "
                "index (take further extracts with `contactpoint ingest`)"
            )
        report.run_id = uow.feed_runs.start(report.source)
        load_id = uow.loads.begin(report.run_id, report.source)
        uow.loads.defer_structures(load_id)
        _audit(runtime, uow, report, "restarted" if stopped is not None else "started")
        uow.commit()
    return load_id, stopped is not None


def _ordered(futures: Iterable[Future[T]], ahead: int = 4) -> Iterator[T]:
    """Results in submission order, with at most `ahead` submitted and not yet taken."""
    pending: deque[Future[T]] = deque()
    for future in futures:
        pending.append(future)
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _write(
    runtime: Runtime, pool: ProcessPoolExecutor, extract: _WholeExtract, run_id: int, chunk: int
) -> None:
    """The extract's records (sealed by producers while earlier chunks are written), their
    provenance, then the ledger and the review queue; one transaction per chunk."""
    records = extract.records
    with runtime.unit_of_work() as uow:
        now = uow.loads.bound("children", "created_at", stored_day(runtime.clock.now()))
        as_of = uow.loads.binder("field_provenance", "as_of")
    starts = range(0, len(records), chunk)
    sealed = _ordered(pool.submit(seal_records, records[start : start + chunk], now) for start in starts)
    for start, rows in zip(starts, sealed, strict=True):
        provenance = [
            (record.cp_id.value, p.field, p.source, p.row_key, as_of(p.as_of))
            for record in records[start : start + chunk]
            for p in extract.provenance.get(record.cp_id.value, [])
        ]
        with runtime.unit_of_work() as uow:
            uow.loads.relax_commit()
            uow.loads.write("issued_ids", ISSUED_COLUMNS, rows.issued)
            uow.loads.write("children", CHILD_COLUMNS, rows.children)
            uow.loads.write("record_keys", KEY_COLUMNS, rows.keys)
            uow.loads.write("blind_index", INDEX_COLUMNS, rows.index)
            uow.loads.write("field_provenance", PROVENANCE_COLUMNS, provenance)
            uow.commit()
    with runtime.unit_of_work() as uow:
        recorded_at = uow.loads.bound("feed_rows", "recorded_at", runtime.clock.now())
    for entries in batches(extract.ledger, _LEDGER_CHUNK):
        with runtime.unit_of_work() as uow:
            uow.loads.relax_commit()
            uow.loads.write("feed_rows", LEDGER_COLUMNS, ledger_rows(run_id, entries, recorded_at))
            uow.commit()
    with runtime.unit_of_work() as uow:
        uow.reviews.hold(extract.reviews)
        uow.commit()


def _audit(runtime: Runtime, uow: UnitOfWork, report: RunReport, stage: str) -> None:
    outcomes = report.outcomes
    audit_log(runtime, uow).append(
        AuditEvent(
            AuditKind.FEED_LOADED,
            None,
            (),
            {
                "source": report.source,
                "run": report.run_id,
                "stage": stage,
                "read": report.read,
                "rejected": report.rejected,
                "linked": outcomes.get("linked", 0),
                "new": outcomes.get("new", 0),
                "review": outcomes.get("review", 0),
                "private_holds": report.private_holds,
            },
        )
    )
