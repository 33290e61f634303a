"""Term-frequency benchmark: building the name tables from the index, and linkage quality with them.

Run: .venv/bin/python bench/term_frequencies.py build --children 100000 [--backend postgresql]
     .venv/bin/python bench/term_frequencies.py quality --children 10000 --generations 3

`build` loads an empty SQLite store with varied copies of synthetic templates (as bench/store.py
does), then, in a fresh process so its peak memory is the build's own, times
`build_term_frequencies` over the whole index and prints its peak RSS and, from a second traced
build, the peak of Python's own allocations. `quality` runs the linkage
benchmark's feeds twice: once with the shipped tables, which also makes the index the tables are
then built from; then into a new store with those tables. Pairwise precision, recall and the share
of rows held for review are printed for both.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import ChildFactory

from bench.common import fresh_database_url
from bench.linkage import _generate, _ingest_all, evaluate
from contactpoint.app.children.records import register_children
from contactpoint.app.feeds.linker import Linker, build_linker
from contactpoint.app.feeds.term_frequencies import build_term_frequencies
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.evaluation.demo_data import FEED_ORDER, feed_links
from contactpoint.evaluation.synthetic_geography import import_synthetic_geography
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load
from contactpoint.linkage.scoring import SplinkScorer
from contactpoint.settings import Settings
from contactpoint.synth.truth import Truth

TEMPLATES = 5_000


def _memory_mib(field: str) -> float:
    """VmHWM (peak) or VmRSS (now) of this process; unlike ru_maxrss, the peak is not inherited
    from the parent across exec."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def load_index(home: Path, database_url: str, children: int) -> float:
    """Fill an empty store with `children` records; returns seconds."""
    settings = Settings(home=home, database_url=database_url)
    initialise_store(settings, SystemClock())
    runtime = build_runtime(settings)
    import_synthetic_geography(runtime)  # the store's own lookup places the postcodes
    factory = ChildFactory(seed=42)
    templates = [factory.child() for _ in range(TEMPLATES)]

    def build(index: int, cp_id: ContactPointId) -> ChildRecord:
        template = templates[index % len(templates)]
        return replace(
            template, cp_id=cp_id, date_of_birth=template.date_of_birth - timedelta(days=index % 97)
        )

    started = time.perf_counter()
    register_children(runtime, iter(range(children)), build, batch_size=5_000)
    if runtime.engine.dialect.name == "postgresql":  # as autovacuum soon would after a bulk load
        with runtime.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    runtime.close()
    return time.perf_counter() - started


def time_build(home: Path, database_url: str) -> None:
    """Build the tables (stored) over the index at `home`; print seconds, counts and peak RSS."""
    runtime = build_runtime(Settings(home=home, database_url=database_url))
    before = _memory_mib("VmRSS")
    started = time.perf_counter()
    report, _tables = build_term_frequencies(runtime)
    seconds = time.perf_counter() - started
    peak = _memory_mib("VmHWM")
    tracemalloc.start()  # a second, slower build: Python's own peak, apart from SQLite's page cache
    build_term_frequencies(runtime)
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    runtime.close()
    print(
        f"records {report.records}  names {report.names}  values kept {report.entries}  "
        f"build {seconds:.1f} s ({report.records / seconds:.0f} records/s)  "
        f"peak RSS {peak:.0f} MiB ({before:.0f} MiB before the build)  "
        f"Python allocations peak {python_peak:.1f} MiB"
    )


def _run_feeds(
    home: Path, truth: Truth, generations: int, tables: dict[str, dict[str, float]] | None
) -> None:
    settings = Settings(home=home)
    initialise_store(settings, SystemClock())
    runtime = build_runtime(settings)
    import_synthetic_geography(runtime)  # the store's own lookup places the postcodes
    linker = build_linker(runtime)
    if tables is not None:
        model = replace(load(settings.linkage_model_dir), term_frequencies=tables)
        linker = Linker(
            SplinkScorer(model),
            Thresholds(settings.link_upper_weight, settings.link_lower_weight),
            runtime.la_lookup,
        )
    totals, _reasons, _seconds, _shielded = _ingest_all(
        runtime, linker, truth, generations, list(FEED_ORDER), batch_size=10_000, workers=0
    )
    links = feed_links(runtime)
    figures = evaluate(truth, links)
    label = "index-built" if tables is not None else "shipped"
    print(
        f"== {label} tables: precision {figures['precision']:.5f}  recall {figures['recall']:.5f}  "
        f"review {totals['review'] / totals['read']:.2%} of {totals['read']} rows  "
        f"twins merged {figures['twins_merged']}  duplicate records {figures['duplicate_records']}"
    )
    if tables is None:
        report, built = build_term_frequencies(runtime, dry_run=True)
        print(
            f"   index for the tables: {report.records} records, {report.names} names, kept {report.entries}"
        )
        _run_feeds(home.parent / "second", truth, generations, built)
    runtime.close()


def main() -> None:
    """Run the chosen part and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("part", choices=["build", "quality", "time-build"])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--generations", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite", help="build only.")
    parser.add_argument("--home", type=Path, help="time-build only: the store to build from.")
    parser.add_argument("--database-url", help="time-build only: its database.")
    args = parser.parse_args()
    if args.part == "time-build":
        time_build(args.home, args.database_url)
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if args.part == "build":
            url = fresh_database_url(args.backend, folder, "cp_bench_tf")
            seconds = load_index(folder / "store", url, args.children)
            print(f"loaded {args.children} children in {seconds:.0f} s")
            subprocess.run(  # noqa: S603  # this script, fixed arguments
                [
                    sys.executable,
                    __file__,
                    "time-build",
                    "--home",
                    str(folder / "store"),
                    "--database-url",
                    url,
                ],
                check=True,
            )
            return
        random.seed(1)
        truth = Truth.load(_generate(args.children, args.generations, folder))
        _run_feeds(folder / "first", truth, min(args.generations, truth.manifest["generations"]), None)


if __name__ == "__main__":
    main()
