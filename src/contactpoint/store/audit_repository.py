"""The audit log's rows, its head, checkpoints and misuse alerts: the only SQL about them.

Entries are only ever inserted; nothing here updates or deletes one. `lock_head` serialises
appenders: its UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before the head is
read, so two requests can never chain onto the same predecessor.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, case, event, func, insert, or_, select, update
from sqlalchemy.orm import Session

from contactpoint.store.access_models import (
    AlertRow,
    AuditCheckpointRow,
    AuditEntryRow,
    AuditHeadRow,
    AuditSubjectRow,
)
from contactpoint.store.timestamps import as_utc

GENESIS_HASH = bytes(32)
_HEAD_ID = 1
_ENTRIES: Table = AuditEntryRow.__table__  # type: ignore[assignment]  # declarative tables are Tables
_SUBJECTS: Table = AuditSubjectRow.__table__  # type: ignore[assignment]
_HEAD: Table = AuditHeadRow.__table__  # type: ignore[assignment]

# Built once: these run on every search and view, where building statements cost more than running them.
_LOCK_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == _HEAD_ID)
    .values(seq=_HEAD.c.seq)
    .returning(_HEAD.c.seq, _HEAD.c.entry_hash, _HEAD.c.checkpoint_seq, _HEAD.c.checkpoint_at)
)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == _HEAD_ID)
    .values(seq=bindparam("new_seq"), entry_hash=bindparam("new_hash"))
)
_INSERT_ENTRY = insert(_ENTRIES)
_INSERT_SUBJECT = insert(_SUBJECTS)
_COUNTS = select(
    func.count(), func.coalesce(func.sum(case((_ENTRIES.c.at >= bindparam("recent"), 1), else_=0)), 0)
).where(
    _ENTRIES.c.actor_id == bindparam("actor"),
    _ENTRIES.c.kind == bindparam("kind"),
    _ENTRIES.c.at >= bindparam("since"),
)


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The chain's last entry and the last checkpoint signed, as the locked head row says."""

    seq: int
    entry_hash: bytes
    checkpoint_seq: int = 0
    checkpoint_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One audit row with the subject hashes that belong to it."""

    seq: int
    at: datetime
    kind: str
    actor_id: int | None
    key_version: int
    payload: bytes
    prev_hash: bytes
    entry_hash: bytes
    subjects: tuple[bytes, ...]
    subject_las: tuple[str | None, ...] = ()  # the LA owning each subject's child, where recorded


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A signed chain head."""

    seq: int
    at: datetime
    entry_hash: bytes
    key_version: int
    signature: bytes


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """A misuse alert."""

    id: int
    at: datetime
    user_id: int
    la_code: str | None
    kind: str
    score: int
    audit_seq: int | None
    entry_seq: int | None = None
    state: str = "new"
    outcome: str | None = None
    state_by: int | None = None
    state_at: datetime | None = None


def _alert(r: AlertRow) -> StoredAlert:
    return StoredAlert(
        r.id,
        as_utc(r.at),
        r.user_id,
        r.la_code,
        r.kind,
        r.score,
        r.audit_seq,
        r.entry_seq,
        r.state,
        r.outcome,
        r.state_by,
        as_utc(r.state_at) if r.state_at is not None else None,
    )


