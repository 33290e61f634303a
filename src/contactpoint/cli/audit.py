"""`contactpoint audit`: verify the hash chain and its signed checkpoints; sign a checkpoint."""

from __future__ import annotations

import typer
from rich.console import Console

from contactpoint.app.oversight.auditing import checkpoint_audit, verify_audit
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
console = Console()
EXIT_TAMPERED = 7
EXIT_WITNESS_IN_REACH = 10


@audit_app.command("verify")
@handles_errors
def verify(ctx: typer.Context) -> None:
    """Recompute the chain and check every checkpoint. Exit code 7 when anything was tampered with;
    10 when nothing was, but the witness file is within reach of whoever could tamper (ADR 0029)."""
    runtime = state(ctx).runtime()
    try:
        report = verify_audit(runtime)
    finally:
        runtime.close()
    for warning in report.warnings:
        console.print(f"[bold yellow]Warning[/]: {warning}")
    if report.ok:
        console.print(
            f"[bold green]Audit log intact[/]: {report.entries} entries, {report.checkpoints} checkpoints."
        )
        if report.warnings:
            raise typer.Exit(EXIT_WITNESS_IN_REACH)
        return
    console.print(f"[bold red]Audit log tampered with[/] ({report.entries} entries read):")
    for problem in report.problems:
        console.print(f"  - {problem}")
    raise typer.Exit(EXIT_TAMPERED)


@audit_app.command("checkpoint")
@handles_errors
def checkpoint(ctx: typer.Context) -> None:
    """Sign the chain's current head (run it from cron; appends also sign every 100 entries)."""
    runtime = state(ctx).runtime()
    try:
        seq = checkpoint_audit(runtime)
    finally:
        runtime.close()
    console.print(f"Checkpoint signed at entry {seq}." if seq else "Nothing new to sign.")
