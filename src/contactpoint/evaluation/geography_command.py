"""`contactpoint synth geography`: the ONS rows that place Synthetic England's postcodes, in a store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.evaluation.synthetic_geography import (
    import_synthetic_geography,
    write_synthetic_postcode_authorities,
)

console = Console()


@handles_errors
def geography_command(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            dir_okay=False,
            help="Write the rows as a postcode_prefix,la_code CSV here instead of into the store.",
        ),
    ] = None,
) -> None:
    """Put the ONS postcode sectors and districts that lie wholly in one authority (they place every
    Synthetic England postcode) in the store's postcode table, and name England's authorities in
    its LA directory; with --out, write them as a CSV instead.

    `geography import` loads the whole ONS table (every unit), as a real deployment needs.
    """
    if out is not None:
        console.print(f"Wrote [bold]{write_synthetic_postcode_authorities(out)}[/]")
        return
    runtime = state(ctx).runtime()
    try:
        rows = import_synthetic_geography(runtime)
    finally:
        runtime.close()
    console.print(f"Wrote {rows} postcode sector and district rows and named England's authorities.")
