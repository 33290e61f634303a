"""`contactpoint retention`: the scheduled archive-and-purge run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.operations.retention import DEFAULT_RETENTION_BATCH, run_retention
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import job_progress

retention_app = typer.Typer(help="Archiving at 18 and purging after six years.", no_args_is_help=True)
console = Console()


@retention_app.command("run")
@handles_errors
def run(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what is due; change nothing.")] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Records per transaction.")
    ] = DEFAULT_RETENTION_BATCH,
) -> None:
    """Archive every record due today and purge archived records past six years (crypto-shredding)."""
    runtime = state(ctx).runtime()
    try:
        with job_progress("Retention", console) as tracked:
            report = run_retention(
                runtime,
                dry_run=dry_run,
                batch_size=batch_size,
                on_start=tracked.on_start,
                on_batch=tracked.on_batch,
            )
    finally:
        runtime.close()
    title = f"Retention {'due' if dry_run else 'applied'} on {report.on.isoformat()}"
    table = Table(title=title)
    table.add_column("step")
    table.add_column("records", justify="right")
    for step, count in sorted(report.steps.items()):
        table.add_row(step, str(count))
    table.add_row("examined", str(report.examined), style="dim")
    console.print(table)
