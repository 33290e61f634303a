"""In-service notifications: the only SQL about them. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from contactpoint.store.access_models import NotificationRow
from contactpoint.store.timestamps import as_utc


@dataclass(frozen=True, slots=True)
class StoredNotification:
    """One notification as stored."""

    id: int
    kind: str
    cp_id: str
    org_code: str | None
    service: str | None
    la_code: str | None
    created_at: datetime


class NotificationRepository:
    """Notifications to a service team of an organisation, or to an LA's team."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        kind: str,
        cp_id: str,
        now: datetime,
        org_code: str | None = None,
        service: str | None = None,
        la_code: str | None = None,
    ) -> None:
        """Leave a notification for an organisation's service team or an LA's team."""
        self._session.add(
            NotificationRow(
                kind=kind, cp_id=cp_id, org_code=org_code, service=service, la_code=la_code, created_at=now
            )
        )

    def for_recipient(
        self, *, org_code: str | None, service: str | None, la_code: str | None, since: datetime
    ) -> list[StoredNotification]:
        """Newest first: those for this organisation's service, and (if given) this LA's team."""
        addressed = []
        if org_code is not None and service is not None:
            addressed.append(and_(NotificationRow.org_code == org_code, NotificationRow.service == service))
        if la_code is not None:
            addressed.append(NotificationRow.la_code == la_code)
        if not addressed:
            return []
        rows = self._session.scalars(
            select(NotificationRow)
            .where(or_(*addressed), NotificationRow.created_at >= since)
            .order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc())
            .limit(100)
        )
        return [
            StoredNotification(r.id, r.kind, r.cp_id, r.org_code, r.service, r.la_code, as_utc(r.created_at))
            for r in rows
        ]
