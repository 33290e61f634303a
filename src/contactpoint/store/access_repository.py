"""Accounts, sessions and sign-in throttles: the only SQL about them. Never commits."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from contactpoint.crypto.account_tag import TAGGED_COLUMNS, AccountTagger
from contactpoint.domain.errors import NotFound
from contactpoint.store.access_models import OrganisationRow, SessionRow, ThrottleRow, UserRow
from contactpoint.store.timestamps import as_utc


@dataclass(frozen=True, slots=True)
class Affinity:
    """Keyed hashes of an account holder's family name and home postcode, and their key version."""

    surname_key: bytes | None
    postcode_key: bytes | None
    version: int


@dataclass(frozen=True, slots=True)
class StoredUser:
    """An account as stored (the TOTP secret still sealed)."""

    id: int
    username: str
    role: str
    la_code: str | None
    org_code: str | None
    org_name: str | None
    service: str | None
    password_hash: str
    totp_secret: bytes
    totp_enrolled: bool
    totp_last_step: int
    suspended: bool
    created_at: datetime
    affinity: Affinity | None = None
    awaiting_approval: bool = False
    created_by: int | None = None
    password_must_change: bool = False
    password_set_at: datetime | None = None
    pending_password: bytes | None = None  # a sealed first half awaiting the second administrator's
    intact: bool = False  # its integrity tag matches (crypto/account_tag.py): nobody edited it outside
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class StoredOrganisation:
    """An entry of the organisation register."""

    code: str
    name: str
    la_code: str
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A session row, times in UTC."""

    token_hash: bytes
    user_id: int
    stage: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime


def _user(row: UserRow | Row[Any, *tuple[Any, ...]], tagger: AccountTagger) -> StoredUser:
    """From an ORM row or the session query's row (the account's columns under their own names),
    with whether its integrity tag holds."""
    return StoredUser(
        row.id,
        row.username,
        row.role,
        row.la_code,
        row.org_code,
        row.org_name,
        row.service,
        row.password_hash,
        row.totp_secret,
        row.totp_enrolled,
        row.totp_last_step,
        row.suspended,
        as_utc(row.created_at),
        _affinity(row.surname_key, row.postcode_key, row.affinity_version),
        bool(row.awaiting_approval),
        row.created_by,
        bool(row.password_must_change),
        as_utc(row.password_set_at) if row.password_set_at is not None else None,
        row.pending_password,
        tagger.intact(row, row.integrity_version, row.integrity_tag),
        row.display_name,
    )


def _affinity(surname: bytes | None, postcode: bytes | None, version: int | None) -> Affinity | None:
    return Affinity(surname, postcode, version) if version is not None else None


_SESSIONS = SessionRow.__table__
_USERS = UserRow.__table__
# Authentication runs on every request: one prebuilt Core statement for the session and its account.
_SESSION_WITH_USER = (
    select(
        _SESSIONS.c.token_hash,
        _SESSIONS.c.user_id,
        _SESSIONS.c.stage,
        _SESSIONS.c.csrf_token,
        _SESSIONS.c.created_at.label("session_created_at"),
        _SESSIONS.c.last_seen_at,
        _USERS.c.id,
        _USERS.c.username,
        _USERS.c.role,
        _USERS.c.la_code,
        _USERS.c.org_code,
        _USERS.c.org_name,
        _USERS.c.service,
        _USERS.c.password_hash,
        _USERS.c.totp_secret,
        _USERS.c.totp_enrolled,
        _USERS.c.totp_last_step,
        _USERS.c.suspended,
        _USERS.c.created_at,
        _USERS.c.surname_key,
        _USERS.c.postcode_key,
        _USERS.c.affinity_version,
        _USERS.c.awaiting_approval,
        _USERS.c.created_by,
        _USERS.c.password_must_change,
        _USERS.c.password_set_at,
        _USERS.c.integrity_tag,
        _USERS.c.integrity_version,
        _USERS.c.pending_password,
        _USERS.c.display_name,
    )
    .select_from(_SESSIONS.outerjoin(_USERS, _USERS.c.id == _SESSIONS.c.user_id))
    .where(_SESSIONS.c.token_hash == bindparam("token_hash"))
)


_TAGGED_ROW = select(
    *(_USERS.c[name] for name in TAGGED_COLUMNS), _USERS.c.integrity_tag, _USERS.c.integrity_version
)


class UserRepository:
    """Accounts, each with a keyed tag over its security-relevant columns.

    Every change here re-tags the account, but only if its tag held before the change: an account
    edited outside the application stays refused whatever is done to it afterwards, until an
    operator looks at it (`contactpoint users verify`).
    """

    def __init__(self, session: Session, tagger: AccountTagger, before_write: Callable[[], None]) -> None:
        self._session = session
        self._tagger = tagger
        self._before_write = before_write

    def _change(self, user_id: int, **values: object) -> None:
        """Update an account and its tag together, the row locked while the tag is worked out."""
        self._before_write()  # SQLite: the writer lock before the read, so nobody changes it between
        before = self._session.execute(
            _TAGGED_ROW.where(_USERS.c.id == user_id).with_for_update()
        ).one_or_none()
        if before is None:
            return
        if self._tagger.intact(before, before.integrity_version, before.integrity_tag):
            after = SimpleNamespace(**(before._asdict() | values))
            values |= {
                "integrity_tag": self._tagger.tag(after),
                "integrity_version": self._tagger.current_version,
            }
        self._session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))

    def retag_not_under(self, version: int) -> int:
        """Re-make, under `version`, the tags of accounts tagged under another whose tag holds; returns
        how many (key rotation). An account whose tag does not hold keeps it."""
        self._before_write()
        rows = self._session.execute(
            _TAGGED_ROW.where(_USERS.c.integrity_version != version).with_for_update()
        ).all()
        moved = 0
        for row in rows:
            if self._tagger.intact(row, row.integrity_version, row.integrity_tag):
                self._session.execute(
                    update(UserRow)
                    .where(UserRow.id == row.id)
                    .values(integrity_tag=self._tagger.tag(row, version), integrity_version=version)
                )
                moved += 1
        return moved

    def tag_states(self) -> list[tuple[int, str, bool]]:
        """Every account's id, username and whether its tag holds (the operator's check)."""
        rows = self._session.execute(_TAGGED_ROW.order_by(_USERS.c.id))
        return [
            (row.id, row.username, self._tagger.intact(row, row.integrity_version, row.integrity_tag))
            for row in rows
        ]

    def add(
        self,
        *,
        username: str,
        role: str,
        la_code: str | None,
        org_code: str | None,
        org_name: str | None,
        service: str | None,
        password_hash: str,
        totp_secret: bytes,
        created_at: datetime,
        affinity: Affinity | None = None,
        created_by: int | None = None,
        awaiting_approval: bool = False,
        password_must_change: bool = False,
        pending_password: bytes | None = None,
        display_name: str | None = None,
    ) -> int:
        """Store a new account (named by its username unless a display name is given); returns its id."""
        row = UserRow(
            username=username,
            display_name=display_name or username,
            role=role,
            la_code=la_code,
            org_code=org_code,
            org_name=org_name,
            service=service,
            password_hash=password_hash,
            totp_secret=totp_secret,
            totp_enrolled=False,
            totp_last_step=0,
            suspended=awaiting_approval,
            awaiting_approval=awaiting_approval,
            created_by=created_by,
            created_at=created_at,
            password_must_change=password_must_change,
            password_set_at=created_at,
            pending_password=pending_password,
            surname_key=affinity.surname_key if affinity else None,
            postcode_key=affinity.postcode_key if affinity else None,
            affinity_version=affinity.version if affinity else None,
        )
        self._session.add(row)
        self._session.flush()
        row.integrity_tag = self._tagger.tag(row)
        row.integrity_version = self._tagger.current_version
        self._session.flush()
        return row.id

    def by_username(self, username: str) -> StoredUser | None:
        """The account with this username, if any."""
        row = self._session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
        return _user(row, self._tagger) if row else None

    def get(self, user_id: int) -> StoredUser:
        """The account with this id."""
        row = self._session.get(UserRow, user_id)
        if row is None:
            raise NotFound("no such account")
        return _user(row, self._tagger)

    def holders(self, user_ids: Collection[int]) -> dict[int, tuple[str, str | None, str | None]]:
        """Each account's display name, organisation name and LA code, by id (unknown ids left out)."""
        rows = self._session.execute(
            select(UserRow.id, UserRow.display_name, UserRow.org_name, UserRow.la_code).where(
                UserRow.id.in_(list(user_ids))
            )
        )
        return {row.id: (row.display_name, row.org_name, row.la_code) for row in rows}

    def exists(self, username: str) -> bool:
        """True when the username is taken."""
        return self.by_username(username) is not None

    def count(self) -> int:
        """How many accounts exist."""
        return self._session.scalar(select(func.count()).select_from(UserRow)) or 0

    def in_scope(self, la_code: str | None) -> list[StoredUser]:
        """Accounts of one LA, or all (national scope), by username."""
        query = select(UserRow).order_by(UserRow.username)
        if la_code is not None:
            query = query.where(UserRow.la_code == la_code)
        return [_user(row, self._tagger) for row in self._session.scalars(query)]

    def ids_in_la(self, la_code: str) -> list[int]:
        """Account ids of one LA (auditors' scope)."""
        return list(self._session.scalars(select(UserRow.id).where(UserRow.la_code == la_code)))

    def use_code_step(self, user_id: int, step: int) -> bool:
        """Mark a second-factor time step used, only if it is later than the last one used; False
        when it is not (a code replayed, or sent twice at once: of concurrent sign-ins, one wins)."""
        result = self._session.execute(
            update(UserRow)
            .where(UserRow.id == user_id, UserRow.totp_last_step < step)
            .values(totp_last_step=step)
        )
        return int(result.rowcount) == 1  # type: ignore[attr-defined]  # CursorResult of an UPDATE

    def set_totp(self, user_id: int, *, enrolled: bool, last_step: int) -> None:
        """Record enrolment and the last accepted time step (replay protection)."""
        self._change(user_id, totp_enrolled=enrolled, totp_last_step=last_step)

    def reset_credentials(
        self,
        user_id: int,
        password_hash: str,
        totp_secret: bytes,
        now: datetime,
        *,
        one_time: bool = True,
        pending_password: bytes | None = None,
    ) -> None:
        """A new password, one-time unless told (to be changed at first sign-in), and a new,
        unenrolled second factor; with `pending_password`, the password is still to be completed."""
        self._change(
            user_id,
            password_hash=password_hash,
            pending_password=pending_password,
            totp_secret=totp_secret,
            totp_enrolled=False,
            totp_last_step=0,
            password_must_change=one_time,
            password_set_at=now,
        )

    def set_password(self, user_id: int, password_hash: str, now: datetime) -> None:
        """The holder's own new password (no longer one-time)."""
        self._change(user_id, password_hash=password_hash, password_must_change=False, password_set_at=now)

    def set_suspended(self, user_id: int, suspended: bool) -> None:
        """Suspend or reinstate."""
        self._change(user_id, suspended=suspended)

    def hold_for_approval(self, user_id: int, requested_by: int) -> None:
        """Suspend until an administrator other than `requested_by` approves (a reset of special reach)."""
        self._change(user_id, awaiting_approval=True, suspended=True, created_by=requested_by)

    def release(self, user_id: int, password_hash: str | None, now: datetime) -> None:
        """A second administrator's release: the account works from now, with the one-time password
        both halves make (`password_hash`; None for an account held before passwords were split)."""
        if password_hash is None:  # a client system's sealed key half is spent here too
            self._change(user_id, awaiting_approval=False, suspended=False, pending_password=None)
            return
        self._change(
            user_id,
            awaiting_approval=False,
            suspended=False,
            password_hash=password_hash,
            pending_password=None,
            password_must_change=True,
            password_set_at=now,
        )


