"""Data sources' machine accounts (`source_accounts` beside their `users` row): the only SQL about them.

Never commits (DESIGN practice 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from contactpoint.store.access_models import SourceAccountRow, UserRow
from contactpoint.store.timestamps import as_utc


@dataclass(frozen=True, slots=True)
class StoredSourceAccount:
    """A machine account as stored: never its key, which only its holder has."""

    user_id: int
    username: str
    source: str
    created_at: datetime
    revoked_at: datetime | None
    suspended: bool

    @property
    def active(self) -> bool:
        """The key still opens the feed."""
        return self.revoked_at is None and not self.suspended


_ACCOUNTS = SourceAccountRow.__table__
_USERS = UserRow.__table__
_COLUMNS = (
    _ACCOUNTS.c.user_id,
    _USERS.c.username,
    _ACCOUNTS.c.source,
    _USERS.c.created_at,
    _ACCOUNTS.c.revoked_at,
    _USERS.c.suspended,
)
_JOINED = _ACCOUNTS.join(_USERS, _USERS.c.id == _ACCOUNTS.c.user_id)
# Every submission authenticates: one prebuilt statement, looked up by the key's hash (unique index).
_BY_KEY = select(*_COLUMNS).select_from(_JOINED).where(_ACCOUNTS.c.key_hash == bindparam("key_hash"))


def _account(row: Row[Any, *tuple[Any, ...]]) -> StoredSourceAccount:
    return StoredSourceAccount(
        row.user_id,
        row.username,
        row.source,
        as_utc(row.created_at),
        as_utc(row.revoked_at) if row.revoked_at is not None else None,
        row.suspended,
    )


class SourceAccountRepository:
    """Machine accounts of data sources."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user_id: int, source: str, key_hash: bytes) -> None:
        """Bind an account (its `users` row already added) to its source and key."""
        self._session.add(SourceAccountRow(user_id=user_id, source=source, key_hash=key_hash))
        self._session.flush()

    def by_key(self, key_hash: bytes) -> StoredSourceAccount | None:
        """The account whose key hashes to this, if any (a revoked key hashes to nothing stored)."""
        row = self._session.connection().execute(_BY_KEY, {"key_hash": key_hash}).one_or_none()
        return _account(row) if row is not None else None

    def by_username(self, username: str) -> StoredSourceAccount | None:
        """The machine account of this name, if it is one."""
        query = select(*_COLUMNS).select_from(_JOINED).where(_USERS.c.username == username)
        row = self._session.connection().execute(query).one_or_none()
        return _account(row) if row is not None else None

    def all(self) -> list[StoredSourceAccount]:
        """Every machine account, revoked ones too, by name."""
        query = select(*_COLUMNS).select_from(_JOINED).order_by(_USERS.c.username)
        return [_account(row) for row in self._session.connection().execute(query)]

    def revoke(self, user_id: int, now: datetime) -> None:
        """Forget the key's hash and mark when: the key opens nothing from now on."""
        self._session.execute(
            update(SourceAccountRow)
            .where(SourceAccountRow.user_id == user_id)
            .values(key_hash=None, revoked_at=now)
        )
