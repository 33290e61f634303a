"""`contactpoint keys`: rotation and retirement of key versions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.operations import keys
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.progress import job_progress

keys_app = typer.Typer(help="Key versions: rotate, retire, status.", no_args_is_help=True)
console = Console()


@keys_app.command("status")
@handles_errors
def status(ctx: typer.Context) -> None:
    """Key versions held and how many records each protects."""
    runtime = state(ctx).runtime()
    try:
        with runtime.unit_of_work() as uow:
            counts = uow.children.counts_by_key_version()
    finally:
        runtime.close()
    table = Table(title="Key versions")
    for column in ("version", "created", "current", "records"):
        table.add_column(column)
    for number, version in sorted(runtime.keyring.versions.items()):
        table.add_row(
            str(number),
            version.created_at.isoformat(timespec="seconds"),
            "yes" if number == runtime.keyring.current else "",
            str(counts.get(number, 0)),
        )
    console.print(table)


@keys_app.command("rotate")
@handles_errors
def rotate(
    ctx: typer.Context,
    batch_size: Annotated[int, typer.Option(min=1, help="Records re-encrypted per transaction.")] = 1_000,
    max_batches: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many batches (run again to resume).")
    ] = None,
) -> None:
    """Create a new key version and re-encrypt every record under it. Resumes an unfinished rotation."""
    runtime = state(ctx).runtime()
    try:
        with job_progress("Re-encrypting", console) as tracked:
            report = keys.rotate_keys(
                runtime,
                batch_size=batch_size,
                max_batches=max_batches,
                on_start=tracked.on_start,
                on_batch=tracked.on_batch,
            )
    finally:
        runtime.close()
    if report.new_version_created:
        console.print(f"New key version [bold]{report.current_version}[/] created.")
    else:
        console.print(f"Resumed the rotation to key version [bold]{report.current_version}[/].")
    console.print(f"Re-encrypted {report.resealed} records; {report.remaining} remain.")
    if report.remaining == 0:
        console.print(
            "Rotation complete: older versions can now be retired with `contactpoint keys retire N`."
        )


@keys_app.command("retire")
@handles_errors
def retire(
    ctx: typer.Context, version: Annotated[int, typer.Argument(help="The key version to destroy.")]
) -> None:
    """Destroy an old key version's secret. Refused while any record still depends on it."""
    runtime = state(ctx).runtime()
    try:
        keys.retire_key(runtime, version)
    finally:
        runtime.close()
    console.print(f"Key version {version} retired and its secret destroyed.")