class OrganisationRepository:
    """The organisation register."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, organisation: StoredOrganisation) -> None:
        """Add an organisation, or change its name, LA or services."""
        row = self._session.get(OrganisationRow, organisation.code)
        if row is None:
            row = OrganisationRow(code=organisation.code)
            self._session.add(row)
        row.name = organisation.name
        row.la_code = organisation.la_code
        row.services = ",".join(organisation.services)
        self._session.flush()

    def get(self, code: str) -> StoredOrganisation | None:
        """The registered organisation with this code, if any."""
        row = self._session.get(OrganisationRow, code)
        return _organisation(row) if row else None

    def all(self) -> list[StoredOrganisation]:
        """Every registered organisation, by LA and code."""
        rows = self._session.scalars(
            select(OrganisationRow).order_by(OrganisationRow.la_code, OrganisationRow.code)
        )
        return [_organisation(row) for row in rows]


def _organisation(row: OrganisationRow) -> StoredOrganisation:
    return StoredOrganisation(row.code, row.name, row.la_code, tuple(filter(None, row.services.split(","))))


class SessionRepository:
    """Server-side sessions, keyed by token hash."""

    def __init__(self, session: Session, tagger: AccountTagger) -> None:
        self._session = session
        self._tagger = tagger

    def add(self, token_hash: bytes, user_id: int, stage: str, csrf_token: str, now: datetime) -> None:
        """Start a session."""
        self._session.add(
            SessionRow(
                token_hash=token_hash,
                user_id=user_id,
                stage=stage,
                csrf_token=csrf_token,
                created_at=now,
                last_seen_at=now,
            )
        )
        self._session.flush()

    def get(self, token_hash: bytes) -> StoredSession | None:
        """The session for a token hash, if it exists."""
        row = self._session.get(SessionRow, token_hash)
        if row is None:
            return None
        return StoredSession(
            row.token_hash,
            row.user_id,
            row.stage,
            row.csrf_token,
            as_utc(row.created_at),
            as_utc(row.last_seen_at),
        )

    def get_with_user(self, token_hash: bytes) -> tuple[StoredSession, StoredUser | None] | None:
        """The session for a token hash and its account (None if the account is gone), in one query."""
        row = self._session.connection().execute(_SESSION_WITH_USER, {"token_hash": token_hash}).one_or_none()
        if row is None:
            return None
        held = StoredSession(
            row.token_hash,
            row.user_id,
            row.stage,
            row.csrf_token,
            as_utc(row.session_created_at),
            as_utc(row.last_seen_at),
        )
        if row.id is None:
            return held, None
        return held, _user(row, self._tagger)

    def touch(self, token_hash: bytes, now: datetime) -> None:
        """Record activity (the idle limit counts from here)."""
        self._session.execute(
            update(SessionRow).where(SessionRow.token_hash == token_hash).values(last_seen_at=now)
        )

    def delete(self, token_hash: bytes) -> None:
        """End one session."""
        self._session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))

    def set_stage(self, token_hash: bytes, stage: str) -> None:
        """Move a session to another stage (a one-time password changed: "password" to "full")."""
        self._session.execute(
            update(SessionRow).where(SessionRow.token_hash == token_hash).values(stage=stage)
        )

    def delete_others(self, user_id: int, keep: bytes) -> int:
        """End every session of an account but one (the one that changed the password)."""
        result = self._session.execute(
            delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.token_hash != keep)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of a DELETE has rowcount

    def delete_for_user(self, user_id: int) -> int:
        """End every session of an account (suspension, credential reset)."""
        result = self._session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
        return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of a DELETE has rowcount


class ThrottleRepository:
    """Failure counters by hashed key.

    A sign-in attempt is counted before it is verified (`hold` then `count`, in one short unit of
    work) so concurrent guesses cannot all pass one check; counters are created with an upsert so
    concurrent first failures never collide on the key.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert(self) -> Any:
        """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite alike)."""
        dialect = self._session.get_bind().dialect.name
        return postgresql_insert(ThrottleRow) if dialect == "postgresql" else sqlite_insert(ThrottleRow)

    def get(self, key: bytes) -> tuple[int, datetime] | None:
        """Failures and the time of the last one."""
        row = self._session.execute(
            select(ThrottleRow.failures, ThrottleRow.last_failure_at).where(ThrottleRow.key == key)
        ).one_or_none()
        return (row.failures, as_utc(row.last_failure_at)) if row else None

    def hold(self, keys: Sequence[bytes], now: datetime) -> dict[bytes, tuple[int, datetime]]:
        """Lock these counters until the unit ends (creating empty ones), and read them.

        One upsert per key, in key order, that locks the row whether it was there or not and returns
        it: two holders take their locks in the same order and cannot deadlock, and a counter
        another unit deletes meanwhile is simply made again. On SQLite the first upsert takes the
        store's writer lock (store/writer_lock.py) before anything is read.
        """
        held = {}
        for key in sorted(set(keys)):
            statement = self._insert().values(key=key, failures=0, last_failure_at=now)
            row = self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=[ThrottleRow.key],
                    set_={"failures": ThrottleRow.failures},  # unchanged: the upsert only locks it
                ).returning(ThrottleRow.failures, ThrottleRow.last_failure_at)
            ).one()
            held[key] = (row.failures, as_utc(row.last_failure_at))
        return held

    def count(self, key: bytes, failures: int, now: datetime) -> None:
        """Store a held counter's new value."""
        self._session.execute(
            update(ThrottleRow).where(ThrottleRow.key == key).values(failures=failures, last_failure_at=now)
        )

    def record_failure(self, key: bytes, failures: int, now: datetime) -> None:
        """Store the new count, creating the counter if it is not there (an upsert: never a clash)."""
        statement = self._insert().values(key=key, failures=failures, last_failure_at=now)
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[ThrottleRow.key],
                set_={"failures": failures, "last_failure_at": now},
            )
        )

    def refund(self, key: bytes) -> None:
        """Take back one counted attempt (it succeeded), atomically and never below zero."""
        self._session.execute(
            update(ThrottleRow)
            .where(ThrottleRow.key == key, ThrottleRow.failures > 0)
            .values(failures=ThrottleRow.failures - 1)
        )

    def clear(self, key: bytes) -> None:
        """Forget failures (after a success)."""
        self._session.execute(delete(ThrottleRow).where(ThrottleRow.key == key))
