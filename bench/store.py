"""Store benchmark: insert throughput and read-by-ID latency at 100k and 1m children.

Beside each load it prints the database's own ceiling: rows of the same shape (distinct random IDs,
random bytes for payload and wrapped key, random index values, as many per child as the records
have) written straight through the driver into the migrated schema (SQLite: executemany; PostgreSQL:
COPY), with no encoding, encryption or blocking, and the project's rate as a share of it. No loader
of this schema with its constraints in place beats it; it shows how much of the load time is the store.

Run: .venv/bin/python bench/store.py --sizes 100000 1000000 --backends sqlite postgresql
Records are varied copies of a pool of synthetic templates (new ID, shifted date of birth), so the
figures measure the store (encode, encrypt, index, insert; select, decrypt, decode), not the
generator. Each size starts from an empty store.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Connection

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import ChildFactory

from bench.common import fresh_database_url, percentile
from contactpoint.app.children.records import read_child, register_children
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.settings import Settings
from contactpoint.store import codec
from contactpoint.store.repository import CHILD_COLUMNS, INDEX_COLUMNS

TEMPLATES = 5_000
READS = 5_000


def _shape(templates: list[ChildRecord]) -> tuple[int, float]:
    """Mean sealed payload length and mean index entries per child of the templates."""
    payload = statistics.mean(len(codec.encode(t)) + 28 for t in templates)  # nonce + GCM tag
    entries = statistics.mean(len(blocking_terms(t)) for t in templates)
    return int(payload), entries


def ceiling(backend: str, size: int, templates: list[ChildRecord], batch: int = 5_000) -> float:
    """Children per second when rows of the right shape are inserted with no work to make them."""
    payload_bytes, entries = _shape(templates)
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            home=Path(folder), database_url=fresh_database_url(backend, Path(folder), "cp_bench")
        )
        initialise_store(settings, SystemClock())
        runtime = build_runtime(settings)
        marker = "?" if runtime.engine.dialect.paramstyle == "qmark" else "%s"

        def insert(
            connection: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[object, ...]]
        ) -> None:
            if backend == "postgresql":  # the fastest way in PostgreSQL has: COPY
                cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            values = ", ".join([marker] * len(columns))
            connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})", rows)  # noqa: S608  # the schema's own names

        now = SystemClock().now().isoformat() if backend == "sqlite" else SystemClock().now()
        every_id = rng.sample(range(10**12), size)  # distinct across batches, as issued IDs are
        started = time.perf_counter()
        for start in range(0, size, batch):
            ids = sorted(f"{n:012d}" for n in every_id[start : start + batch])
            index = {
                (rng.randint(1, 5), rng.getrandbits(runtime.indexer.bits), cp_id, True)
                for cp_id in ids
                for _ in range(int(entries) + (rng.random() < entries % 1))
            }
            with runtime.engine.begin() as connection:
                insert(connection, "issued_ids", ("cp_id", "issued_at"), [(i, now) for i in ids])
                insert(
                    connection,
                    "children",
                    CHILD_COLUMNS,
                    [(i, "active", "201", 1, rng.randbytes(payload_bytes), now, now) for i in ids],
                )
                insert(
                    connection,
                    "record_keys",
                    ("cp_id", "key_version", "wrapped_key"),
                    [(i, 1, rng.randbytes(60)) for i in ids],
                )
                insert(connection, "blind_index", INDEX_COLUMNS, list(index))
        seconds = time.perf_counter() - started
        runtime.close()
    return size / seconds


def run(backend: str, size: int, templates: list[ChildRecord]) -> dict[str, float]:
    """Load `size` children into an empty store, then time reads by ID."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            home=Path(folder), database_url=fresh_database_url(backend, Path(folder), "cp_bench")
        )
        initialise_store(settings, SystemClock())
        runtime = build_runtime(settings)
        ids: list[ContactPointId] = []

        def build(index: int, cp_id: ContactPointId) -> ChildRecord:
            template = templates[index % len(templates)]
            ids.append(cp_id)
            return replace(
                template, cp_id=cp_id, date_of_birth=template.date_of_birth - timedelta(days=index % 97)
            )

        started = time.perf_counter()
        register_children(runtime, iter(range(size)), build, batch_size=5_000)
        insert_seconds = time.perf_counter() - started

        sample = random.Random(1).sample(ids, min(READS, len(ids)))
        latencies: list[float] = []
        for cp_id in sample:
            begun = time.perf_counter()
            read_child(runtime, cp_id)
            latencies.append(time.perf_counter() - begun)
        runtime.close()
    return {
        "insert_per_s": size / insert_seconds,
        "insert_s": insert_seconds,
        "read_p50_ms": statistics.median(latencies) * 1000,
        "read_p95_ms": percentile(latencies, 0.95) * 1000,
        "ceiling_per_s": ceiling(backend, size, templates),
    }


def main() -> None:
    """Parse options, run every backend and size, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    options = parser.parse_args()
    factory = ChildFactory(seed=42)
    templates = [factory.child() for _ in range(TEMPLATES)]
    print(
        f"{'backend':<11}{'children':>10}{'insert/s':>11}{'load s':>9}{'read p50 ms':>13}{'read p95 ms':>13}"
        f"{'ceiling/s':>11}{'share':>7}"
    )
    for backend in options.backends:
        for size in options.sizes:
            figures = run(backend, size, templates)
            print(
                f"{backend:<11}{size:>10}{figures['insert_per_s']:>11.0f}{figures['insert_s']:>9.1f}"
                f"{figures['read_p50_ms']:>13.3f}{figures['read_p95_ms']:>13.3f}{figures['ceiling_per_s']:>11.0f}"
                f"{figures['insert_per_s'] / figures['ceiling_per_s']:>7.0%}",
                flush=True,
            )


if __name__ == "__main__":
    main()
