"""Audit use cases: the log inside a unit of work, verification, checkpoints, auditors' queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contactpoint.access.policy import Principal, audit_scope
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import OWNERS, RESTRICTED_KINDS, AuditEvent, AuditKind, Detail
from contactpoint.audit.keys import AuditKeys
from contactpoint.audit.log import AuditLog, CheckpointRule
from contactpoint.audit.verify import VerifyReport, verify_log
from contactpoint.audit.witness import CheckpointFile, within_reach
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.settings import Settings
from contactpoint.store.audit_repository import StoredEntry
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


def audit_log(runtime: Runtime, uow: UnitOfWork) -> AuditLog:
    """The audit log bound to this unit of work's transaction."""
    settings = runtime.settings
    return AuditLog(
        uow.audit, runtime.audit_keys, runtime.clock, checkpoint_rule(settings), audit_witness(settings)
    )


def verify_audit(runtime: Runtime) -> VerifyReport:
    """Recompute the chain and check it against every checkpoint, in the database and the witness file."""
    settings = runtime.settings
    with runtime.unit_of_work() as uow:
        report = verify_log(uow.audit, runtime.audit_keys, checkpoint_rule(settings), audit_witness(settings))
    if not settings.audit_witness_shipped:
        reason = within_reach(settings.resolved_audit_witness_file(), settings.home)
        if reason is not None:
            report.warnings.append(
                f"{reason}: whoever can rewrite the store can truncate it too. Ship it elsewhere as it is "
                "written and set CONTACTPOINT_AUDIT_WITNESS_SHIPPED=true (ADR 0029)"
            )
    return report


def checkpoint_audit(runtime: Runtime) -> int | None:
    """Sign the current head and export checkpoints the witness file lacks; returns the sequence
    number signed, or None if the head was signed already."""
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
    export: bool = False,
) -> list[AuditEntryView]:
    """Entries by user, child and period within the auditor's scope, never their own; newest first.

    Reading the log is itself audited, and downloading it (`export`) is audited as such.
    """
    la_code = audit_scope(principal)
    since, until = (as_utc(t) if t else None for t in (since, until))
    keys = runtime.audit_keys
    with runtime.unit_of_work() as uow:
        reach: tuple[list[int], str] | None = None
        if la_code is not None:
            reach = (uow.users.ids_in_la(la_code), la_code)
        subjects = None
        if child is not None:
            subjects = [keys.subject(child.value, version) for version in keys.held_versions()]
        rows = uow.audit.query(
            actor_ids=None if user_id is None else [user_id],
            subjects=subjects,
            since=since,
            until=until,
            exclude_actor=principal.user_id,
            limit=MAX_ENTRIES,
            exclude_kinds=RESTRICTED_KINDS if la_code is not None else (),
            reach=reach,
        )
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.AUDIT_EXPORTED if export else AuditKind.AUDIT_READ,
                principal.user_id,
                (child.value,) if child else (),
                {"user": user_id, "entries": len(rows)},
            )
        )
        uow.commit()
    own_accounts = set(reach[0]) if reach else set()
    views = []
    for row in rows:
        payload = keys.open(row.seq, row.kind, row.key_version, row.payload)
        found = payload.pop("children", [])
        payload.pop(OWNERS, None)  # the children's LAs: for verification, not for display
        children = list(found) if isinstance(found, list) else []
        if la_code is not None and row.actor_id not in own_accounts:
            children = _owned_children(keys, row, children, la_code)
        views.append(AuditEntryView(row.seq, row.at, row.kind, row.actor_id, children, payload))
    return views


def _owned_children(keys: AuditKeys, row: StoredEntry, children: list[str], la_code: str) -> list[str]:
    """The children of an entry that `la_code` owns: an LA auditor reading another LA's practitioner's
    entry about its child does not learn which other LAs' children the same search returned."""
    owned = {subject for subject, la in zip(row.subjects, row.subject_las, strict=False) if la == la_code}
    return [
        cp_id
        for cp_id in children
        if any(keys.subject(cp_id, version) in owned for version in keys.held_versions())
    ]
