"""`contactpoint synth`: generate Synthetic England, the only data this system is built and tested on."""

from __future__ import annotations

import os
import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from contactpoint.synth.feeds import Summary, generate
from contactpoint.synth.population import MAX_CHILDREN
from contactpoint.synth.sources import SOURCES

synth_app = typer.Typer(
    help="Synthetic England: a seeded population of made-up children, the feeds its sources would send "
    "(with their errors, delays and special cases), and the ground truth kept apart from the feeds.",
    no_args_is_help=True,
)
console = Console()


class OutputFormat(StrEnum):
    """Which feed formats to write."""

    CSV = "csv"
    JSONL = "jsonl"
    BOTH = "both"


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@synth_app.command()
def population(
    *,
    children: Annotated[
        int,
        typer.Option(
            "--children",
            "-n",
            min=1,
            max=MAX_CHILDREN,
            help="Children alive at generation 0 (100 to 11 million is the designed range). Babies born "
            "during later generations come on top.",
        ),
    ] = 10_000,
    seed: Annotated[
        int,
        typer.Option(
            min=0, help="Seed of the generator: the same seed and options always give byte-identical files."
        ),
    ] = 1,
    out: Annotated[
        Path,
        typer.Option(
            file_okay=False,
            help="Directory to write to: feeds go to OUT/feeds/<source>/gen<g>.<ext>, "
            "the ground truth to OUT/truth/.",
        ),
    ] = Path("synthetic"),
    generations: Annotated[
        int,
        typer.Option(
            min=0,
            max=120,
            help="Monthly delta generations after the full extract (generation 0): births, "
            "moves, name changes, new involvements, 18th birthdays, adoptions.",
        ),
    ] = 12,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--format", case_sensitive=False, help="Feed file format: csv, jsonl (JSON Lines), or both."
        ),
    ] = OutputFormat.BOTH,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes to generate with (small populations always use one). "
            "The output does not depend on it.",
        ),
    ] = _default_workers(),
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT/feeds and OUT/truth if they already exist.")
    ] = False,
) -> None:
    """Generate a synthetic population with all its source feeds and the ground truth."""
    existing = [path for path in (out / "feeds", out / "truth") if path.exists()]
    if existing and not force:
        console.print(f"[red]{out} already holds a data set; use --force to replace it.[/red]")
        raise typer.Exit(code=2)
    for path in existing:
        shutil.rmtree(path)
    formats = ("csv", "jsonl") if output_format is OutputFormat.BOTH else (output_format.value,)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Generating children", total=children)
        summary = generate(
            out,
            children,
            seed,
            generations,
            formats=formats,
            progress=lambda done: progress.advance(task, done),
            workers=workers,
        )
    _print_summary(summary, out)


@synth_app.command()
def sources() -> None:
    """List the sources with their row key, date format and columns (for writing ingest mappings)."""
    table = Table(title="Sources of Synthetic England")
    for heading in ("source", "row key", "date format"):
        table.add_column(heading, no_wrap=True)
    table.add_column("columns", overflow="fold")
    for spec in SOURCES:
        table.add_row(spec.name, spec.key_column, spec.date_style.value, ", ".join(spec.columns))
    console.print(table)


def _print_summary(summary: Summary, out: Path) -> None:
    people = Table(title=f"Synthetic England: seed {summary.seed}, {summary.seconds:.1f} s")
    people.add_column("population")
    people.add_column("count", justify="right")
    for label, value in (
        ("children at generation 0", summary.children),
        ("families", summary.families),
        ("babies born later", summary.later_births),
        ("twins and triplets", summary.twins),
        ("shielded", summary.shielded),
        ("looked after", summary.looked_after),
        ("adopted", summary.adopted),
        ("turning 18", summary.turning_18),
        ("left England", summary.left_england),
    ):
        people.add_row(label, f"{value:,}")
    console.print(people)
    rows = Table(title="Rows per source and generation (malformed in brackets)")
    rows.add_column("source")
    for generation in range(summary.generations + 1):
        rows.add_column(f"gen {generation}", justify="right")
    for spec in SOURCES:
        rows.add_row(
            spec.name,
            *(
                f"{summary.rows[(spec.name, g)]:,} ({summary.malformed[(spec.name, g)]})"
                for g in range(summary.generations + 1)
            ),
        )
    console.print(rows)
    kinds = Table(title="Errors and malformed rows by kind")
    kinds.add_column("kind")
    kinds.add_column("rows", justify="right")
    for kind, count in summary.errors_by_kind.items():
        kinds.add_row(kind, f"{count:,}")
    for kind, count in summary.malformed_by_kind.items():
        kinds.add_row(f"malformed: {kind}", f"{count:,}")
    console.print(kinds)
    console.print(f"Feeds in {out / 'feeds'}, ground truth in {out / 'truth'}.")
