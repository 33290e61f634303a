"""Engines for the embedded default (SQLite) and production (PostgreSQL via psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints, safe with WAL
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA temp_store=MEMORY")  # sorts and temporary tables never touch disk
    cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB: random-key index inserts thrash the small default
    # Deleted and overwritten content is zeroed, so a purged record's wrapped key and ciphertext do not
    # linger in free pages of the file (crypto-shredding needs the key's bytes gone, not just unlinked).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with the per-dialect settings this system relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


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
