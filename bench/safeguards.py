"""Safeguards benchmark: synthetic feeds replayed over time end with no shielding or adoption breach.

Run: .venv/bin/python bench/safeguards.py                      (3,000 children, 12 generations)
     .venv/bin/python bench/safeguards.py --children 10000 --seed 1

A synthetic population (extract plus monthly deltas) is replayed generation by generation through
the real pipeline into an empty SQLite store, the LAs' decisions (shielding, adoptions) taken in
time between generations (`contactpoint.evaluation.safeguard_replay`). Printed from the ground truth and
the ledger: visible records of shielded children, visible records of sealed (birth) identities,
records linking a child's birth and adoptive identities (all three should be 0), and what the
feeds did with the protected children's rows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from contactpoint.app.feeds.batch import RunReport
from contactpoint.app.feeds.ingest import DEFAULT_BATCH
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.clock import SystemClock
from contactpoint.evaluation.safeguard_replay import Replay, SafeguardCounts, count_safeguards, replay_feeds
from contactpoint.evaluation.synthetic_geography import import_synthetic_geography
from contactpoint.settings import Settings
from contactpoint.synth.feeds import generate
from contactpoint.synth.truth import Truth


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=3_000)
    parser.add_argument("--generations", type=int, default=12, help="Monthly deltas after the extract.")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    return parser.parse_args()


def _results(counts: SafeguardCounts) -> Table:
    table = Table(title="Safeguards at the end of the replay", show_header=True)
    table.add_column("count")
    table.add_column("value", justify="right")
    table.add_column("must be", justify="right")
    for label, value, must in (
        ("visible records holding rows of a shielded child", counts.visible_shielded, "0"),
        ("visible records holding birth rows of an adopted child", counts.visible_sealed, "0"),
        ("  of which hold birth rows sent after the adoption", counts.visible_sealed_after, "0"),
        ("records linking a birth and an adoptive identity", counts.identity_links, "0"),
        ("extra records of a shielded child's identity (any status)", counts.shielded_duplicates, ""),
        ("rows of shielded children held: private queue", counts.shielded_rows_held_private, ""),
        ("rows of shielded children held: ordinary queue", counts.shielded_rows_held_ordinary, ""),
        ("shielded children with every row held privately", counts.shielded_children_only_held_private, ""),
        ("ordinary-queue items whose candidate is now protected", counts.ordinary_items_on_protected, ""),
        ("adoptions recorded", counts.adoptions_recorded, ""),
        *((f"adoptions not recorded: {why}", n, "") for why, n in sorted(counts.adoptions_missed.items())),
        ("birth rows sent after the adoption", counts.birth_rows_after_adoption, ""),
        ("  absorbed by the sealed record", counts.birth_rows_absorbed, ""),
        ("  held in a private queue", counts.birth_rows_held_private, ""),
        ("  held in an ordinary queue", counts.birth_rows_held_ordinary, ""),
        ("  neither (rejected)", counts.birth_rows_unlinked, ""),
        *((f"records {status}", n, "") for status, n in sorted(counts.records.items())),
    ):
        style = "bold red" if must == "0" and value else ("green" if must == "0" else "")
        table.add_row(label, f"[{style}]{value:,}[/]" if style else f"{value:,}", must)
    return table


def main() -> None:
    """Generate, replay with a progress display, and print the counts."""
    args = _arguments()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="safeguards-") as scratch:
        folder = Path(scratch)
        began = time.perf_counter()
        with console.status(f"generating {args.children:,} children over {args.generations} generations"):
            summary = generate(
                folder / "synthetic", args.children, args.seed, args.generations, formats=("csv",)
            )
            truth = Truth.load(folder / "synthetic")
        console.print(
            f"generated {sum(summary.rows.values()):,} rows in {time.perf_counter() - began:.1f} s: "
            f"{summary.shielded} shielded children, {summary.adopted} adopted, {summary.twins} twins"
        )
        settings = Settings(home=folder / "store")
        initialise_store(settings, SystemClock())
        runtime = build_runtime(settings)
        import_synthetic_geography(runtime)  # the store's own lookup places the postcodes
        linker = build_linker(runtime)
        progress = Progress(
            TextColumn("{task.description:34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            console=console,
        )
        total_rows = sum(summary.rows.values())
        with progress:
            rows_task = progress.add_task("rows", total=total_rows, note="")
            generation_task = progress.add_task("generations", total=args.generations + 1, note="")

            def on_feed(source: str, generation: int, report: RunReport, seconds: float) -> None:
                outcomes = report.outcomes
                progress.console.print(
                    f"gen{generation:<2} {source:17} {report.read:>7,} rows {seconds:>5.1f} s "
                    f"link {outcomes['linked']:>6,} new {outcomes['new']:>6,} "
                    f"review {outcomes['review']:>4,}/{report.private_holds}"
                )

            def on_generation(_generation: int, replay: Replay) -> None:
                progress.update(
                    generation_task,
                    advance=1,
                    note=f"shielded records {len(replay.shielded_records):,}, "
                    f"adoptions {len(replay.adoptions)}",
                )

            started = time.perf_counter()
            replay = replay_feeds(
                runtime,
                linker,
                truth,
                args.generations,
                batch_size=args.batch_size,
                on_feed=on_feed,
                on_batch=lambda rows: progress.update(rows_task, advance=rows),
                on_generation=on_generation,
            )
            replayed = time.perf_counter() - started
        counted = time.perf_counter()
        counts = count_safeguards(runtime, replay)
        counting = time.perf_counter() - counted
        runtime.close()
    totals = replay.totals
    console.print(_results(counts))
    console.print(
        f"rows read {totals['read']:,}: linked {totals['linked']:,}, new {totals['new']:,}, "
        f"review {totals['review']:,} (private {totals['private']:,}), rejected {totals['rejected']:,}"
    )
    console.print(
        f"replay {replayed:.0f} s ({totals['read'] / replayed:.0f} rows/s), counting {counting:.1f} s; "
        f"breaches {counts.breaches}"
    )
    sys.exit(1 if counts.breaches else 0)


if __name__ == "__main__":
    main()
