"""Misuse alerts for auditors (ranked), and suspensions for the LA user administrator (notified)."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from contactpoint.access.policy import Principal, audit_scope, require
from contactpoint.access.roles import Permission, has_permission
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.oversight.misuse import Signal
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.store.audit_repository import StoredAlert

WINDOW = timedelta(days=30)
LIMIT = 200


class AlertState(StrEnum):
    """Where an auditor's handling of an alert has got to."""

    NEW = "new"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"


class AlertOutcome(StrEnum):
    """Why a closed alert was closed."""

    NO_CONCERN = "no_concern"
    CONCERN_REFERRED = "concern_referred"
    ERROR = "error"


def change_alert_state(
    runtime: Runtime,
    principal: Principal,
    alert_id: int,
    state: AlertState,
    outcome: AlertOutcome | None,
) -> None:
    """An auditor moves an alert on, recorded in the chain with the row it sets (so `audit verify`
    shows a state edited in the database). Only alerts the auditor may see: in scope, and never
    one about themselves; a closed alert has an outcome and an open one none."""
    require(principal, Permission.REVIEW_ALERTS)
    if (state is AlertState.CLOSED) != (outcome is not None):
        raise ValidationError("outcome", "choose an outcome when, and only when, closing an alert")
    scope = audit_scope(principal)
    with runtime.unit_of_work() as uow:
        alert = uow.audit.alert(alert_id)
        if alert is None or alert.user_id == principal.user_id or scope not in (None, alert.la_code):
            raise NotFound("no such alert")
        audit_log(runtime, uow).record_alert_state(
            alert_id=alert_id,
            alert_ref=str(alert.entry_seq or f"id:{alert.id}"),
            state=state.value,
            outcome=outcome.value if outcome else None,
            by=principal.user_id,
        )
        uow.commit()


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
