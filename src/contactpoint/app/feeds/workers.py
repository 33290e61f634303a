"""Feed batches taken by worker processes, two cores' worth of the pipeline at once.

The main process reads the feed and hands out its batches; each worker process maps a batch, finds
and scores its candidates in a read-only session (`scoring.score_rows`), then in a writing
transaction becomes the only feed batch writing (`UnitOfWork.lock_for_feed_batch`), brings what it
read up to date with the store as it is now (`scoring.revalidate`: batches that committed
meanwhile, by the other worker or anyone else) and applies the batch. Batches write in the order
they were read, so a run decides exactly as one process would, and the slow half of one batch
(reading, decrypting, scoring) runs while another writes. Python runs one thread at a time per process, so a
second core needs a second process. Only the raw rows go to a worker and only counts come back, in
memory through pipes; nothing is written to a file (invariant 1).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Condition

from contactpoint.app.feeds.batch import BatchRun, RunReport
from contactpoint.app.feeds.items import batches, mapped_items
from contactpoint.app.feeds.linker import Linker, build_linker
from contactpoint.app.feeds.scoring import ScoredBatch, score_rows
from contactpoint.app.runtime import Runtime
from contactpoint.child_processes import stop_with_parent
from contactpoint.crypto.keyring import Keyring, StaticKeyStore
from contactpoint.domain.clock import SystemClock
from contactpoint.ingest.mapping import SourceMapping
from contactpoint.ingest.readers import ReadItem
from contactpoint.ingest.row_hash import RowHasher
from contactpoint.ingest.survivorship import LaLookup
from contactpoint.linkage.decisions import Thresholds
from contactpoint.settings import Settings


@dataclass(frozen=True, slots=True)
class _Worker:
    """What one worker process holds for the life of the run."""

    runtime: Runtime
    linker: Linker
    mapping: SourceMapping
    hasher: RowHasher
    run_id: int
    turn: Condition  # batches write in the order they were read, so a run's outcome is one process's
    next_to_write: Synchronized[int]


_worker: list[_Worker] = []  # the worker process's own state, set once by _start


def _start(  # noqa: PLR0917  # the pool passes initargs by position
    settings: Settings,
    keyring_json: str,
    la_lookup: LaLookup,
    mapping: SourceMapping,
    thresholds: Thresholds,
    run_id: int,
    order: tuple[Condition, Synchronized[int]],
    parent: int,
) -> None:
    """Worker set-up: the main process's keys (so hashes and index values agree) and thresholds.

    A worker whose run was killed stops at once (the pool only stops workers it shuts down): a batch it
    had not committed rolls back, as the killed run's own would, and the rerun resumes it.
    """
    stop_with_parent(parent)
    key_store = StaticKeyStore(Keyring.from_json(keyring_json))
    runtime = Runtime.open(settings, key_store, SystemClock(), la_lookup)
    linker = replace(build_linker(runtime), thresholds=thresholds)
    _worker.append(_Worker(runtime, linker, mapping, RowHasher(runtime.keyring), run_id, *order))


def _take_batch(read: list[ReadItem], today: date, extracted: date | None, sequence: int) -> RunReport:
    worker = _worker[0]
    items = list(mapped_items(worker.mapping, read, worker.hasher, today=today, extracted=extracted))
    rows = [item.row for item in items if item.row is not None]
    with worker.runtime.unit_of_work() as uow:  # reads only; other batches may commit meanwhile
        scores, lookups = score_rows(uow.children, worker.linker, rows)
    report = RunReport(worker.mapping.source, worker.run_id)
    with worker.turn:
        worker.turn.wait_for(lambda: worker.next_to_write.value == sequence)
    try:
        with worker.runtime.unit_of_work() as uow:
            uow.lock_for_feed_batch()  # before revalidating: nothing is written between it and the writes
            BatchRun(uow, worker.linker, report, today).run(items, ScoredBatch(lookups, scores))
            uow.commit()
    finally:  # a failed batch stops the run; the batches after it must not wait for it forever
        with worker.turn:
            worker.next_to_write.value += 1
            worker.turn.notify_all()
    return report


def take_in_workers(
    runtime: Runtime,
    mapping: SourceMapping,
    thresholds: Thresholds,
    read: Iterable[ReadItem],
    report: RunReport,
    *,
    batch_size: int,
    workers: int,
    on_batch: Callable[[int], None] | None = None,
    extracted: date | None = None,
) -> None:
    """Take the feed's batches in `workers` processes, adding what each did to `report`.

    The workers use the model in the settings' folder (as `build_linker` does) with the caller's
    thresholds. A batch that fails stops the run; the batches committed before it stay. The workers
    are started from the calling thread and stopped before this returns; if the run is killed, the
    kernel stops them with it (`child_processes.stop_with_parent`).
    """
    context = multiprocessing.get_context("spawn")  # a forked copy would share the open connections
    order = (context.Condition(), context.Value("q", 0))
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start,
        initargs=(
            runtime.settings,
            runtime.keyring.to_json(),
            runtime.la_lookup,
            mapping,
            thresholds,
            report.run_id,
            order,
            os.getpid(),
        ),
    )
    pending: deque[tuple[int, Future[RunReport]]] = deque()

    def collect_oldest() -> None:
        size, done = pending.popleft()
        report.merge(done.result())
        if on_batch is not None:
            on_batch(size)

    try:
        for sequence, batch in enumerate(batches(read, batch_size)):
            today = runtime.clock.now().date()
            pending.append((len(batch), pool.submit(_take_batch, batch, today, extracted, sequence)))
            while len(pending) > 2 * workers:  # each worker one batch ahead, so none waits for work
                collect_oldest()
        while pending:
            collect_oldest()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
