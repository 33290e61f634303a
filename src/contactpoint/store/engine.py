"""Engines for the embedded default (SQLite) and production (PostgreSQL via psycopg 3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

LOCK_WAIT_SECONDS = 10.0  # how long a statement waits for another writer's lock before the store is busy


def _sqlite_tuner(lock_wait_seconds: float) -> Callable[[Any, Any], None]:
    def tune(dbapi_connection: Any, record: Any) -> None:
        _tune_sqlite(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(lock_wait_seconds * 1000)}")

    return tune


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints, safe with WAL
    cursor.execute("PRAGMA temp_store=MEMORY")  # sorts and temporary tables never touch disk
    cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB: random-key index inserts thrash the small default
    # Deleted and overwritten content is zeroed, so a purged record's wrapped key and ciphertext do not
    # linger in free pages of the file (crypto-shredding needs the key's bytes gone, not just unlinked).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str, lock_wait_seconds: float = LOCK_WAIT_SECONDS) -> Engine:
    """An engine with the per-dialect settings this system relies on.

    A statement waits at most `lock_wait_seconds` for a lock another transaction holds (SQLite's
    busy timeout, PostgreSQL's `lock_timeout`), then fails as a busy store (`UnitOfWork` turns that
    into `StoreBusy`), rather than waiting behind a backup or a forgotten transaction for ever."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_tuner(lock_wait_seconds))
        return engine
    options = f"-c lock_timeout={int(lock_wait_seconds * 1000)}"
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"options": options}
    )


_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_PG_LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout ran out


def waited_for_a_lock(error: OperationalError) -> bool:
    """Whether a statement failed because another transaction held a lock past the store's wait."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in {_SQLITE_BUSY, _SQLITE_LOCKED}  # extended codes keep the primary low byte
    return getattr(error.orig, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE


def release_freed_pages(engine: Engine) -> None:
    """After a purge, make the database files stop holding the deleted bytes.

    SQLite keeps old page images in its write-ahead log until a checkpoint; a truncating checkpoint
    writes the zeroed pages back and empties the log. PostgreSQL keeps dead tuples until VACUUM reuses
    their space; there the purge relies on the destroyed data key (docs/adr/0007).
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that never expire loaded state on commit (use cases return plain domain objects)."""
    return sessionmaker(engine, expire_on_commit=False)
