"""What the benchmarks share: a fresh database for a run, percentiles, the engine floor, disk size."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from contactpoint.app.operations.initialise import initialise_store
from contactpoint.domain.clock import SystemClock
from contactpoint.settings import Settings
from contactpoint.store import bulk
from contactpoint.store.engine import make_engine
from contactpoint.store.models import Base

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# What a store of children holds, parents before the tables that refer to them.
CHILD_TABLES = ("issued_ids", "children", "record_keys", "blind_index")
FEED_TABLES = ("feed_runs", "feed_rows", "field_provenance", "review_items")


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted samples (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def fresh_database_url(backend: str, folder: Path, name: str) -> str:
    """An empty SQLite file in `folder`, or a PostgreSQL database `name` dropped and created anew."""
    if backend == "sqlite":
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'contactpoint.db'}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def disk_bytes(engine: Engine) -> int:
    """Bytes the database takes on disk: the SQLite file and its log, or PostgreSQL's database size."""
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def engine_floor(
    source: Engine,
    backend: str,
    folder: Path,
    tables: Sequence[str] = CHILD_TABLES,
    *,
    batch: int = 5_000,
    database: str = "cp_bench_floor",
) -> float:
    """Seconds the database engine alone takes to write exactly the rows `source` holds in `tables`.

    The same bytes (ciphertexts, wrapped keys, index rows, ledger rows) are read back from `source`
    and written into an empty migrated store of the same backend with the driver's fastest raw call
    (SQLite: executemany; PostgreSQL: binary COPY), `batch` rows per transaction, constraints and
    indexes in place, in primary-key order (the cheapest order). Only the writes are timed: no
    encoding, encryption, hashing or decisions. No writer of this schema does the same work faster.
    """
    settings = Settings(home=folder, database_url=fresh_database_url(backend, folder, database))
    initialise_store(settings, SystemClock())
    target = make_engine(settings.resolved_database_url())
    seconds = 0.0
    for name in tables:
        table = Base.metadata.tables[name]
        columns = [column.name for column in table.columns]
        key = ", ".join(column.name for column in table.primary_key.columns)
        insert = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})"  # noqa: S608  # our own names
        with source.connect().execution_options(stream_results=True) as reading:
            result = reading.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {name} ORDER BY {key}")  # noqa: S608  # our own names
            while rows := [tuple(row) for row in result.fetchmany(batch)]:
                began = time.perf_counter()
                with target.begin() as writing:
                    if backend == "postgresql":
                        bulk.copy_binary(writing.connection.driver_connection, name, columns, rows)
                    else:
                        writing.exec_driver_sql(insert, rows)
                seconds += time.perf_counter() - began
    target.dispose()
    return seconds
