"""`contactpoint linkage train`: estimate the Splink model from unlabelled feed rows or synthetic feeds.

It lives beside the synthetic tools because `--synthetic` reads Synthetic England's feeds; the
estimation itself (`linkage/model.py`, `linkage/feed_training.py`) is production code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from contactpoint.cli.errors import handles_errors
from contactpoint.domain.errors import ValidationError
from contactpoint.evaluation.training_data import training_datasets
from contactpoint.ingest.mapping import load_mapping
from contactpoint.linkage.feed_training import feed_feature_rows
from contactpoint.linkage.model import save, shipped_model_folder, train

console = Console()


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
