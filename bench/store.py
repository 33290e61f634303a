"""Store benchmark: insert throughput and read-by-ID latency at 100k and 1m children.

Beside each load it prints the engine floor measured in the same run (`common.engine_floor`): the
very rows the load wrote (same ciphertexts, wrapped keys and index rows per child) written again
into an empty migrated store straight through the driver (SQLite: executemany; PostgreSQL: binary
COPY), with no encoding, encryption or blocking, and the ratio of the load's time to it. It shows
how much of the load time is the store, and how much is the project's own work.

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import ChildFactory

from bench.common import disk_bytes, engine_floor, fresh_database_url, percentile
from contactpoint.app.children.records import read_child, register_children
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.settings import Settings

TEMPLATES = 5_000
READS = 5_000


def run(backend: str, size: int, templates: list[ChildRecord]) -> dict[str, float]:
    """Load `size` children into an empty store, then time reads by ID."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            home=Path(folder) / "store",
            database_url=fresh_database_url(backend, Path(folder) / "store", "cp_bench"),
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
        size_on_disk = disk_bytes(runtime.engine)
        floor_seconds = engine_floor(runtime.engine, backend, Path(folder) / "floor")
        runtime.close()
    return {
        "insert_per_s": size / insert_seconds,
        "insert_s": insert_seconds,
        "read_p50_ms": statistics.median(latencies) * 1000,
        "read_p95_ms": percentile(latencies, 0.95) * 1000,
        "floor_s": floor_seconds,
        "bytes_per_child": size_on_disk / size,
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
        f"{'floor s':>9}{'floor/s':>10}{'load/floor':>11}{'bytes/child':>12}"
    )
    for backend in options.backends:
        for size in options.sizes:
            figures = run(backend, size, templates)
            print(
                f"{backend:<11}{size:>10}{figures['insert_per_s']:>11.0f}{figures['insert_s']:>9.1f}"
                f"{figures['read_p50_ms']:>13.3f}{figures['read_p95_ms']:>13.3f}{figures['floor_s']:>9.1f}"
                f"{size / figures['floor_s']:>10.0f}{figures['insert_s'] / figures['floor_s']:>10.1f}x"
                f"{figures['bytes_per_child']:>12.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
