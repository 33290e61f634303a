"""Benchmark Synthetic England: wall time and peak memory to generate N children with all their feeds.

Each size runs in a fresh process so peak memory is that size's alone. Peak memory is the maximum
resident set size of the generating process plus, when workers are used, that of each worker.

    .venv/bin/python bench/synth.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from contactpoint.synth.feeds import generate

MIB = 1024 * 1024


def _directory_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def _measure(children: int, seed: int, generations: int, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as directory:
        root = Path(directory)
        started = time.perf_counter()
        summary = generate(root, children, seed, generations, workers=workers)
        seconds = time.perf_counter() - started
        size = _directory_size(root)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "children": children,
        "seconds": seconds,
        "rows": sum(summary.rows.values()),
        "bytes": size,
        "main_peak": own,
        "worker_peak": worker,
        "peak": own + worker * (workers if worker else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generations", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(
            json.dumps(_measure(arguments.sizes[0], arguments.seed, arguments.generations, arguments.workers))
        )
        return
    print(
        f"Synthetic England: {arguments.generations} generations, both formats, {arguments.workers} workers"
    )
    print(f"{'children':>10} {'seconds':>9} {'µs/child':>9} {'rows':>11} {'output MiB':>11} {'peak MiB':>9}")
    for size in arguments.sizes:
        command = [
            sys.executable,
            __file__,
            "--one",
            "--sizes",
            str(size),
            "--seed",
            str(arguments.seed),
            "--generations",
            str(arguments.generations),
            "--workers",
            str(arguments.workers),
        ]
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)  # noqa: S603  # our own script, run with fixed arguments
        print(
            f"{size:>10,} {result['seconds']:>9.1f} {result['seconds'] / size * 1e6:>9.0f} "
            f"{int(result['rows']):>11,} {result['bytes'] / MIB:>11,.0f} {result['peak'] / MIB:>9,.0f}"
            f"  (main {result['main_peak'] / MIB:,.0f}, each worker {result['worker_peak'] / MIB:,.0f})"
        )


if __name__ == "__main__":
    main()
