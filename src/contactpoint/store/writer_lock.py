"""One SQLite writer at a time, across the threads of a process and across processes.

SQLite lets one connection write at a time; the others wait in its busy handler, which sleeps in
steps of up to 100 ms, so under load a queue of writers wastes most of its time asleep. Writers here
queue on a lock instead: a thread lock (one process), then an exclusive `flock` on a file beside the
database (the other server processes of `serve --workers N`). Hand-written because neither SQLite
nor SQLAlchemy offers a writer queue, and no library ties a file lock to a SQLAlchemy transaction.

Every write of a unit of work takes the lock before SQLite's own write lock, whatever issues it (ORM
flush, Core or driver SQL): a statement hook on the engine asks the unit of work that began the
connection's transaction. One order (writer lock, then SQLite's) means writers cannot deadlock.
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from contactpoint.domain.errors import StoreBusy

BEFORE_WRITE = "contactpoint.before_write"  # Session.info key: the unit of work's hook
_READS = ("SELECT", "PRAGMA")  # anything else may write (a read the list misses only queues)
# The hook of the unit of work whose transaction a connection runs; gone with the Connection.
_hooks: weakref.WeakKeyDictionary[Connection, Callable[[], None]] = weakref.WeakKeyDictionary()


def lock_file_for(url: URL) -> Path | None:
    """`<database file>.writer-lock`, or None for an in-memory database (one process only)."""
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        return None
    return Path(database).with_name(Path(database).name + ".writer-lock")


class WriterLock:
    """The thread lock, then (for a database file) the file lock; released in the reverse order."""

    def __init__(self, path: Path | None, wait_seconds: float = 30.0) -> None:
        self._thread = threading.Lock()
        self.path = path
        # A bound, so a mistake (a unit of work writing inside another's, on one thread) fails as a
        # busy store instead of hanging a server thread; longer than SQLite's own busy timeout (10 s).
        self.wait_seconds = wait_seconds
        self._descriptor: int | None = None
        self._opened_by = 0

    def acquire(self) -> None:
        """Block until this caller is the only writer of the database."""
        if not self._thread.acquire(timeout=self.wait_seconds):
            raise StoreBusy("the database stayed busy")
        if self.path is None:
            return
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._thread.release()
            raise

    def release(self) -> None:
        """Let the next writer in (this process's first, then any)."""
        try:
            if self._descriptor is not None:
                fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        finally:
            self._thread.release()

    def _file(self) -> int:
        # A flock belongs to the open file: a process forked after opening would share it, so each
        # process opens its own.
        if self._descriptor is None or self._opened_by != os.getpid():
            assert self.path is not None  # noqa: S101  # acquire checks; for mypy
            self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._opened_by = os.getpid()
        return self._descriptor

    def close(self) -> None:
        """Close the lock file (a held lock is released with it)."""
        if self._descriptor is not None and self._opened_by == os.getpid():
            os.close(self._descriptor)
        self._descriptor = None


def guard_writes(engine: Engine, session_factory: sessionmaker[Session]) -> None:
    """Make every write statement of a session call its `BEFORE_WRITE` hook first."""
    event.listen(session_factory, "after_begin", _remember_hook)
    event.listen(engine, "before_cursor_execute", _before_statement)


def _remember_hook(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    hook = session.info.get(BEFORE_WRITE)
    if hook is not None:
        _hooks[connection] = hook


def _before_statement(connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    hook = _hooks.get(connection)
    if hook is not None and not statement.lstrip()[:6].upper().startswith(_READS):
        hook()
