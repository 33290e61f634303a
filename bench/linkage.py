"""Linkage benchmark: the synthetic feeds through the whole pipeline, scored against the ground truth.

Run: .venv/bin/python bench/linkage.py --children 10000 --generations 3 [--workers 1]
     .venv/bin/python bench/linkage.py --synthetic /path/to/dataset --upper 10 --lower 2

Every feed file (each source's extract, then each monthly delta) is ingested into an empty SQLite
store in order. Printed: per-file throughput and how it grows with the index; pairwise precision
and recall of the resulting clusters (rows grouped by the record they were linked to) against the
truth, where a person's birth and adoptive identities count as different entities (the design
keeps them apart); twins falsely merged; rows held for review, by reason; peak memory; and the
engine floor measured in the same run (`common.engine_floor`): the rows the run left in the store
(records, keys, index, ledger, provenance, review items) written again through the driver alone,
with the ratio of the pipeline's time to it.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.common import CHILD_TABLES, FEED_TABLES, engine_floor
from contactpoint.app.feeds.batch import RunReport
from contactpoint.app.feeds.ingest import DEFAULT_BATCH, ingest_feed
from contactpoint.app.feeds.linker import Linker, build_linker
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.evaluation.demo_data import FEED_ORDER, feed_links, shield_as_the_las_would
from contactpoint.evaluation.synthetic_geography import import_synthetic_geography
from contactpoint.settings import Settings
from contactpoint.synth.truth import Truth


def _generate(children: int, generations: int, folder: Path) -> Path:
    out = folder / "synthetic"
    subprocess.run(  # noqa: S603  # our own CLI, fixed arguments
        [
            sys.executable,
            "-c",
            "from contactpoint.console import app; app()",
            "synth",
            "population",
            "--children",
            str(children),
            "--generations",
            str(generations),
            "--format",
            "csv",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def evaluate(truth: Truth, links: dict[tuple[str, str], str]) -> dict[str, float]:
    """Pairwise precision and recall of the clusters, and twins merged, over rows given a record."""
    cluster_entities: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    entity_rows: Counter[tuple[str, str]] = Counter()
    for (_source, row_key), cp_id in links.items():
        row = truth.row(row_key)
        entity = (row.person_id, row.identity)
        cluster_entities[cp_id][entity] += 1
        entity_rows[entity] += 1
    true_positive = sum(comb(n, 2) for counts in cluster_entities.values() for n in counts.values())
    predicted = sum(comb(sum(counts.values()), 2) for counts in cluster_entities.values())
    actual = sum(comb(n, 2) for n in entity_rows.values())
    twin_of = {person: group for group in truth.twins() for person in group}
    merged_twins = [
        cp_id
        for cp_id, counts in cluster_entities.items()
        if len({e[0] for e in counts}) > 1
        and any(
            twin_of.get(a) is not None and twin_of.get(a) == twin_of.get(b)
            for a in {e[0] for e in counts}
            for b in {e[0] for e in counts}
            if a != b
        )
    ]
    for cp_id in merged_twins[:3]:  # synthetic data: the row keys and error labels explain the merge
        rows = [truth.row(key) for (_s, key), record in links.items() if record == cp_id]
        print("twins merged in", cp_id, [(r.row_key, r.person_id, r.errors) for r in rows])
    twins_merged = len(merged_twins)
    records_per_entity: Counter[tuple[str, str]] = Counter()
    for counts in cluster_entities.values():
        for entity in counts:
            records_per_entity[entity] += 1
    duplicates = sum(n - 1 for n in records_per_entity.values())
    return {
        "precision": true_positive / predicted if predicted else 1.0,
        "recall": true_positive / actual if actual else 1.0,
        "twins_merged": twins_merged,
        "entities": len(entity_rows),
        "records": len(cluster_entities),
        "duplicate_records": duplicates,
    }


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=Path, help="An existing synthetic data set (CSV feeds).")
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--generations", type=int, default=3, help="Delta generations after the extract.")
    parser.add_argument("--upper", type=float, default=None, help="Upper threshold (default: Settings).")
    parser.add_argument("--lower", type=float, default=None, help="Lower threshold (default: Settings).")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument(
        "--workers", type=int, default=0, help="Processes scoring ahead while the main one applies (0: none)."
    )
    parser.add_argument(
        "--sources",
        nargs="+",
        choices=FEED_ORDER,
        default=list(FEED_ORDER),
        help="Only these sources' files (nhs_registrations child_benefit: a feed into an index its size).",
    )
    return parser.parse_args()


def _ingest_all(  # the benchmark's knobs, passed through
    runtime: Runtime,
    linker: Linker,
    truth: Truth,
    generations: int,
    sources: list[str],
    *,
    batch_size: int,
    workers: int,
) -> tuple[Counter[str], Counter[str], float, set[str]]:
    """Every feed file in order; prints a line per file; returns totals, reasons and seconds."""
    print(
        f"{'file':34} {'rows':>7} {'index':>8} {'s':>7} {'rows/s':>7} {'linked':>7} {'new':>6} {'review':>6}"
    )
    totals: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    shielded: set[str] = set()
    started = time.perf_counter()
    for generation in range(generations + 1):
        for source in (name for name in FEED_ORDER if name in sources):
            path = truth.feed_path(source, generation, "csv")
            if not path.is_file():
                continue
            with runtime.unit_of_work() as uow:
                index_size = uow.children.count()
            began = time.perf_counter()
            report: RunReport = ingest_feed(
                runtime, path, source, linker, batch_size=batch_size, workers=workers
            )
            seconds = time.perf_counter() - began
            totals.update(report.outcomes)
            totals["read"] += report.read
            totals["rejected"] += report.rejected
            totals["private"] += report.private_holds
            reasons.update(report.reasons)
            name = f"{source}/gen{generation}"
            outcomes = report.outcomes
            print(
                f"{name:34} {report.read:>7} {index_size:>8} {seconds:>7.1f} {report.read / seconds:>7.0f} "
                f"{outcomes['linked']:>7} {outcomes['new']:>6} {outcomes['review']:>6}"
            )
        if generation == 0:
            with runtime.unit_of_work() as uow:
                before_shielding = uow.children.count()
            shielded |= shield_as_the_las_would(runtime, truth)
            print(f"-- shielded {len(shielded)} records of shielded children (of {before_shielding})")
    return totals, reasons, time.perf_counter() - started, shielded


def main() -> None:
    """Run the benchmark and print its figures."""
    args = _arguments()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        synthetic = args.synthetic or _generate(args.children, args.generations, folder)
        truth = Truth.load(synthetic)
        baseline = _peak_rss_mib()  # the truth is the benchmark's, not the pipeline's
        generations = min(args.generations, truth.manifest["generations"])
        overrides = {}
        if args.upper is not None:
            overrides["link_upper_weight"] = args.upper
        if args.lower is not None:
            overrides["link_lower_weight"] = args.lower
        settings = Settings(home=folder / "store").model_copy(update=overrides)
        initialise_store(settings, SystemClock())
        runtime = build_runtime(settings)
        import_synthetic_geography(runtime)  # the store's own lookup places the postcodes
        linker = build_linker(runtime)
        print(
            f"children={truth.manifest['children']} generations=0..{generations} "
            f"upper={settings.link_upper_weight} lower={settings.link_lower_weight}"
        )
        totals, reasons, elapsed, shielded = _ingest_all(
            runtime,
            linker,
            truth,
            generations,
            args.sources,
            batch_size=args.batch_size,
            workers=args.workers,
        )
        links = feed_links(runtime)
        floor = engine_floor(runtime.engine, "sqlite", folder / "floor", CHILD_TABLES + FEED_TABLES)
        runtime.close()
    records_of: dict[str, set[str]] = defaultdict(set)
    for (_source, key), cp_id in links.items():
        records_of[truth.row(key).person_id].add(cp_id)
    copies = sum(1 for ids in records_of.values() if ids & shielded and ids - shielded)
    figures = evaluate(truth, links)
    read = totals["read"]
    print()
    print(f"rows read {read}, rejected {totals['rejected']}, linked {totals['linked']}, new {totals['new']}")
    share = totals["review"] / read
    print(f"held for review {totals['review']} ({share:.2%} of rows; private {totals['private']})")
    for reason, count in sorted(reasons.items()):
        print(f"  {reason:22} {count:>8}")
    print(f"pairwise precision {figures['precision']:.5f}  recall {figures['recall']:.5f}")
    print(f"twins falsely merged {figures['twins_merged']}")
    print(f"shielded records {len(shielded)}; shielded children with a visible copy {copies}")
    print(
        f"entities {figures['entities']}  records {figures['records']}  "
        f"duplicate records {figures['duplicate_records']}"
    )
    print(
        f"throughput {read / elapsed:.0f} rows/s over {elapsed:.0f} s; peak RSS {_peak_rss_mib():.0f} MiB "
        f"({baseline:.0f} MiB of it the ground truth loaded before ingesting)"
    )
    print(
        f"engine floor {floor:.1f} s (the same final rows, executemany); "
        f"pipeline / floor {elapsed / floor:.1f}x"
    )
    if args.workers:
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        source = "a worker's, or the data generator's" if args.synthetic is None else "a worker's"
        print(f"workers {args.workers}; largest child process peak RSS {largest:.0f} MiB ({source})")


if __name__ == "__main__":
    main()
