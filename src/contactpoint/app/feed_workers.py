"""Feed batches scored ahead in worker processes while the main process applies the batch before.

The main process reads the feed and applies its batches in order, one transaction each, as a
single process would; up to `workers` processes map, hash, look up, decrypt and score the batches
after it (`feed_scoring.score_rows`), each in a read-only session of its own. A batch scored ahead
is revalidated inside its writing transaction (`feed_scoring.revalidate`), so it is decided on the
store as it is then, whatever was written meanwhile. Python runs one thread at a time per process,
so a second core can only be used by a second process. Rows and decrypted records cross between
the processes pickled through pipes, in memory only, never through a file (invariant 1).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace

from contactpoint.app.feed_items import batches, mapped_items
from contactpoint.app.feed_scoring import ScoredBatch, score_rows
from contactpoint.app.linker import Linker, build_linker
from contactpoint.app.services import Services, build_services
from contactpoint.crypto.keyring import Keyring, StaticKeyStore
from contactpoint.ingest.mapping import SourceMapping
from contactpoint.ingest.readers import ReadItem
from contactpoint.ingest.row_hash import RowHasher
from contactpoint.linkage.decisions import Thresholds
from contactpoint.settings import Settings


@dataclass(frozen=True, slots=True)
class _Worker:
    """What one worker process holds for the life of the run."""

    services: Services
    linker: Linker
    mapping: SourceMapping
    hasher: RowHasher


_worker: list[_Worker] = []  # the worker process's own state, set once by _start


def _start(settings: Settings, keyring_json: str, mapping: SourceMapping, thresholds: Thresholds) -> None:
    """Worker set-up: the main process's keys (so hashes and index values agree) and thresholds."""
    services = build_services(settings, key_store=StaticKeyStore(Keyring.from_json(keyring_json)))
    linker = replace(build_linker(services), thresholds=thresholds)
    _worker.append(_Worker(services, linker, mapping, RowHasher(services.keyring)))


def _score_ahead(read: list[ReadItem]) -> ScoredBatch:
    worker = _worker[0]
    items = list(mapped_items(worker.mapping, read, worker.hasher))
    rows = [item.row for item in items if item.row is not None]
    with worker.services.unit_of_work() as uow:  # reads only; never committed
        scores, lookups = score_rows(uow.children, worker.linker, rows)
    return ScoredBatch(items, lookups, scores)


def scored_ahead(
    services: Services,
    mapping: SourceMapping,
    thresholds: Thresholds,
    read: Iterable[ReadItem],
    *,
    batch_size: int,
    workers: int,
) -> Iterator[ScoredBatch]:
    """The feed's batches in order, each scored by a worker; `workers` batches are scored while the
    caller applies the one it was given. The workers use the model in the settings' folder (as
    `build_linker` does) with the caller's thresholds."""
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),  # a forked copy would share the open connections
        initializer=_start,
        initargs=(services.settings, services.keyring.to_json(), mapping, thresholds),
    )
    try:
        pending: deque[Future[ScoredBatch]] = deque()
        for batch in batches(read, batch_size):
            pending.append(pool.submit(_score_ahead, batch))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
