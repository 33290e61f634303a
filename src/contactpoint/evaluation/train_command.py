"""`contactpoint linkage train`: retrain the shipped Splink model on a synthetic data set's labelled feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.cli.errors import handles_errors
from contactpoint.evaluation.training_data import training_datasets
from contactpoint.linkage.model import save, shipped_model_folder, train

console = Console()


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
