"""Audit use cases: the log inside a unit of work, verification, checkpoints, auditors' queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contactpoint.access.policy import Principal, audit_scope
from contactpoint.app.services import Services
from contactpoint.audit.events import RESTRICTED_KINDS, AuditEvent, AuditKind, Detail
from contactpoint.audit.log import AuditLog, CheckpointRule
from contactpoint.audit.verify import VerifyReport, verify_log
from contactpoint.audit.witness import CheckpointFile
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.settings import Settings
from contactpoint.store.timestamps import as_utc
from contactpoint.store.unit_of_work import UnitOfWork

MAX_ENTRIES = 200


def checkpoint_rule(settings: Settings) -> CheckpointRule:
    """How often checkpoints are signed, and so how far verification lets the newest lag the head."""
    return CheckpointRule(
        settings.audit_checkpoint_entries, timedelta(minutes=settings.audit_checkpoint_minutes)
    )


def audit_witness(settings: Settings) -> CheckpointFile:
    """The file checkpoints are exported to, outside the database."""
    return CheckpointFile(settings.resolved_audit_witness_file())


def audit_log(services: Services, uow: UnitOfWork) -> AuditLog:
    """The audit log bound to this unit of work's transaction."""
    settings = services.settings
    return AuditLog(
        uow.audit, services.audit_keys, services.clock, checkpoint_rule(settings), audit_witness(settings)
    )


def verify_audit(services: Services) -> VerifyReport:
    """Recompute the chain and check it against every checkpoint, in the database and the witness file."""
    settings = services.settings
    with services.unit_of_work() as uow:
        return verify_log(uow.audit, services.audit_keys, checkpoint_rule(settings), audit_witness(settings))


def checkpoint_audit(services: Services) -> int | None:
    """Sign the current head and export checkpoints the witness file lacks; returns the sequence
    number signed, or None if the head was signed already."""
    with services.unit_of_work() as uow:
        checkpoint = audit_log(services, uow).checkpoint()
        uow.commit()
    return checkpoint.seq if checkpoint else None


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    """One decrypted entry as an auditor sees it: IDs and codes only."""

    seq: int
    at: datetime
    kind: str
    actor_id: int | None
    children: list[str]
    details: dict[str, Detail]


def query_audit(
    services: Services,
    principal: Principal,
    *,
    user_id: int | None = None,
    child: ContactPointId | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AuditEntryView]:
    """Entries by user, child and period within the auditor's scope, never their own; newest first.

    Reading the log is itself audited.
    """
    la_code = audit_scope(principal)
    since, until = (as_utc(t) if t else None for t in (since, until))
    with services.unit_of_work() as uow:
        actor_ids: list[int] | None = None
        if la_code is not None:
            actor_ids = uow.users.ids_in_la(la_code)
        if user_id is not None:
            actor_ids = [user_id] if actor_ids is None or user_id in actor_ids else []
        subjects = None
        if child is not None:
            keys = services.audit_keys
            subjects = [keys.subject(child.value, version) for version in keys.held_versions()]
        rows = uow.audit.query(
            actor_ids=actor_ids,
            subjects=subjects,
            since=since,
            until=until,
            exclude_actor=principal.user_id,
            limit=MAX_ENTRIES,
            exclude_kinds=RESTRICTED_KINDS if la_code is not None else (),
        )
        audit_log(services, uow).append(
            AuditEvent(
                AuditKind.AUDIT_READ,
                principal.user_id,
                (child.value,) if child else (),
                {"user": user_id, "entries": len(rows)},
            )
        )
        uow.commit()
    views = []
    for row in rows:
        payload = services.audit_keys.open(row.seq, row.kind, row.key_version, row.payload)
        children = payload.pop("children", [])
        views.append(
            AuditEntryView(
                row.seq,
                row.at,
                row.kind,
                row.actor_id,
                list(children) if isinstance(children, list) else [],
                payload,
            )
        )
    return views
