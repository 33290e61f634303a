"""`contactpoint linkage`: build the model's name tables from the index, re-link the index."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.feeds.relink import relink_index
from contactpoint.app.feeds.term_frequencies import DEFAULT_TF_BATCH, build_term_frequencies
from contactpoint.app.operations.reindex import reindex_protected
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import job_progress, progress_bar
from contactpoint.linkage.model import MIN_TF_COUNT

linkage_app = typer.Typer(help="The record-linkage model.", no_args_is_help=True)
console = Console()


@linkage_app.command("relink")
@handles_errors
def relink_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(dir_okay=False, help="CSV of proposed merges (IDs and weights only).")],
) -> None:
    """Re-link the whole index against itself; propose merges of records that are one child twice."""
    runtime = state(ctx).runtime()
    try:
        linker = build_linker(runtime)
        with runtime.unit_of_work() as uow:
            total = uow.children.count()
        with progress_bar("Re-linking the index", console) as progress:
            task = progress.add_task("records", total=total)
            pairs = relink_index(
                runtime, linker.scorer, linker.thresholds, on_page=lambda n: progress.advance(task, n)
            )
    finally:
        runtime.close()
    console.print(f"Name term-frequency tables: {linker.term_frequencies}")
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("first", "second", "match_weight", "la_code", "private"))
        writer.writerows((p.first, p.second, p.match_weight, p.la_code, int(p.private)) for p in pairs)
    console.print(f"{len(pairs)} proposed merges in [bold]{out}[/] (merge with `review merge`)")


@linkage_app.command("reindex-protected")
@handles_errors
def reindex_protected_command(ctx: typer.Context) -> None:
    """Once after an upgrade: rewrite the index entries of protected records under today's rules."""
    runtime = state(ctx).runtime()
    try:
        done = reindex_protected(runtime)
    finally:
        runtime.close()
    console.print(f"{done} protected records re-indexed")


@linkage_app.command("term-frequencies")
@handles_errors
def term_frequencies_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count and report; store nothing.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Records decrypted per page.")] = DEFAULT_TF_BATCH,
) -> None:
    """Build the name term-frequency tables from the whole index and store them sealed; linkage uses them."""
    runtime = state(ctx).runtime()
    try:
        with job_progress("Counting names", console) as tracked:
            report, _tables = build_term_frequencies(
                runtime,
                dry_run=dry_run,
                batch_size=batch_size,
                on_start=tracked.on_start,
                on_batch=tracked.on_batch,
            )
    finally:
        runtime.close()
    table = Table(title=f"Term-frequency tables (values seen at least {MIN_TF_COUNT} times)")
    table.add_column("column")
    table.add_column("values", justify="right")
    for column, entries in sorted(report.entries.items()):
        table.add_row(column, str(entries))
    table.add_row("names counted", str(report.names), style="dim")
    table.add_row("records", str(report.records), style="dim")
    console.print(table)
    if report.stored:
        console.print(
            f"Stored, sealed; linkage uses them from now on (built {report.built_at:%Y-%m-%d %H:%M} UTC)"
        )
    elif dry_run:
        console.print("Dry run: nothing stored")
    else:
        console.print("The index is empty: nothing stored; linkage keeps the shipped tables")
