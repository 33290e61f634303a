"""The retention run: archive records that are due, purge archived records past six years.

Safe to schedule: each batch is one transaction, a record is acted on only when a step is due,
so an interrupted run resumes and a second run on the same day changes nothing. Dates are
England's calendar dates, since ages and anniversaries are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import Clock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.retention import RetentionStep, archive, due_step
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store.engine import release_freed_pages

ENGLAND = ZoneInfo("Europe/London")
DEFAULT_RETENTION_BATCH = 1_000
# Sealed records follow the adoption rules; every other status has a retention step.
_UNDER_RETENTION = (RecordStatus.ACTIVE, RecordStatus.SHIELDED, RecordStatus.DECEASED, RecordStatus.ARCHIVED)


@dataclass
class RetentionReport:
    """What a run did (or, dry, would do): records examined and steps taken by kind and reason."""

    on: date
    dry_run: bool
    examined: int = 0
    steps: Counter[str] = field(default_factory=Counter)

    @property
    def archived(self) -> int:
        """Records archived, all reasons together."""
        return sum(n for key, n in self.steps.items() if key.startswith(RetentionStep.ARCHIVE.value))

    @property
    def purged(self) -> int:
        """Records destroyed."""
        return self.steps[RetentionStep.PURGE.value]


def today_in_england(clock: Clock) -> date:
    """The calendar date in England now."""
    return clock.now().astimezone(ENGLAND).date()


def _under_retention(runtime: Runtime) -> int:
    with runtime.unit_of_work() as uow:
        return sum(c.count for c in uow.children.counts_by_la_and_status() if c.status in _UNDER_RETENTION)


def run_retention(
    runtime: Runtime,
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_RETENTION_BATCH,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RetentionReport:
    """Walk the index once in ID order and apply every step due today."""
    report = RetentionReport(on=today_in_england(runtime.clock), dry_run=dry_run)
    if on_start is not None:
        on_start(_under_retention(runtime))
    after: ContactPointId | None = None
    while True:
        with runtime.unit_of_work() as uow:
            page = uow.children.page(_UNDER_RETENTION, after, batch_size)
            if not page:
                break
            for stored in page:
                decision = due_step(stored.record, report.on)
                if decision is None:
                    continue
                report.steps[decision.label] += 1
                if dry_run:
                    continue
                if decision.step is RetentionStep.PURGE:
                    uow.children.purge(stored.record.cp_id)
                    # The ledger keeps its rows (IDs and keyed hashes only), so a row already
                    # applied is still recognised and never recreates the child.
                    uow.provenance.forget(stored.record.cp_id.value)
                    uow.merges.forget(stored.record.cp_id.value)
                    uow.reviews.forget(stored.record.cp_id.value)
                else:
                    assert decision.reason is not None  # noqa: S101  # every archive step has a reason
                    archived = archive(stored.record, decision.reason, report.on)
                    uow.children.replace(archived, stored.version)
            if not dry_run:
                uow.commit()
        after = page[-1].record.cp_id
        report.examined += len(page)
        if on_batch is not None:
            on_batch(len(page))
    if report.purged and not dry_run:
        release_freed_pages(runtime.engine)
    return report
