"""`contactpoint feeds`: what the index gives back to sources."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.feeds.ingest import export_links
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.domain.spreadsheet import safe_rows

feeds_app = typer.Typer(help="Feeds: links back to the sources.", no_args_is_help=True)
console = Console()


@feeds_app.command("export-links")
@handles_errors
def export_links_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--source", help="The source whose row keys to export.")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="CSV file to write.")],
) -> None:
    """Each of the source's row keys with the ContactPoint ID it was linked to (keys and IDs only)."""
    runtime = state(ctx).runtime()
    try:
        links = export_links(runtime, source)
    finally:
        runtime.close()
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("row_key", "contactpoint_id"))
        writer.writerows(safe_rows(links))
    console.print(f"Wrote {len(links)} links to [bold]{out}[/]")
