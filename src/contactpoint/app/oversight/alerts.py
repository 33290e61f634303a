"""Misuse alerts for auditors (ranked), and suspensions for the LA user administrator (notified)."""

from __future__ import annotations

from datetime import timedelta

from contactpoint.access.policy import Principal, audit_scope, require
from contactpoint.access.roles import Permission, has_permission
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.oversight.misuse import Signal
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.store.audit_repository import StoredAlert

WINDOW = timedelta(days=30)
LIMIT = 200


def list_alerts(runtime: Runtime, principal: Principal) -> list[StoredAlert]:
    """Auditors: every alert in scope, worst first, never about themselves. LA user administrators:
    the suspensions a hard limit made in their LA (so they can act on them)."""
    require(principal, Permission.READ_ALERTS)
    since = runtime.clock.now() - WINDOW
    with runtime.unit_of_work() as uow:
        if has_permission(principal.role, Permission.READ_AUDIT):
            alerts = uow.audit.alerts(audit_scope(principal), since, principal.user_id, LIMIT)
        else:
            la_code = None if principal.role.is_national else principal.la_code
            found = uow.audit.alerts(la_code, since, principal.user_id, LIMIT)
            alerts = [a for a in found if a.kind == Signal.HARD_LIMIT.value]
        # Handling alerts is part of the trail: who looked at which alerts, and when.
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.ALERTS_READ,
                principal.user_id,
                (),
                {"alerts": [str(a.entry_seq or f"id:{a.id}") for a in alerts]},
            )
        )
        uow.commit()
    return alerts
