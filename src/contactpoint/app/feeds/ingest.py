"""Use case: ingest one feed file. Read, map, validate, match, decide, apply; one transaction per batch.

Idempotent and resumable (DESIGN invariant 7): every row is recorded in the ledger by (source, row
key, content hash) in the same transaction as its effect, and rows already recorded are skipped, so
the same feed twice changes nothing and a run killed at any point resumes where it stopped.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from contactpoint.app.feeds.batch import BatchRun, RunReport
from contactpoint.app.feeds.items import batches, mapped_items
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.feeds.workers import take_in_workers
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import StoreUnavailable
from contactpoint.ingest.mapping import SourceMapping, load_mapping
from contactpoint.ingest.readers import ReadItem, read_feed
from contactpoint.ingest.row_hash import RowHasher

DEFAULT_BATCH = 10_000  # per-call costs of Splink and SQL amortised; figures in bench/RESULTS.md


def ingest_feed(
    runtime: Runtime,
    path: Path,
    source: str,
    linker: Linker,
    *,
    batch_size: int = DEFAULT_BATCH,
    mapping: SourceMapping | None = None,
    on_batch: Callable[[int], None] | None = None,
    workers: int = 0,
    extracted: date | None = None,
) -> RunReport:
    """Take one feed file into the index; returns the run's report. A file whose header does not
    match the mapping stops before any row is read (`SourceMapping.check_header`)."""
    mapping = mapping or load_mapping(source)
    return ingest_rows(
        runtime,
        read_feed(path, mapping.check_header),
        source,
        linker,
        batch_size=batch_size,
        mapping=mapping,
        on_batch=on_batch,
        workers=workers,
        extracted=extracted,
    )


def ingest_rows(
    runtime: Runtime,
    read: Iterable[ReadItem],
    source: str,
    linker: Linker,
    *,
    batch_size: int = DEFAULT_BATCH,
    mapping: SourceMapping | None = None,
    on_batch: Callable[[int], None] | None = None,
    report: RunReport | None = None,
    workers: int = 0,
    extracted: date | None = None,
) -> RunReport:
    """Take a feed's rows, as a reader yields them (from a file or a streamed upload), into the index.

    Pass `report` to keep what was done if the rows stop coming midway (committed batches stay).
    With `workers`, that many processes take the batches (`workers.py`); they use the settings'
    model, so `linker` must be `build_linker`'s (its thresholds are passed on). `extracted` is the
    extract's date for rows whose mapping names none (ages are taken at it rather than today).
    """
    mapping = mapping or load_mapping(source)
    report = report if report is not None else RunReport(source)
    read = iter(read)
    first = next(read, None)  # a file failing its header check stops here, before a run is recorded
    read = read if first is None else itertools.chain([first], read)
    with runtime.unit_of_work() as uow:
        if uow.loads.stopped() is not None:  # its tables lack keys, and its restart would wipe this run
            raise StoreUnavailable(
                "an initial load is running or was stopped: run `contactpoint load` again to finish it first"
            )
        report.run_id = uow.feed_runs.start(source)
        uow.commit()
    if workers:
        take_in_workers(
            runtime,
            mapping,
            linker.thresholds,
            read,
            report,
            batch_size=batch_size,
            workers=workers,
            on_batch=on_batch,
            extracted=extracted,
        )
    else:
        hasher = RowHasher(runtime.keyring)
        today = runtime.clock.now().date()
        items = mapped_items(mapping, read, hasher, today=today, extracted=extracted)
        for batch in batches(items, batch_size):
            with runtime.unit_of_work() as uow:
                BatchRun(uow, linker, report, runtime.clock.now().date()).run(batch)
                uow.commit()
            if on_batch is not None:
                on_batch(len(batch))
    settle_partial_rows(runtime, linker, report, batch_size)
    with runtime.unit_of_work() as uow:
        uow.feed_runs.finish(report.run_id, report.counts())
        uow.commit()
    return report


def settle_partial_rows(runtime: Runtime, linker: Linker, report: RunReport, batch_size: int) -> None:
    """The run's rows lacking identity (`RunReport.partial`), decided now that its complete rows are
    in the index: a partial duplicate may come before its complete original in a file."""
    deferred, report.partial = report.partial, []
    for batch in batches(deferred, batch_size):
        with runtime.unit_of_work() as uow:
            BatchRun(uow, linker, report, runtime.clock.now().date()).settle_partial(batch)
            uow.commit()


def export_links(runtime: Runtime, source: str) -> list[tuple[str, str]]:
    """Every row key of `source` with the ContactPoint ID it belongs to, so the source gets its IDs
    back; the operator's export is audited (which source, how many links) before it is returned."""
    with runtime.unit_of_work() as uow:
        links = list(uow.ledger.links(source))
        audit_log(runtime, uow).append(
            AuditEvent(AuditKind.LINKS_EXPORTED, None, (), {"source": source, "links": len(links)})
        )
        uow.commit()
    return links
