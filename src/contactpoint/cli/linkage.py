"""`contactpoint linkage`: train the Splink model on synthetic feeds and ship it in the package."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.feeds import build_linker
from contactpoint.app.relink import relink_index
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import progress_bar
from contactpoint.linkage.model import save, shipped_model_folder, train
from contactpoint.linkage.training_data import training_datasets

linkage_app = typer.Typer(help="The record-linkage model.", no_args_is_help=True)
console = Console()


@linkage_app.command("train")
@handles_errors
def train_command(
    synthetic: Annotated[
        Path,
        typer.Option(
            exists=True, file_okay=False, help="A synthetic data set (from `contactpoint synth population`)."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Folder for the model; default: the package's linkage/model."),
    ] = None,
    generations: Annotated[int, typer.Option(min=1, max=120, help="Feed generations to train on.")] = 4,
) -> None:
    """Train on synthetic feeds (labels from their ground truth); write the JSON and the weights chart."""
    with console.status("Reading synthetic feeds"):
        datasets = training_datasets(synthetic, generations=generations)
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
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("first", "second", "match_weight", "la_code", "private"))
        writer.writerows((p.first, p.second, p.match_weight, p.la_code, int(p.private)) for p in pairs)
    console.print(f"{len(pairs)} proposed merges in [bold]{out}[/] (merge with `review merge`)")
