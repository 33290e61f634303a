"""What a signed-in account is told in the service (there is no email): changes of lead professional
taken from the service team it works in, and, for an LA's data administrators (its team), those of
the LA's children. Shown on sign-in; reading them is audited with the children they name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contactpoint.access.policy import Principal, require
from contactpoint.access.roles import Permission, Role
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind

KEPT_FOR = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class NotificationView:
    """One notification: what happened, to which child (by ID), when, and whether it came to the
    account's service team or to its LA's team."""

    kind: str
    cp_id: str
    at: datetime
    to_la_team: bool


def notifications_for(runtime: Runtime, principal: Principal) -> list[NotificationView]:
    """The account's notifications of the last 30 days, newest first."""
    require(principal, Permission.READ_OWN_ACCOUNT)
    team_la = principal.la_code if principal.role is Role.LA_DATA_ADMIN else None
    service = principal.service.value if principal.service else None
    with runtime.unit_of_work() as uow:
        held = uow.notifications.for_recipient(
            org_code=principal.org_code,
            service=service,
            la_code=team_la,
            since=runtime.clock.now() - KEPT_FOR,
        )
        if not held:
            return []
        named = tuple(dict.fromkeys(n.cp_id for n in held))
        audit_log(runtime, uow).append(
            AuditEvent(AuditKind.NOTIFICATIONS_READ, principal.user_id, named, {"count": len(held)})
        )
        uow.commit()
    return [NotificationView(n.kind, n.cp_id, n.created_at, n.la_code is not None) for n in held]
