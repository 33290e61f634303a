"""The child repository: the only place SQL about children is written.

It encrypts on the way in and decrypts on the way out, so nothing above it handles ciphertext and
nothing below it sees plaintext. It never commits: the unit of work does, once, at the edge.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from contactpoint.crypto.blind_index import BlindIndexer
from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.domain.clock import Clock
from contactpoint.domain.errors import ConcurrentUpdate, NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.index_terms import IndexKind, TermsOf
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store import bulk, codec
from contactpoint.store.models import Base, BlindIndexEntry, ChildRow, IssuedId, RecordKey
from contactpoint.store.sealing import CHILDREN_TABLE, KIND_CODES, RecordSealer

_MAX_ROWID = 2**63 - 1
_IN_CHUNK = 500  # below SQLite's and PostgreSQL's bound-parameter limits with room to spare


_ISSUED_IDS: Table = Base.metadata.tables[IssuedId.__tablename__]
_CHILDREN: Table = Base.metadata.tables[ChildRow.__tablename__]
_RECORD_KEYS: Table = Base.metadata.tables[RecordKey.__tablename__]
_BLIND_INDEX: Table = Base.metadata.tables[BlindIndexEntry.__tablename__]
CHILD_COLUMNS = ("cp_id", "status", "la_code", "record_version", "payload", "created_at", "updated_at")
INDEX_COLUMNS = ("kind", "value", "cp_id", "searchable")
KEY_COLUMNS = ("cp_id", "key_version", "wrapped_key")
ISSUED_COLUMNS = ("cp_id", "issued_at")
# What reading a record needs: its row and its wrapped data key.
_STORED = select(
    ChildRow.cp_id,
    ChildRow.status,
    ChildRow.la_code,
    ChildRow.record_version,
    ChildRow.payload,
    ChildRow.created_at,
    ChildRow.updated_at,
    RecordKey.key_version,
    RecordKey.wrapped_key,
).join(RecordKey, RecordKey.cp_id == ChildRow.cp_id)
_StoredRow = Row[str, str, str, int, bytes, datetime, datetime, int, bytes]
# Prebuilt statements for the search path, run on the connection (the ORM's per-statement cost was
# larger than the queries; the repository never leaves ORM objects pending, so nothing is missed).
_STORED_ONE = _STORED.where(ChildRow.cp_id == bindparam("cp_id"))
_STORED_MANY = _STORED.where(ChildRow.cp_id.in_(bindparam("cp_ids", expanding=True)))
_CANDIDATES = select(BlindIndexEntry.cp_id).where(
    BlindIndexEntry.kind == bindparam("kind"), BlindIndexEntry.value.in_(bindparam("values", expanding=True))
)
_SEARCH_CANDIDATES = _CANDIDATES.where(BlindIndexEntry.searchable.is_(True))
_VERSIONS = select(ChildRow.cp_id, ChildRow.record_version).where(
    ChildRow.cp_id.in_(bindparam("cp_ids", expanding=True))
)


@dataclass(frozen=True, slots=True)
class StoredChild:
    """A decrypted record with its storage metadata."""

    record: ChildRecord
    version: int
    created_at: datetime
    updated_at: datetime
    key_version: int  # the key version its data key (and so its index entries) were written under


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many records one LA holds in one status."""

    la_code: str
    status: RecordStatus
    count: int


