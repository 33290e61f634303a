"""Retention rules (DESIGN section 2, Lifecycle): when a record is archived and when it is purged.

Pure functions of a record and a date, so the rules are tested directly and one scheduled run
applies them. Archived records stay visible to the owning LA's data administrators for a year and
exist for six years in all; then their data key is destroyed and their rows removed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.records import Archival, ChildRecord, RetentionExtension
from contactpoint.domain.vocabulary import ArchiveReason, ExtensionBasis, RecordStatus

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


def with_extension_consent(
    record: ChildRecord, basis: ExtensionBasis, consented_on: date, today: date
) -> ChildRecord:
    """The record kept to 25 with the young person's consent.

    A record archived at 18 in the past year (still with its LA team) comes back with the status
    it had: consent is often recorded in the weeks after the birthday.
    """
    if consented_on > today:
        raise ValidationError("consented_on", "must not be in the future")
    if record.status in (RecordStatus.SEALED, RecordStatus.DECEASED):
        raise ValidationError("status", "consent to keep a record applies to a living, unsealed record")
    if today >= anniversary(record.date_of_birth, EXTENDED_AGE):
        raise ValidationError("date_of_birth", "a record is kept to 25 at most")
    current = record.retention_extension
    if current is not None and (current.withdrawn_on is None or current.withdrawn_on > today):
        raise ValidationError("consent", "consent to keep this record is already recorded")
    extension = RetentionExtension(basis, consented_on)
    if record.status is not RecordStatus.ARCHIVED:
        return replace(record, retention_extension=extension)
    archival = record.archival
    if archival is None or archival.reason is not ArchiveReason.TURNED_18:
        raise ValidationError("status", "only a record archived at 18 can be kept to 25")
    if not visible_to_administrators(record, today):
        raise ValidationError("status", "the record was archived more than a year ago")
    return replace(record, status=archival.previous_status, archival=None, retention_extension=extension)


def with_extension_withdrawn(record: ChildRecord, withdrawn_on: date, today: date) -> ChildRecord:
    """The young person withdrew consent: the next retention run archives the record."""
    current = record.retention_extension
    if current is None or current.withdrawn_on is not None:
        raise ValidationError("consent", "there is no consent to withdraw")
    if withdrawn_on > today:
        raise ValidationError("withdrawn_on", "must not be in the future")
    return replace(record, retention_extension=replace(current, withdrawn_on=withdrawn_on))


def too_old_for_a_new_record(born: date, as_of: date, today: date) -> bool:
    """An adult when the source said it, or old enough today that a record archived at 18 would have
    been purged: a feed row about them creates nothing, so a purged record is never created again."""
    return (
        anniversary(born, ARCHIVE_AGE) <= as_of
        or anniversary(born, ARCHIVE_AGE + KEPT_ARCHIVED_YEARS) <= today
    )
