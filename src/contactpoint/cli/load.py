"""`contactpoint load FILE --source NAME`: the initial national extract into an empty index."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.feeds.load import LOAD_CHUNK, load_extract
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.ingest import report_table, write_rejects
from contactpoint.ingest.mapping import SourceMapping, load_mapping

console = Console()


@handles_errors
def load(
    ctx: typer.Context,
    *,
    feed: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A .csv, .jsonl or .json (FHIR Bundle) file.")
    ],
    source: Annotated[str, typer.Option("--source", help="The source's name; picks its mapping file.")],
    mapping_file: Annotated[
        Path | None,
        typer.Option(
            "--mapping", exists=True, dir_okay=False, help="A mapping TOML instead of the shipped one."
        ),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", dir_okay=False, help="Where to write the rejects report (CSV)."),
    ] = None,
    producers: Annotated[
        int,
        typer.Option(min=1, max=16, help="Processes mapping, hashing and sealing while this one writes."),
    ] = 2,
    chunk: Annotated[
        int, typer.Option(min=10, max=100_000, help="Records per producer task and per transaction.")
    ] = LOAD_CHUNK,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="The extract's date (YYYY-MM-DD), as for `ingest --as-of`. Default: today.",
        ),
    ] = None,
) -> None:
    """Load the initial national extract into an EMPTY index, deciding as a feed run would.

    Refuses an index that holds any record or feed row (exit 9; take later files with `ingest`). A
    load stopped midway is wiped and started again by the next `load`.
    """
    mapping = (
        SourceMapping.from_toml(mapping_file.read_text(encoding="utf-8"))
        if mapping_file
        else load_mapping(source)
    )
    if mapping.source != source:
        raise typer.BadParameter("the mapping file is for another source", param_hint="--mapping")
    extracted: date | None = as_of.date() if as_of is not None else None
    runtime = state(ctx).runtime()
    began = time.perf_counter()
    try:
        if extracted is not None and extracted > runtime.clock.now().date():
            raise typer.BadParameter("the extract's date is after today", param_hint="--as-of")
        linker = build_linker(runtime)
        result = load_extract(
            runtime,
            feed,
            source,
            linker,
            mapping=mapping,
            extracted=extracted,
            producers=producers,
            chunk=chunk,
            on_stage=lambda name: console.print(f"{time.perf_counter() - began:7.1f} s  {name}"),
        )
    finally:
        runtime.close()
    if result.restarted:
        console.print("A stopped load was wiped first; this load started again from the beginning.")
    console.print(report_table(result.report))
    console.print(f"Loaded in {time.perf_counter() - began:.1f} s")
    if rejects is not None:
        taken_not = [*result.report.rejects, *result.report.unmatched]
        write_rejects(rejects, taken_not)
        console.print(f"Rejects report: [bold]{rejects}[/] ({len(taken_not)} rows)")
