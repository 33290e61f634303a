"""Client systems' machine accounts (`client_systems` beside their `users` row): the only SQL about them.

Never commits (DESIGN practice 2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from contactpoint.crypto.account_tag import AccountTagger, KeyTable
from contactpoint.store.access_models import UserRow
from contactpoint.store.client_models import ClientSystemRow
from contactpoint.store.key_row_tags import KeyRowTags
from contactpoint.store.timestamps import as_utc


@dataclass(frozen=True, slots=True)
class StoredClientSystem:
    """A client system as stored: never its key, which only its holder has."""

    user_id: int
    username: str
    la_code: str | None
    org_code: str | None
    org_name: str | None
    created_at: datetime
    revoked_at: datetime | None
    suspended: bool
    awaiting_release: bool = False  # made by one administrator, not yet released by a second
    intact: bool = True  # False: its key row was changed outside the application (a key hash swapped in)

    @property
    def active(self) -> bool:
        """The key still opens the FHIR interface."""
        return self.revoked_at is None and not self.suspended


_CLIENTS = ClientSystemRow.__table__
_USERS = UserRow.__table__
_COLUMNS = (
    _CLIENTS.c.user_id,
    _USERS.c.username,
    _USERS.c.la_code,
    _USERS.c.org_code,
    _USERS.c.org_name,
    _USERS.c.created_at,
    _CLIENTS.c.revoked_at,
    _USERS.c.suspended,
    _USERS.c.awaiting_approval,
    _CLIENTS.c.key_hash,
    _CLIENTS.c.created_by,
    _CLIENTS.c.integrity_tag,
    _CLIENTS.c.integrity_version,
)
_TABLE = KeyTable.CLIENT_SYSTEMS
_JOINED = _CLIENTS.join(_USERS, _USERS.c.id == _CLIENTS.c.user_id)
# Every FHIR request authenticates: one prebuilt statement, looked up by the key's hash (unique index).
_BY_KEY = select(*_COLUMNS).select_from(_JOINED).where(_CLIENTS.c.key_hash == bindparam("key_hash"))


class ClientSystemRepository:
    """Machine accounts of client systems; each key row carries a keyed tag (as accounts do), written
    by every change here and checked on every read, so a key hash written into the database by
    anyone else is refused."""

    def __init__(self, session: Session, tagger: AccountTagger, before_write: Callable[[], None]) -> None:
        self._session = session
        self._tagger = tagger
        self._before_write = before_write

    def _client(self, row: Row[Any, *tuple[Any, ...]]) -> StoredClientSystem:
        return StoredClientSystem(
            row.user_id,
            row.username,
            row.la_code,
            row.org_code,
            row.org_name,
            as_utc(row.created_at),
            as_utc(row.revoked_at) if row.revoked_at is not None else None,
            row.suspended,
            row.awaiting_approval,
            self._tagger.key_intact(_TABLE, row, row.integrity_version, row.integrity_tag),
        )

    def add(self, user_id: int, key_hash: bytes, created_by: int) -> None:
        """Bind an account (its `users` row already added) to its key."""
        row = ClientSystemRow(user_id=user_id, key_hash=key_hash, created_by=created_by)
        row.integrity_tag = self._tagger.key_tag(_TABLE, row)
        row.integrity_version = self._tagger.current_version
        self._session.add(row)
        self._session.flush()

    def by_key(self, key_hash: bytes) -> StoredClientSystem | None:
        """The client whose key hashes to this, if any (a revoked key hashes to nothing stored)."""
        row = self._session.connection().execute(_BY_KEY, {"key_hash": key_hash}).one_or_none()
        return self._client(row) if row is not None else None

    def get(self, user_id: int) -> StoredClientSystem | None:
        """The client system with this account ID, if it is one."""
        query = select(*_COLUMNS).select_from(_JOINED).where(_CLIENTS.c.user_id == user_id)
        row = self._session.connection().execute(query).one_or_none()
        return self._client(row) if row is not None else None

    def in_la(self, la_code: str) -> list[StoredClientSystem]:
        """Every client system of an LA's organisations, revoked ones too, by name."""
        query = (
            select(*_COLUMNS)
            .select_from(_JOINED)
            .where(_USERS.c.la_code == la_code)
            .order_by(_USERS.c.username)
        )
        return [self._client(row) for row in self._session.connection().execute(query)]

    def revoke(self, user_id: int, now: datetime) -> None:
        """Forget the key's hash and mark when: the key opens nothing from now on (re-tagged only if
        its tag held, so a tampered row stays visible to `users verify`)."""
        self._before_write()
        KeyRowTags(self._session, self._tagger, _TABLE, ClientSystemRow).update(
            user_id, {"key_hash": None, "revoked_at": now}
        )

    def tag_states(self) -> list[tuple[int, str, bool]]:
        """Every key row's account id, username and whether its tag holds (the operator's check)."""
        query = select(*_COLUMNS).select_from(_JOINED).order_by(_CLIENTS.c.user_id)
        return [
            (c.user_id, c.username, c.intact)
            for c in map(self._client, self._session.connection().execute(query))
        ]

    def retag_not_under(self, version: int) -> int:
        """Re-make under `version` the tags that hold under another (key rotation); returns how many."""
        self._before_write()
        return KeyRowTags(self._session, self._tagger, _TABLE, ClientSystemRow).retag(version)
