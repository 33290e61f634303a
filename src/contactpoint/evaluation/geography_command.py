"""`contactpoint synth geography`: write Synthetic England's postcode table where a store looks for it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.evaluation.synthetic_geography import (
    name_synthetic_authorities,
    write_synthetic_postcode_authorities,
)

console = Console()


@handles_errors
def geography_command(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            dir_okay=False, help="Where to write it; default: the store's postcode-authorities.csv."
        ),
    ] = None,
) -> None:
    """Write Synthetic England's postcode-district-to-LA table, so a store places synthetic children,
    and (without --out) name its authorities in the store's LA directory.

    A real deployment runs `geography import` (the ONS data) instead.
    """
    path = write_synthetic_postcode_authorities(
        out or state(ctx).settings.resolved_postcode_authorities_file()
    )
    console.print(f"Wrote [bold]{path}[/]")
    if out is None:
        runtime = state(ctx).runtime()
        try:
            named = name_synthetic_authorities(runtime)
        finally:
            runtime.close()
        console.print(f"Named {named} synthetic authorities in the LA directory.")
