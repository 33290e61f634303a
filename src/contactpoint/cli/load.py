"""`contactpoint load FILE --source NAME`: the initial national extract into an empty index."""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.feeds.load import LOAD_CHUNK, load_extract
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.ingest import (
    FeedFile,
    MappingFile,
    RejectsFile,
    SourceName,
    chosen_mapping,
    report_table,
    write_rejects,
)

console = Console()


@handles_errors
def load(
    ctx: typer.Context,
    *,
    feed: FeedFile,
    source: SourceName,
    mapping_file: MappingFile = None,
    rejects: RejectsFile = None,
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
    mapping = chosen_mapping(source, mapping_file)
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
