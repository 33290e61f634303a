"""Retention rules (DESIGN section 2, Lifecycle): when a record is archived and when it is purged.

Pure functions of a record and a date, so the rules are tested directly and one scheduled run
applies them. Archived records stay visible to the owning LA's data administrators for a year and
exist for six years in all; then their data key is destroyed and their rows removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from contactpoint.domain.records import Archival, ChildRecord
from contactpoint.domain.vocabulary import ArchiveReason, RecordStatus

ARCHIVE_AGE = 18
EXTENDED_AGE = 25
KEPT_AFTER_DEATH_YEARS = 1
ADMINISTRATOR_VIEW_YEARS = 1
KEPT_ARCHIVED_YEARS = 6


class RetentionStep(StrEnum):
    """What a retention run does to one record."""

    ARCHIVE = "archive"
    PURGE = "purge"


@dataclass(frozen=True, slots=True)
class RetentionDecision:
    """The step due for one record; `reason` is set for archiving."""

    step: RetentionStep
    reason: ArchiveReason | None = None

    @property
    def label(self) -> str:
        """The step and its reason, as reports count them: "archive: turned_18", "purge"."""
        return self.step.value if self.reason is None else f"{self.step.value}: {self.reason.value}"


def anniversary(start: date, years: int) -> date:
    """`start` plus whole years; 29 February falls on 1 March in common years, as ages do in English law."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


def archived_on(record: ChildRecord) -> date:
    """When the record was archived; for one archived before this was recorded, its 18th birthday."""
    if record.archival is not None:
        return record.archival.archived_on
    return anniversary(record.date_of_birth, ARCHIVE_AGE)


def _archive_reason(record: ChildRecord, today: date) -> ArchiveReason | None:
    if record.status is RecordStatus.DECEASED:
        died = record.date_of_death
        assert died is not None  # noqa: S101  # ChildRecord requires it for this status
        return ArchiveReason.DIED if today >= anniversary(died, KEPT_AFTER_DEATH_YEARS) else None
    if today < anniversary(record.date_of_birth, ARCHIVE_AGE):
        return None
    extension = record.retention_extension
    if extension is None:
        return ArchiveReason.TURNED_18
    if extension.withdrawn_on is not None and extension.withdrawn_on <= today:
        return ArchiveReason.CONSENT_WITHDRAWN
    if today >= anniversary(record.date_of_birth, EXTENDED_AGE):
        return ArchiveReason.TURNED_25
    return None


def due_step(record: ChildRecord, today: date) -> RetentionDecision | None:
    """The retention step due on `today`, if any.

    Sealed records (adoption) follow the adoption rules, not these, and are never touched here.
    """
    if record.status is RecordStatus.SEALED:
        return None
    if record.status is RecordStatus.ARCHIVED:
        if today >= anniversary(archived_on(record), KEPT_ARCHIVED_YEARS):
            return RetentionDecision(RetentionStep.PURGE)
        return None
    reason = _archive_reason(record, today)
    return None if reason is None else RetentionDecision(RetentionStep.ARCHIVE, reason)


def archive(record: ChildRecord, reason: ArchiveReason, today: date) -> ChildRecord:
    """The record as archived today, remembering the status it had."""
    return replace(
        record,
        status=RecordStatus.ARCHIVED,
        archival=Archival(archived_on=today, reason=reason, previous_status=record.status),
    )


def visible_to_administrators(record: ChildRecord, today: date) -> bool:
    """An archived record stays visible to its LA's data administrators for its first year."""
    if record.status is not RecordStatus.ARCHIVED:
        return True
    return today < anniversary(archived_on(record), ADMINISTRATOR_VIEW_YEARS)
