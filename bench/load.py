"""Initial load benchmark: `load_extract` at 100k and 1m children, beside the engine floor and the feed path.

Run: nice -n 10 .venv/bin/python bench/load.py --sizes 100000 1000000 --backends sqlite postgresql
     [--ingest-up-to 100000]

The extract is a child benefit CSV of distinct synthetic children made from the store benchmark's
generator (`tests.factories.ChildFactory`, 5,000 templates): each row takes a given name, a family
name and an address from three templates, a random date of birth (0-17 years old), a random inward
postcode and its own child benefit reference, so rows are distinct children with realistic name
collisions. All children are placed in one LA (the factory's postcodes are outside any geography).
Printed per backend and size: load seconds and stages, children/s, disk bytes per child, the engine
floor (`common.engine_floor`: the same rows the load left, written again through the driver alone)
and the ratio; and for sizes up to `--ingest-up-to`, the same file through `ingest_feed` (the
per-row feed path, two workers as the CLI would use) into an empty store.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import ChildFactory
from tests.linkage_support import CHILD_BENEFIT_HEADER, child_benefit_row

from bench.common import CHILD_TABLES, disk_bytes, engine_floor, fresh_database_url
from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.feeds.load import load_extract
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.settings import Settings

SOURCE = "child_benefit"
TEMPLATES = 5_000
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def write_extract(path: Path, size: int, seed: int = 42) -> Path:
    """A child benefit extract of `size` distinct synthetic children."""
    factory = ChildFactory(seed=seed)
    templates = [child_benefit_row("", factory.child()) for _ in range(TEMPLATES)]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CHILD_BENEFIT_HEADER)
        writer.writeheader()
        for i in range(size):
            named, family, place = (templates[rng.randrange(TEMPLATES)] for _ in range(3))
            outward = place["POSTCODE"].split(" ")[0]
            inward = f"{rng.randrange(10)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
            writer.writerow(
                {
                    **place,
                    "RECORD_ID": f"CB{i:09d}",
                    "CHILD_REF": f"CHB{i:08d}A",
                    "CHILD_FORENAMES": named["CHILD_FORENAMES"],
                    "CHILD_SEX": named["CHILD_SEX"],
                    "CHILD_SURNAME": family["CHILD_SURNAME"],
                    "CHILD_DOB": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2009, 2025)}",  # noqa: E501
                    "POSTCODE": f"{outward} {inward}",
                }
            )
    return path


def _store(backend: str, folder: Path, name: str) -> Settings:
    settings = Settings(home=folder, database_url=fresh_database_url(backend, folder, name))
    initialise_store(settings, SystemClock())
    return settings


def run_load(backend: str, extract: Path, size: int, folder: Path) -> dict[str, float]:
    """Load the extract into an empty store; seconds, stages, disk size and the engine floor."""
    runtime = build_runtime(_store(backend, folder / "load", f"cp_bench_load_{size}"))
    linker = replace(build_linker(runtime), la_for=lambda _postcode: "201")
    stages: dict[str, float] = {}
    began = time.perf_counter()

    def stage(name: str) -> None:
        stages[name] = round(time.perf_counter() - began, 1)

    result = load_extract(runtime, extract, SOURCE, linker, on_stage=stage)
    seconds = time.perf_counter() - began
    with runtime.unit_of_work() as uow:
        children = uow.children.count()
    size_on_disk = disk_bytes(runtime.engine)
    floor = engine_floor(
        runtime.engine,
        backend,
        folder / "floor",
        (*CHILD_TABLES, "field_provenance", "feed_runs", "feed_rows"),
    )
    runtime.close()
    outcomes = {str(k): v for k, v in result.report.outcomes.items()}
    print(f"  {backend} {size}: stages (s from start) {stages}; outcomes {outcomes}", flush=True)
    return {"seconds": seconds, "children": children, "bytes": size_on_disk / children, "floor": floor}


def run_ingest(backend: str, extract: Path, folder: Path) -> float:
    """The same file through the feed path into an empty store; seconds."""
    runtime = build_runtime(_store(backend, folder / "ingest", "cp_bench_ingest"))
    linker = replace(build_linker(runtime), la_for=lambda _postcode: "201")
    began = time.perf_counter()
    ingest_feed(runtime, extract, SOURCE, linker, workers=2)
    seconds = time.perf_counter() - began
    runtime.close()
    return seconds


def main() -> None:
    """Parse options, run every backend and size, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--ingest-up-to", type=int, default=100_000)
    options = parser.parse_args()
    lines = [
        f"{'backend':<11}{'rows':>9}{'children':>10}{'load s':>8}{'children/s':>11}{'bytes/child':>12}"
        f"{'floor s':>9}{'load/floor':>11}{'ingest s':>9}{'ingest/s':>9}"
    ]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for size in options.sizes:
            extract = write_extract(folder / f"extract-{size}.csv", size)
            for backend in options.backends:
                figures = run_load(backend, extract, size, folder / f"{backend}-{size}")
                ingest = (
                    run_ingest(backend, extract, folder / f"{backend}-{size}")
                    if size <= options.ingest_up_to
                    else None
                )
                lines.append(
                    f"{backend:<11}{size:>9}{figures['children']:>10.0f}{figures['seconds']:>8.1f}"
                    f"{figures['children'] / figures['seconds']:>11.0f}{figures['bytes']:>12.0f}"
                    f"{figures['floor']:>9.1f}{figures['seconds'] / figures['floor']:>10.1f}x"
                    + (f"{ingest:>9.1f}{size / ingest:>9.0f}" if ingest else f"{'-':>9}{'-':>9}")
                )
                print(lines[-1], flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
