"""The initial load's writes: into empty tables, in bulk, with their secondary structures built after.

Building an index or a key over a million sorted rows once costs far less than keeping it up to date
row by row, but only into empty tables: a load stopped midway is wiped and started again, never
resumed into (its tables may hold rows no key has checked yet). What was set aside is recorded, in
the same transaction as the drop (DDL is transactional on both databases), so a later load can put
it back even if this one was killed. Like every repository it never commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, select, text, update
from sqlalchemy.orm import Session

from contactpoint.domain.clock import Clock
from contactpoint.store import bulk
from contactpoint.store.feed_models import FeedRun, InitialLoad, ReviewItem
from contactpoint.store.models import Base

# Written by the load, in the order their rows may be written (a table after those it refers to).
LOADED_TABLES = ("issued_ids", "children", "record_keys", "blind_index", "field_provenance", "feed_rows")
# A load starts only when these are all empty: it is for an index that holds nothing yet.
_MUST_BE_EMPTY = (*LOADED_TABLES, "review_items", "merges")
_MARKERS = ", ".join("?" * len(LOADED_TABLES))
_SQLITE_INDEXES = f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({_MARKERS}) ORDER BY name"  # noqa: E501, S608  # markers only


@dataclass(frozen=True, slots=True)
class StoppedLoad:
    """A load that never finished: its run and what it set aside."""

    load_id: int
    run_id: int
    deferred: list[str]


class InitialLoadRepository:
    """Begins, writes, finishes and cleans up after initial loads."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def _postgresql(self) -> bool:
        return self._session.connection().dialect.name == "postgresql"

    def holds_anything(self) -> bool:
        """True when any record, issued ID, ledger row, review item or merge exists."""
        connection = self._session.connection()
        return any(
            connection.exec_driver_sql(f"SELECT 1 FROM {name} LIMIT 1").first() is not None  # noqa: S608  # our own table names
            for name in _MUST_BE_EMPTY
        )

    def stopped(self) -> StoppedLoad | None:
        """The load that was stopped before it finished, if any."""
        row = self._session.execute(
            select(InitialLoad.load_id, InitialLoad.run_id, InitialLoad.deferred).where(
                InitialLoad.finished_at.is_(None)
            )
        ).first()
        return None if row is None else StoppedLoad(row.load_id, row.run_id, json.loads(row.deferred))

    def begin(self, run_id: int, source: str) -> int:
        """Record that a load of `source`'s extract (feed run `run_id`) has started."""
        load = InitialLoad(run_id=run_id, source=source, started_at=self._clock.now(), deferred="[]")
        self._session.add(load)
        self._session.flush()
        return load.load_id

    def wipe(self, stopped: StoppedLoad) -> None:
        """Remove everything a stopped load wrote, put back what it set aside, and forget it."""
        connection = self._session.connection()
        for name in reversed(LOADED_TABLES):
            connection.exec_driver_sql(f"DELETE FROM {name}")  # noqa: S608  # our own table names
        self._session.execute(delete(ReviewItem))
        for statement in stopped.deferred:
            connection.exec_driver_sql(statement)
        self._session.execute(delete(FeedRun).where(FeedRun.run_id == stopped.run_id))
        self._session.execute(delete(InitialLoad).where(InitialLoad.load_id == stopped.load_id))

    def defer_structures(self, load_id: int) -> None:
        """Drop the loaded tables' secondary indexes (and, on PostgreSQL, their keys and the foreign
        keys touching them), recording the statements that rebuild them."""
        drops, rebuilds = self._postgresql_structures() if self._postgresql() else self._sqlite_indexes()
        connection = self._session.connection()
        for statement in drops:
            connection.exec_driver_sql(statement)
        self._session.execute(
            update(InitialLoad).where(InitialLoad.load_id == load_id).values(deferred=json.dumps(rebuilds))
        )

    def rebuild_structures(self, load_id: int) -> None:
        """Build what `defer_structures` dropped, then refresh the planner's statistics."""
        connection = self._session.connection()
        deferred = self._session.scalar(select(InitialLoad.deferred).where(InitialLoad.load_id == load_id))
        for statement in json.loads(deferred or "[]"):
            connection.exec_driver_sql(statement)
        if self._postgresql():
            connection.exec_driver_sql(f"ANALYZE {', '.join(LOADED_TABLES)}")
        self._session.execute(update(InitialLoad).where(InitialLoad.load_id == load_id).values(deferred="[]"))

    def finish(self, load_id: int) -> None:
        """Record that the load finished."""
        self._session.execute(
            update(InitialLoad).where(InitialLoad.load_id == load_id).values(finished_at=self._clock.now())
        )

    def relax_commit(self) -> None:
        """Let this transaction's commit return before its log is flushed (PostgreSQL only, this
        transaction only): a load stopped by a crash is wiped and restarted, never trusted in part."""
        if self._postgresql():
            self._session.execute(text("SET LOCAL synchronous_commit TO off"))

    def write(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Rows into a loaded table: binary COPY on PostgreSQL, executemany on SQLite."""
        if not rows:
            return
        if self._postgresql():
            driver_connection: Any = self._session.connection().connection.driver_connection
            bulk.copy_binary(driver_connection, name, columns, rows)
            return
        bulk.insert_rows(self._session, self._table(name), columns, rows)

    def binder(self, name: str, column: str) -> Callable[[object], object]:
        """What turns a value into what a loaded table's column binds on this database."""
        return bulk.binder(self._session, self._table(name), column)

    def bound(self, name: str, column: str, value: object) -> object:
        """`value` as a loaded table's column binds it on this database."""
        return self.binder(name, column)(value)

    @staticmethod
    def _table(name: str) -> Table:
        return Base.metadata.tables[name]

    def _sqlite_indexes(self) -> tuple[list[str], list[str]]:
        """SQLite: the loaded tables' own indexes (keys stay: SQLite cannot drop them in place)."""
        rows = self._session.connection().exec_driver_sql(_SQLITE_INDEXES, LOADED_TABLES)
        found = list(rows)
        return [f'DROP INDEX "{name}"' for name, _ in found], [sql for _, sql in found]

    def _postgresql_structures(self) -> tuple[list[str], list[str]]:
        """PostgreSQL: foreign keys touching the loaded tables, their keys and unique constraints,
        and their other indexes; dropped in that order and rebuilt in the reverse one."""
        connection = self._session.connection()
        tables = list(LOADED_TABLES)
        constraints = connection.exec_driver_sql(
            "SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid), c.contype "
            "FROM pg_constraint c WHERE (c.contype = 'f' AND (c.conrelid::regclass::text = ANY(%s) "
            "OR c.confrelid::regclass::text = ANY(%s))) "
            "OR (c.contype IN ('p', 'u') AND c.conrelid::regclass::text = ANY(%s)) "
            "ORDER BY c.contype = 'f' DESC, c.conname",
            (tables, tables, tables),
        ).all()
        indexes = connection.exec_driver_sql(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1",
            (tables,),
        ).all()
        drops = [f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"' for name, table, _, _ in constraints]
        drops += [f'DROP INDEX "{name}"' for name, _ in indexes]
        rebuilds = [definition for _, definition in indexes]
        rebuilds += [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
            for name, table, definition, _ in reversed(constraints)
        ]
        return drops, rebuilds
