"""`contactpoint demo`: a store with keys, loaded with a synthetic population, ready to explore."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.children import register_children
from contactpoint.app.initialise import initialise_store
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import progress_bar
from contactpoint.domain.clock import SystemClock
from contactpoint.synth.population import iter_children
from contactpoint.synth.records import to_child_record

console = Console()


@handles_errors
def demo(
    ctx: typer.Context,
    children: Annotated[int, typer.Option(min=100, help="Synthetic children to load.")] = 5_000,
    seed: Annotated[
        int, typer.Option(help="Seed of the synthetic population (same seed, same children).")
    ] = 2009,
) -> None:
    """Initialise a store and load a synthetic population into it. Synthetic data only, ever."""
    settings = state(ctx).settings
    report = initialise_store(settings, SystemClock())
    services = state(ctx).services()
    try:
        with services.unit_of_work() as uow:
            already = uow.children.count()
        if already:
            console.print(f"The store in {report.home} already holds {already} children; nothing loaded.")
        else:
            with progress_bar("Loading synthetic children", console) as progress:
                task = progress.add_task("load", total=children)
                register_children(
                    services,
                    iter_children(children, seed),
                    to_child_record,
                    on_batch=lambda n: progress.advance(task, n),
                )
    finally:
        services.close()
    home = settings.home
    keys_at = report.key_file or "the environment"
    console.print(f"\n[bold green]Demo store ready[/] in [bold]{home}[/] (keys in {keys_at}).")
    console.print("Next:")
    console.print(f"  .venv/bin/contactpoint --data-dir {home} stats          # children by LA and status")
    console.print(f"  .venv/bin/contactpoint --data-dir {home} keys rotate    # re-encrypt under a new key")
    console.print(
        "  .venv/bin/contactpoint synth population --children 2000 --out /tmp/feeds  # source feeds"
    )
    console.print("The web UI for practitioners and feed ingestion arrive with the next issues.")
