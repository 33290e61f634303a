"""The UI's saved page states: sealed bytes under a hashed ID, bound to a session, read until they expire."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contactpoint.store.access_models import PageStateRow


class PageStateRepository:
    """Put and get page states; expired ones are never returned and are removed as new ones arrive."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def put(
        self,
        id_hash: bytes,
        session_hash: bytes,
        kind: str,
        sealed: bytes,
        *,
        expires_at: datetime,
        now: datetime,
    ) -> None:
        """Save a state (and drop every expired one, so the table holds only live states)."""
        self._session.execute(delete(PageStateRow).where(PageStateRow.expires_at <= now))
        self._session.add(
            PageStateRow(
                id_hash=id_hash, session_hash=session_hash, kind=kind, sealed=sealed, expires_at=expires_at
            )
        )
        self._session.flush()

    def get(self, id_hash: bytes, session_hash: bytes, kind: str, now: datetime) -> bytes | None:
        """The sealed state, if it is this session's, of this kind, and not expired."""
        sealed: bytes | None = self._session.execute(
            select(PageStateRow.sealed).where(
                PageStateRow.id_hash == id_hash,
                PageStateRow.session_hash == session_hash,
                PageStateRow.kind == kind,
                PageStateRow.expires_at > now,
            )
        ).scalar_one_or_none()
        return sealed
