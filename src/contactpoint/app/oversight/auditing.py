"""Audit use cases: the log inside a unit of work, verification, checkpoints, auditors' queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contactpoint.access.policy import Principal, audit_scope
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import RESTRICTED_KINDS, AuditEvent, AuditKind, Detail
from contactpoint.audit.log import AuditLog
from contactpoint.audit.verify import VerifyReport, verify_log
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.store.timestamps import as_utc
from contactpoint.store.unit_of_work import UnitOfWork

MAX_ENTRIES = 200


def audit_log(runtime: Runtime, uow: UnitOfWork) -> AuditLog:
    """The audit log bound to this unit of work's transaction."""
    return AuditLog(uow.audit, runtime.audit_keys, runtime.clock)


def verify_audit(runtime: Runtime) -> VerifyReport:
    """Recompute the chain and check every checkpoint."""
    with runtime.unit_of_work() as uow:
        return verify_log(uow.audit, runtime.audit_keys)


def checkpoint_audit(runtime: Runtime) -> int | None:
    """Sign the current head; returns the sequence number signed, or None if nothing new."""
    with runtime.unit_of_work() as uow:
        checkpoint = audit_log(runtime, uow).checkpoint()
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
    runtime: Runtime,
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
    with runtime.unit_of_work() as uow:
        actor_ids: list[int] | None = None
        if la_code is not None:
            actor_ids = uow.users.ids_in_la(la_code)
        if user_id is not None:
            actor_ids = [user_id] if actor_ids is None or user_id in actor_ids else []
        subjects = None
        if child is not None:
            keys = runtime.audit_keys
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
        audit_log(runtime, uow).append(
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
        payload = runtime.audit_keys.open(row.seq, row.kind, row.key_version, row.payload)
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
