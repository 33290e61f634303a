"""Use case: build the name term-frequency tables from the index, and choose the tables linkage uses.

The shipped tables come from the synthetic training feeds; the real index's names are distributed
differently (a surname common in one region is rare nationally), and a term-frequency adjustment
is only as good as its table. The build walks the whole index in ID order, page by page, and
counts the names exactly as the linkage features normalise them (one row per name, so former and
known-as names count). Every status counts: shielded, sealed and archived records are what feeds
link to. Values seen fewer than MIN_TF_COUNT times are left out, so a table never singles anyone
out, and the tables are stored sealed (they are lists of real names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from contactpoint.app.runtime import Runtime
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.features import name_rows
from contactpoint.linkage.model import TF_COLUMNS, TrainedModel, term_frequencies
from contactpoint.store.term_frequency_repository import TermFrequencyTable

DEFAULT_TF_BATCH = 1_000
SHIPPED = "shipped"


@dataclass
class TermFrequencyReport:
    """What a build counted and stored (or, dry, would store): counts only, never a value."""

    built_at: datetime
    dry_run: bool
    records: int = 0
    names: int = 0
    entries: dict[str, int] = field(default_factory=dict)  # column -> values kept
    stored: bool = False


def _names(
    runtime: Runtime, batch_size: int, report: TermFrequencyReport, on_batch: Callable[[int], None] | None
) -> Iterator[dict[str, Any]]:
    """The linkage feature row of every name of every record, one page (one unit of work) at a time."""
    after: ContactPointId | None = None
    while True:
        with runtime.unit_of_work() as uow:
            page = uow.children.page(tuple(RecordStatus), after, batch_size)
        if not page:
            return
        for stored in page:
            record = stored.record
            for row in name_rows(
                record.cp_id.value,
                record.names.all(),
                born=record.date_of_birth,
                gender=record.gender,
                whereabouts=record.whereabouts,
                identifiers=record.identifiers,
            ):
                report.names += 1
                yield row
        after = page[-1].record.cp_id
        report.records += len(page)
        if on_batch is not None:
            on_batch(len(page))


def build_term_frequencies(
    runtime: Runtime,
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_TF_BATCH,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[TermFrequencyReport, dict[str, dict[str, float]]]:
    """Count the index's names and, unless dry or the index is empty, store the tables sealed.

    Returns the report and the tables (the benchmark compares linkage with them; callers must not
    print or log the tables).
    """
    report = TermFrequencyReport(built_at=runtime.clock.now(), dry_run=dry_run)
    if on_start is not None:
        with runtime.unit_of_work() as uow:
            on_start(uow.children.count())
    tables = term_frequencies(_names(runtime, batch_size, report, on_batch))
    report.entries = {column: len(table) for column, table in tables.items()}
    if dry_run or report.names == 0:  # an empty index keeps the shipped tables
        return report, tables
    with runtime.unit_of_work() as uow:
        uow.term_frequencies.replace_all(
            [
                TermFrequencyTable(column, table, report.built_at, report.names)
                for column, table in tables.items()
            ]
        )
        uow.commit()
    report.stored = True
    return report, tables


@dataclass(frozen=True, slots=True)
class TablesInUse:
    """Which table each TF column is scored with: the index's (with when it was built) or the shipped one."""

    sources: dict[str, str]

    def describe(self) -> str:
        """One line for a report: `given_name: index (built ...), family_name: shipped`."""
        return ", ".join(f"{column}: {source}" for column, source in sorted(self.sources.items()))


def with_index_term_frequencies(runtime: Runtime, model: TrainedModel) -> tuple[TrainedModel, TablesInUse]:
    """The model with the index's tables in place of the shipped ones where a non-empty one is stored."""
    with runtime.unit_of_work() as uow:
        stored = {table.column: table for table in uow.term_frequencies.all()}
    chosen = dict(model.term_frequencies)
    sources = dict.fromkeys(TF_COLUMNS, SHIPPED)
    for column in TF_COLUMNS:
        table = stored.get(column)
        if table is not None and table.frequencies:
            chosen[column] = dict(table.frequencies)
            sources[column] = (
                f"index (built {table.built_at:%Y-%m-%d %H:%M} UTC, {len(table.frequencies)} values)"
            )
    return replace(model, term_frequencies=chosen), TablesInUse(sources)