def stored_day(moment: datetime) -> datetime:
    """The start of the moment's day, the only time a child's row or an issued ID keeps: a time to the
    millisecond would tie a sealed birth record to the adoptive record issued with it (invariant 4)."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _random_rowid() -> int:
    """A row's place in SQLite's table, drawn at random so insertion order says nothing (a record
    issued when another was sealed is otherwise the last row)."""
    return secrets.randbelow(_MAX_ROWID) + 1


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


class ChildRepository:
    """Reads and writes child records through the cipher and the blind indexer."""

    def __init__(
        self, session: Session, cipher: RecordCipher, indexer: BlindIndexer, clock: Clock, terms_of: TermsOf
    ) -> None:
        self._session = session
        self._cipher = cipher
        self._indexer = indexer
        self._clock = clock
        self._terms_of = terms_of  # given by the runtime: the store need not know how terms are made
        self._sealer = RecordSealer(cipher, indexer, terms_of)

    # IDs -----------------------------------------------------------------------------------------

    def reserve_ids(self, count: int) -> list[ContactPointId]:
        """Issue `count` new random IDs, none ever issued before; they are kept even after a purge."""
        chosen: set[str] = set()
        while len(chosen) < count:
            candidates = {ContactPointId.generate().value for _ in range(count - len(chosen))} - chosen
            taken: set[str] = set()
            for chunk in _chunks(sorted(candidates)):
                taken.update(self._session.scalars(select(IssuedId.cp_id).where(IssuedId.cp_id.in_(chunk))))
            chosen |= candidates - taken
        now = self._timestamp(_ISSUED_IDS, "issued_at")  # to the day: see `stored_day`
        ordered = sorted(chosen)
        self._insert_rows(_ISSUED_IDS, ("cp_id", "issued_at"), [(i, now) for i in ordered])
        return [ContactPointId(i) for i in ordered]

    def is_issued(self, cp_id: ContactPointId) -> bool:
        """True when the ID was ever issued, whether or not its record still exists."""
        return self._session.get(IssuedId, cp_id.value) is not None

    # Writing -------------------------------------------------------------------------------------

    def _seal(self, record: ChildRecord, version: int) -> SealedRecord:
        return self._sealer.seal(record, version)

    def _index_entries(self, record: ChildRecord) -> dict[tuple[int, int], bool]:
        return self._sealer.index_entries(record)

    def _index_rows(self, record: ChildRecord) -> list[tuple[int, int, str, bool]]:
        return self._sealer.index_rows(record)

    def _insert_rows(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        bulk.insert_rows(self._session, table, columns, rows)

    def _timestamp(self, table: Table, column: str) -> object:
        return bulk.bound(self._session, table, column, stored_day(self._clock.now()))

    def add_many(self, records: Sequence[ChildRecord]) -> None:
        """Store new records (their IDs reserved first) in bulk: one executemany per table."""
        rows = self._sealer.new_rows(records, self._timestamp(_CHILDREN, "created_at"))
        if self._session.connection().dialect.name == "sqlite":
            children = [(_random_rowid(), *row) for row in rows.children]
            self._insert_rows(_CHILDREN, ("rowid", *CHILD_COLUMNS), children)
        else:
            self._insert_rows(_CHILDREN, CHILD_COLUMNS, rows.children)
        self._insert_rows(_RECORD_KEYS, KEY_COLUMNS, rows.keys)
        self._insert_rows(_BLIND_INDEX, INDEX_COLUMNS, rows.index)

    def replace(self, record: ChildRecord, expected_version: int) -> int:
        """Write a new version of a record; raises ConcurrentUpdate if someone else wrote first."""
        return self._rewrite(record, expected_version, expected_version + 1)

    def _rewrite(self, record: ChildRecord, expected_version: int, new_version: int) -> int:
        sealed = self._seal(record, new_version)
        # Through the driver, as `replace_many` writes: the stored time must look the same on every path.
        row = (
            record.status.value,
            record.la_code,
            new_version,
            sealed.payload,
            self._timestamp(_CHILDREN, "updated_at"),
            record.cp_id.value,
            expected_version,
        )
        if self._session.connection().exec_driver_sql(self._update_child(), row).rowcount != 1:
            raise ConcurrentUpdate("the record changed since it was read")
        self._session.execute(
            update(RecordKey)
            .where(RecordKey.cp_id == record.cp_id.value)
            .values(key_version=sealed.key_version, wrapped_key=sealed.wrapped_key)
            .execution_options(synchronize_session=False)
        )
        self._session.execute(delete(BlindIndexEntry).where(BlindIndexEntry.cp_id == record.cp_id.value))
        self._insert_rows(_BLIND_INDEX, INDEX_COLUMNS, self._index_rows(record))
        return new_version

    def _update_child(self) -> str:
        marker = bulk.marker(self._session)
        return (
            f"UPDATE {_CHILDREN.name} SET status = {marker}, la_code = {marker}, record_version = {marker}, "  # noqa: S608  # names from our own models
            f"payload = {marker}, updated_at = {marker} WHERE cp_id = {marker} AND record_version = {marker}"
        )

    def replace_many(self, changes: Sequence[tuple[StoredChild, ChildRecord]]) -> None:
        """Write new versions of several records in bulk (feed batches); each (as read, as it is now).

        Only the index entries that changed are written: a feed row adds an identifier or an address
        to a record far more often than it changes a name, and rewriting all of a record's entries
        was most of the cost of a linked row. Entries are a function of the record's terms, so a
        record whose terms are unchanged has nothing HMACed at all, and a changed one has each term
        HMACed once for both versions. A record still sealed under an older key version gets
        all its entries rewritten under the current one, as a rotation would (its entries may be old).
        Raises ConcurrentUpdate, leaving the transaction to roll back, if any record changed since read.
        """
        if not changes:
            return
        connection = self._session.connection()
        marker = bulk.marker(self._session)
        now = self._timestamp(_CHILDREN, "updated_at")
        current_key = self._cipher.current_key_version
        children: list[tuple[object, ...]] = []
        keys: list[tuple[object, ...]] = []
        rewrite_all: list[str] = []
        stale: list[tuple[int, int, str]] = []
        index: list[tuple[int, int, str, bool]] = []
        for before, record in changes:
            version = before.version
            sealed = self._seal(record, version + 1)
            cp_id = record.cp_id.value
            children.append(
                (record.status.value, record.la_code, version + 1, sealed.payload, now, cp_id, version)
            )
            keys.append((sealed.key_version, sealed.wrapped_key, cp_id))
            terms = self._sealer.terms(record)
            # A protected record's entries are all rewritten: entries written under an older
            # visibility rule (a former name once searchable) must not outlive the change
            if before.key_version != current_key or record.status is not RecordStatus.ACTIVE:
                rewrite_all.append(cp_id)
                index.extend(
                    (kind, value, cp_id, searchable)
                    for (kind, value), searchable in self._sealer.entries_of(terms).items()
                )
                continue
            held_terms = self._sealer.terms(before.record)
            if held_terms == terms:  # the entries are a function of the terms: nothing to HMAC or write
                continue
            values: dict[tuple[IndexKind, str], int] = {}
            entries = self._sealer.entries_of(terms, values)
            held = self._sealer.entries_of(held_terms, values)
            stale.extend(
                (kind, value, cp_id)
                for (kind, value), was in held.items()
                if entries.get((kind, value)) != was
            )
            index.extend(
                (kind, value, cp_id, searchable)
                for (kind, value), searchable in entries.items()
                if held.get((kind, value)) != searchable
            )
        # One executemany: both drivers (sqlite3, psycopg 3) report the rows it changed in all, so a
        # record written since it was read (its version moved on) leaves the total short.
        updated = connection.exec_driver_sql(self._update_child(), children).rowcount
        if updated != len(children):
            raise ConcurrentUpdate("the record changed since it was read")
        connection.exec_driver_sql(
            f"UPDATE {_RECORD_KEYS.name} SET key_version = {marker}, wrapped_key = {marker} "  # noqa: S608  # names from our own models
            f"WHERE cp_id = {marker}",
            keys,
        )
        for chunk in _chunks(rewrite_all):
            self._session.execute(delete(BlindIndexEntry).where(BlindIndexEntry.cp_id.in_(chunk)))
        if stale:
            connection.exec_driver_sql(
                f"DELETE FROM {_BLIND_INDEX.name} WHERE kind = {marker} AND value = {marker} "  # noqa: S608  # names from our own models
                f"AND cp_id = {marker}",
                stale,
            )
        self._insert_rows(_BLIND_INDEX, INDEX_COLUMNS, index)

    def remove(self, cp_id: ContactPointId) -> None:
        """Delete a record, its key and its index entries; its ID stays issued (a merge absorbed it)."""
        self._delete(cp_id)

    def restore(self, record: ChildRecord) -> None:
        """Put back a record removed by a merge, under its own (already issued) ID."""
        self.add_many([record])

    # Reading -------------------------------------------------------------------------------------

    def _open(self, row: _StoredRow) -> StoredChild:
        cp_id = ContactPointId(row.cp_id)
        status = RecordStatus(row.status)
        context = RecordContext(CHILDREN_TABLE, cp_id.value, status.value, row.la_code, row.record_version)
        plaintext = self._cipher.open(SealedRecord(row.payload, row.wrapped_key, row.key_version), context)
        record = codec.decode(plaintext, cp_id, status, row.la_code)
        return StoredChild(record, row.record_version, row.created_at, row.updated_at, row.key_version)

    def get(self, cp_id: ContactPointId) -> StoredChild:
        """Decrypt one record; raises NotFound if there is none and IntegrityFailure if tampered with."""
        row = self._session.connection().execute(_STORED_ONE, {"cp_id": cp_id.value}).one_or_none()
        if row is None:
            raise NotFound("no such record")
        return self._open(row)

    def page(
        self, statuses: Iterable[RecordStatus], after: ContactPointId | None, limit: int
    ) -> list[StoredChild]:
        """Up to `limit` decrypted records in these statuses with IDs after `after`, in ID order.

        For whole-index passes (retention) that must not hold the index in memory.
        """
        query = _STORED.where(ChildRow.status.in_([s.value for s in statuses]))
        if after is not None:
            query = query.where(ChildRow.cp_id > after.value)
        rows = self._session.execute(query.order_by(ChildRow.cp_id).limit(limit))
        return [self._open(row) for row in rows]

    def get_many(self, cp_ids: Iterable[ContactPointId]) -> dict[ContactPointId, StoredChild]:
        """Decrypt several records in a few queries (linkage candidates); missing IDs are left out."""
        wanted = sorted({i.value for i in cp_ids})
        found: dict[ContactPointId, StoredChild] = {}
        for chunk in _chunks(wanted):
            for row in self._session.connection().execute(_STORED_MANY, {"cp_ids": list(chunk)}):
                stored = self._open(row)
                found[stored.record.cp_id] = stored
        return found

    def candidates(self, kind: IndexKind, terms: Iterable[str], *, for_search: bool) -> set[ContactPointId]:
        """IDs whose index entries match any of `terms`. For search, only searchable entries count."""
        if for_search and not kind.for_search:
            raise ValueError(f"{kind.value} is not a search index")
        return self.candidates_by_value(kind, self.lookup_values(kind, terms), for_search=for_search)

    def lookup_values(self, kind: IndexKind, terms: Iterable[str]) -> set[int]:
        """The index values that find `terms`, under every key version held (so mid-rotation too)."""
        return self._indexer.query_values(kind, terms)

    def candidates_by_value(
        self, kind: IndexKind, values: Iterable[int], *, for_search: bool = False
    ) -> set[ContactPointId]:
        """IDs with an index entry of `kind` holding any of `values` (from `lookup_values`)."""
        ordered = sorted(values)
        found: set[str] = set()
        query = _SEARCH_CANDIDATES if for_search else _CANDIDATES
        connection = self._session.connection()
        for start in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[start : start + _IN_CHUNK]
            found.update(connection.execute(query, {"kind": KIND_CODES[kind], "values": chunk}).scalars())
        # Each ID checked once: a feed batch's look-ups find the same records through many values.
        return {ContactPointId(i) for i in found}

    def versions(self, cp_ids: Iterable[ContactPointId]) -> dict[ContactPointId, int]:
        """The current version of each of these records that exists, read without decrypting."""
        wanted = sorted(i.value for i in cp_ids)
        found: dict[ContactPointId, int] = {}
        connection = self._session.connection()
        for chunk in _chunks(wanted):
            rows = connection.execute(_VERSIONS, {"cp_ids": list(chunk)})
            found.update((ContactPointId(cp_id), version) for cp_id, version in rows)
        return found

    # Counting and maintenance --------------------------------------------------------------------

    def count(self) -> int:
        """How many records exist."""
        return self._session.scalar(select(func.count()).select_from(ChildRow)) or 0

    def counts_by_la_and_status(self) -> list[StatusCount]:
        """Record counts per LA and status, from plaintext columns only (no decryption)."""
        rows = self._session.execute(
            select(ChildRow.la_code, ChildRow.status, func.count())
            .group_by(ChildRow.la_code, ChildRow.status)
            .order_by(ChildRow.la_code, ChildRow.status)
        )
        return [StatusCount(la, RecordStatus(status), n) for la, status, n in rows]

    def counts_by_key_version(self) -> dict[int, int]:
        """How many records each key version protects."""
        rows = self._session.execute(
            select(RecordKey.key_version, func.count()).group_by(RecordKey.key_version)
        )
        return dict(rows.all())

    def ids_not_under(self, key_version: int, limit: int) -> list[ContactPointId]:
        """A batch of records still sealed under another key version, in ID order."""
        ids = self._session.scalars(
            select(RecordKey.cp_id)
            .where(RecordKey.key_version != key_version)
            .order_by(RecordKey.cp_id)
            .limit(limit)
        )
        return [ContactPointId(i) for i in ids]

    def purge(self, cp_id: ContactPointId) -> None:
        """Destroy a record: its wrapped data key first (crypto-shredding), then its rows.

        The ID stays in issued_ids so it is never issued again.
        """
        if not self._delete(cp_id):
            raise NotFound("no such record")

    def _delete(self, cp_id: ContactPointId) -> int:
        self._session.execute(delete(RecordKey).where(RecordKey.cp_id == cp_id.value))
        self._session.execute(delete(BlindIndexEntry).where(BlindIndexEntry.cp_id == cp_id.value))
        deleted = self._session.execute(delete(ChildRow).where(ChildRow.cp_id == cp_id.value))
        return int(deleted.rowcount)  # type: ignore[attr-defined]  # CursorResult of a DELETE has rowcount

    def ids_after(self, after: str, limit: int) -> list[ContactPointId]:
        """A page of record IDs in ID order, after `after` ("" for the first page)."""
        ids = self._session.scalars(
            select(ChildRow.cp_id).where(ChildRow.cp_id > after).order_by(ChildRow.cp_id).limit(limit)
        )
        return [ContactPointId(i) for i in ids]

    def protected_ids_after(self, after: str, limit: int) -> list[ContactPointId]:
        """A page of IDs of records that are not plainly active (shielded, sealed, archived, deceased)."""
        ids = self._session.scalars(
            select(ChildRow.cp_id)
            .where(ChildRow.cp_id > after, ChildRow.status != RecordStatus.ACTIVE.value)
            .order_by(ChildRow.cp_id)
            .limit(limit)
        )
        return [ContactPointId(i) for i in ids]

    def reseal(
        self, cp_id: ContactPointId, upgrade: Callable[[ChildRecord], ChildRecord] | None = None
    ) -> None:
        """Re-encrypt and re-index a record under the current key version, keeping its version number
        (`upgrade` brings the payload up to today's rules first, e.g. a shielded child's sealed identity)."""
        stored = self.get(cp_id)
        record = upgrade(stored.record) if upgrade is not None else stored.record
        self._rewrite(record, stored.version, stored.version)