class AuditRepository:
    """Append-only access to the audit tables."""

    def __init__(self, session: Session, before_write: Callable[[], None] | None = None) -> None:
        self._session = session
        self._before_write = before_write

    def lock_head(self) -> AuditHead:
        """Take the append lock and return the head.

        The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before the head is read.
        """
        if self._before_write is not None:
            self._before_write()
        row = self._session.connection().execute(_LOCK_HEAD).one_or_none()
        if row is None:
            self._session.add(AuditHeadRow(id=_HEAD_ID, seq=0, entry_hash=GENESIS_HASH, checkpoint_seq=0))
            self._session.flush()
            return AuditHead(0, GENESIS_HASH)
        at = as_utc(row.checkpoint_at) if row.checkpoint_at is not None else None
        return AuditHead(row.seq, row.entry_hash, row.checkpoint_seq, at)

    def after_commit(self, callback: Callable[[], object]) -> None:
        """Run `callback` once this transaction commits (never if it rolls back)."""
        event.listen(self._session, "after_commit", lambda _session: callback(), once=True)

    def after_commit_latest(self, key: str, callback: Callable[[], object]) -> None:
        """Run the last `callback` given under `key` once this transaction commits: one run per
        transaction, however often the work asks (never if it rolls back)."""
        info = self._session.info
        pending = f"after-commit:{key}"
        if pending not in info:

            def run(_session: Session) -> None:
                latest = info.pop(pending, None)
                if latest is not None:
                    latest()

            event.listen(self._session, "after_commit", run, once=True)
            event.listen(self._session, "after_rollback", lambda _session: info.pop(pending, None), once=True)
        info[pending] = callback

    def head(self) -> tuple[int, bytes]:
        """The head without locking (for verification)."""
        row = self._session.execute(
            select(AuditHeadRow.seq, AuditHeadRow.entry_hash).where(AuditHeadRow.id == _HEAD_ID)
        ).one_or_none()
        return (row.seq, row.entry_hash) if row else (0, GENESIS_HASH)

    def insert(self, entry: StoredEntry, owners: Mapping[bytes, str] | None = None) -> None:
        """Append one entry and its subjects (with the LA owning each, where known), and move the head
        to it (Core statements: this runs on every read, and the ORM's bookkeeping cost more than the
        inserts)."""
        connection = self._session.connection()
        connection.execute(
            _INSERT_ENTRY,
            {
                "seq": entry.seq,
                "at": entry.at,
                "kind": entry.kind,
                "actor_id": entry.actor_id,
                "key_version": entry.key_version,
                "payload": entry.payload,
                "prev_hash": entry.prev_hash,
                "entry_hash": entry.entry_hash,
            },
        )
        if entry.subjects:
            owned = owners or {}
            connection.execute(
                _INSERT_SUBJECT,
                [{"seq": entry.seq, "subject": s, "la_code": owned.get(s)} for s in entry.subjects],
            )
        connection.execute(_MOVE_HEAD, {"new_seq": entry.seq, "new_hash": entry.entry_hash})

    def _with_subjects(self, rows: Sequence[AuditEntryRow]) -> list[StoredEntry]:
        seqs = [row.seq for row in rows]
        subjects: dict[int, list[tuple[bytes, str | None]]] = {}
        if seqs:
            for seq, subject, la_code in self._session.execute(
                select(AuditSubjectRow.seq, AuditSubjectRow.subject, AuditSubjectRow.la_code).where(
                    AuditSubjectRow.seq.in_(seqs)
                )
            ):
                subjects.setdefault(seq, []).append((subject, la_code))
        entries = []
        for row in rows:
            owned = sorted(subjects.get(row.seq, []), key=lambda pair: pair[0])
            entries.append(
                StoredEntry(
                    row.seq,
                    as_utc(row.at),
                    row.kind,
                    row.actor_id,
                    row.key_version,
                    row.payload,
                    row.prev_hash,
                    row.entry_hash,
                    tuple(subject for subject, _ in owned),
                    tuple(la for _, la in owned),
                )
            )
        return entries

    def iter_entries(self, batch: int = 1000) -> Iterator[StoredEntry]:
        """Every entry in sequence order, in batches (the physical order a verifier must check)."""
        after = -1
        while True:
            rows = list(
                self._session.scalars(
                    select(AuditEntryRow)
                    .where(AuditEntryRow.seq > after)
                    .order_by(AuditEntryRow.seq)
                    .limit(batch)
                )
            )
            if not rows:
                return
            yield from self._with_subjects(rows)
            after = rows[-1].seq

    def of_kinds_about(self, kinds: Collection[str], subjects: Sequence[bytes]) -> list[StoredEntry]:
        """Entries of these kinds about any of these subject hashes, in sequence order (few: the
        requests and decisions about one child)."""
        about = select(AuditSubjectRow.seq).where(AuditSubjectRow.subject.in_(list(subjects)))
        query = (
            select(AuditEntryRow)
            .where(AuditEntryRow.kind.in_(list(kinds)), AuditEntryRow.seq.in_(about))
            .order_by(AuditEntryRow.seq)
        )
        return self._with_subjects(list(self._session.scalars(query)))

    def orphan_subject_count(self) -> int:
        """Subject rows whose entry is gone (a deleted entry leaves these behind)."""
        return (
            self._session.scalar(
                select(func.count())
                .select_from(AuditSubjectRow)
                .where(~AuditSubjectRow.seq.in_(select(AuditEntryRow.seq)))
            )
            or 0
        )

    def query(
        self,
        *,
        actor_ids: Sequence[int] | None,
        subjects: Sequence[bytes] | None,
        since: datetime | None,
        until: datetime | None,
        exclude_actor: int | None,
        limit: int,
        exclude_kinds: Collection[str] = (),
        reach: tuple[Sequence[int], str] | None = None,
    ) -> list[StoredEntry]:
        """Entries matching every given filter, newest first.

        `reach` (accounts, LA code) keeps entries made by those accounts or about children that LA owns.
        """
        query = select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(limit)
        if reach is not None:
            accounts, la_code = reach
            query = query.where(
                or_(
                    AuditEntryRow.actor_id.in_(list(accounts)),
                    AuditEntryRow.seq.in_(
                        select(AuditSubjectRow.seq).where(AuditSubjectRow.la_code == la_code)
                    ),
                )
            )
        if actor_ids is not None:
            query = query.where(AuditEntryRow.actor_id.in_(list(actor_ids)))
        if subjects is not None:
            query = query.where(
                AuditEntryRow.seq.in_(
                    select(AuditSubjectRow.seq).where(AuditSubjectRow.subject.in_(list(subjects)))
                )
            )
        if since is not None:
            query = query.where(AuditEntryRow.at >= since)
        if until is not None:
            query = query.where(AuditEntryRow.at < until)
        if exclude_actor is not None:
            query = query.where(AuditEntryRow.actor_id != exclude_actor)
        if exclude_kinds:
            query = query.where(AuditEntryRow.kind.not_in(list(exclude_kinds)))
        return self._with_subjects(list(self._session.scalars(query)))

    def count_by_actor(self, actor_id: int, kind: str, since: datetime) -> int:
        """How many entries of a kind an account made since a time (misuse signals)."""
        return self.counts_since(actor_id, kind, since, since)[0]

    def counts_since(self, actor_id: int, kind: str, since: datetime, recent: datetime) -> tuple[int, int]:
        """Entries of a kind by one account since `since`, and since the later `recent`, in one query."""
        row = (
            self._session.connection()
            .execute(_COUNTS, {"actor": actor_id, "kind": kind, "since": since, "recent": recent})
            .one()
        )
        return int(row[0]), int(row[1])

    def counts_by_actor(self, kind: str, since: datetime, actor_ids: Sequence[int]) -> dict[int, int]:
        """Entries of a kind per account since a time (peers' baseline)."""
        if not actor_ids:
            return {}
        rows = self._session.execute(
            select(AuditEntryRow.actor_id, func.count())
            .where(
                AuditEntryRow.kind == kind,
                AuditEntryRow.at >= since,
                AuditEntryRow.actor_id.in_(list(actor_ids)),
            )
            .group_by(AuditEntryRow.actor_id)
        )
        return {actor: n for actor, n in rows if actor is not None}

    # Checkpoints ---------------------------------------------------------------------------------

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        """Store a signed head, and note it on the head row (call with the head locked)."""
        self._session.add(
            AuditCheckpointRow(
                seq=checkpoint.seq,
                at=checkpoint.at,
                entry_hash=checkpoint.entry_hash,
                key_version=checkpoint.key_version,
                signature=checkpoint.signature,
            )
        )
        self._session.flush()
        self._session.connection().execute(
            update(_HEAD)
            .where(_HEAD.c.id == _HEAD_ID)
            .values(checkpoint_seq=checkpoint.seq, checkpoint_at=checkpoint.at)
        )

    def checkpoints(self, after: int = 0) -> list[StoredCheckpoint]:
        """Every checkpoint after sequence number `after`, in order."""
        rows = self._session.scalars(
            select(AuditCheckpointRow).where(AuditCheckpointRow.seq > after).order_by(AuditCheckpointRow.seq)
        )
        return [StoredCheckpoint(r.seq, as_utc(r.at), r.entry_hash, r.key_version, r.signature) for r in rows]

    def latest_checkpoint_seq(self) -> int:
        """The sequence number of the last checkpoint, 0 if none."""
        return self._session.scalar(select(func.max(AuditCheckpointRow.seq))) or 0

    # Alerts --------------------------------------------------------------------------------------

    def add_alert(
        self,
        *,
        at: datetime,
        user_id: int,
        la_code: str | None,
        kind: str,
        score: int,
        audit_seq: int | None,
        entry_seq: int | None = None,
    ) -> None:
        """Raise a misuse alert (`entry_seq`: the audit entry recording it)."""
        self._session.add(
            AlertRow(
                at=at,
                user_id=user_id,
                la_code=la_code,
                kind=kind,
                score=score,
                audit_seq=audit_seq,
                entry_seq=entry_seq,
            )
        )
        self._session.flush()

    def all_alerts(self) -> Iterator[StoredAlert]:
        """Every alert, oldest first (verification compares them with the chain)."""
        for r in self._session.scalars(select(AlertRow).order_by(AlertRow.id)):
            yield _alert(r)

    def alert(self, alert_id: int) -> StoredAlert | None:
        """One alert by its number."""
        row = self._session.get(AlertRow, alert_id)
        return _alert(row) if row is not None else None

    def set_alert_state(
        self, alert_id: int, *, state: str, outcome: str | None, by: int, at: datetime
    ) -> None:
        """An auditor's handling of an alert (the alert itself, raised from the chain, is unchanged)."""
        row = self._session.get(AlertRow, alert_id)
        if row is None:
            raise KeyError(alert_id)
        row.state, row.outcome, row.state_by, row.state_at = state, outcome, by, at
        self._session.flush()

    def alerts(
        self, la_code: str | None, since: datetime, exclude_user: int | None, limit: int
    ) -> list[StoredAlert]:
        """Alerts since a time, for one LA or all, highest score first."""
        query = (
            select(AlertRow)
            .where(AlertRow.at >= since)
            .order_by(AlertRow.score.desc(), AlertRow.id.desc())
            .limit(limit)
        )
        if la_code is not None:
            query = query.where(AlertRow.la_code == la_code)
        if exclude_user is not None:
            query = query.where(AlertRow.user_id != exclude_user)
        return [_alert(r) for r in self._session.scalars(query)]
