"""`contactpoint linkage`: train the Splink model, build its name tables from the index, re-link the index."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.linker import build_linker
from contactpoint.app.relink import relink_index
from contactpoint.app.term_frequencies import DEFAULT_TF_BATCH, build_term_frequencies
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import job_progress, progress_bar
from contactpoint.domain.errors import ValidationError
from contactpoint.ingest.mapping import load_mapping
from contactpoint.linkage.feed_training import feed_feature_rows
from contactpoint.linkage.model import MIN_TF_COUNT, save, shipped_model_folder, train
from contactpoint.linkage.training_data import training_datasets

linkage_app = typer.Typer(help="The record-linkage model.", no_args_is_help=True)
console = Console()


@linkage_app.command("train")
@handles_errors
def train_command(
    *,
    synthetic: Annotated[
        Path | None,
        typer.Option(
            exists=True, file_okay=False, help="A synthetic data set (from `contactpoint synth population`)."
        ),
    ] = None,
    feed: Annotated[
        list[Path] | None,
        typer.Option(
            exists=True, dir_okay=False, help="A feed file to learn from (repeatable), with --source."
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="The source whose mapping reads the --feed files.")
    ] = None,
    mappings: Annotated[
        Path | None,
        typer.Option(exists=True, file_okay=False, help="Folder of mapping files (default: shipped)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Folder for the model; default: the package's linkage/model."),
    ] = None,
    generations: Annotated[int, typer.Option(min=1, max=120, help="Feed generations to train on.")] = 4,
) -> None:
    """Estimate the model from feed rows, unlabelled (u by sampling, m by EM); write the JSON and chart."""
    if synthetic is None and not feed:
        raise ValidationError("feed", "name --synthetic or at least one --feed")
    if feed and source is None:
        raise ValidationError("source", "--feed needs --source")
    datasets: dict[str, list[dict[str, Any]]] = {}
    with console.status("Reading feeds"):
        if synthetic is not None:
            datasets.update(training_datasets(synthetic, generations=generations))
        if feed and source is not None:
            mapping = load_mapping(source, mappings)
            for number, path in enumerate(feed):
                datasets[f"feed{number}"] = feed_feature_rows(path, mapping)
    with console.status(f"Training on {sum(len(rows) for rows in datasets.values())} rows"):
        model, linker = train(datasets)
    for path in save(model, linker, out or shipped_model_folder()):
        console.print(f"Wrote [bold]{path}[/]")


@linkage_app.command("relink")
@handles_errors
def relink_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(dir_okay=False, help="CSV of proposed merges (IDs and weights only).")],
) -> None:
    """Re-link the whole index against itself; propose merges of records that are one child twice."""
    services = state(ctx).services()
    try:
        linker = build_linker(services)
        with services.unit_of_work() as uow:
            total = uow.children.count()
        with progress_bar("Re-linking the index", console) as progress:
            task = progress.add_task("records", total=total)
            pairs = relink_index(
                services, linker.scorer, linker.thresholds, on_page=lambda n: progress.advance(task, n)
            )
    finally:
        services.close()
    console.print(f"Name term-frequency tables: {linker.term_frequencies}")
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("first", "second", "match_weight", "la_code", "private"))
        writer.writerows((p.first, p.second, p.match_weight, p.la_code, int(p.private)) for p in pairs)
    console.print(f"{len(pairs)} proposed merges in [bold]{out}[/] (merge with `review merge`)")


@linkage_app.command("term-frequencies")
@handles_errors
def term_frequencies_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count and report; store nothing.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Records decrypted per page.")] = DEFAULT_TF_BATCH,
) -> None:
    """Build the name term-frequency tables from the whole index and store them sealed; linkage uses them."""
    services = state(ctx).services()
    try:
        with job_progress("Counting names", console) as tracked:
            report, _tables = build_term_frequencies(
                services,
                dry_run=dry_run,
                batch_size=batch_size,
                on_start=tracked.on_start,
                on_batch=tracked.on_batch,
            )
    finally:
        services.close()
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
