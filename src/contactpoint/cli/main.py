"""`contactpoint`: the operator's command line. Commands are thin; the work is in contactpoint.app.

The synthetic tools (`demo`, `synth`, `linkage train`) are added by `contactpoint.console`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.children.records import index_statistics
from contactpoint.app.operations.initialise import initialise_store, upgrade_database
from contactpoint.cli import audit as audit_commands
from contactpoint.cli import keys as keys_commands
from contactpoint.cli import users as users_commands
from contactpoint.cli.context import CliState, state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.feeds import feeds_app
from contactpoint.cli.geography import geography_app
from contactpoint.cli.ingest import ingest
from contactpoint.cli.linkage import linkage_app
from contactpoint.cli.load import load
from contactpoint.cli.retention import retention_app
from contactpoint.cli.review import review_app
from contactpoint.cli.serve import serve
from contactpoint.cli.sources import sources_app
from contactpoint.domain.clock import SystemClock
from contactpoint.settings import Settings

app = typer.Typer(
    help="ContactPoint: a national index of children for the practitioners who work with them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks could show record values held in local variables
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_commands.keys_app, name="keys")
app.add_typer(retention_app, name="retention")
app.add_typer(users_commands.users_app, name="users")
app.add_typer(audit_commands.audit_app, name="audit")
app.command()(serve)
# Feeds in
app.command()(ingest)
app.command()(load)
app.add_typer(linkage_app, name="linkage")
app.add_typer(review_app, name="review")
app.add_typer(feeds_app, name="feeds")
app.add_typer(sources_app, name="sources")
app.add_typer(geography_app, name="geography")
console = Console()


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="CONTACTPOINT_HOME",
            help="Folder holding the store and the key file (default: ./.contactpoint).",
        ),
    ] = None,
) -> None:
    """Resolve settings once for the command that follows."""
    ctx.obj = CliState(Settings(home=data_dir) if data_dir is not None else Settings())


@app.command()
@handles_errors
def init(ctx: typer.Context) -> None:
    """Create the store: its folder, a key file readable only by you, and the schema. Safe to re-run."""
    report = initialise_store(state(ctx).settings, SystemClock())
    console.print(f"Store folder: [bold]{report.home}[/]")
    if report.key_file is not None:
        verb = "created" if report.keys_created else "kept (already there)"
        console.print(
            f"Key file {verb}: [bold]{report.key_file}[/] (mode 600; back it up apart from the database)"
        )
    else:
        console.print("Keyring supplied by CONTACTPOINT_KEYRING")
    console.print(f"Schema at revision [bold]{report.revision}[/]")


@db_app.command("upgrade")
@handles_errors
def db_upgrade(ctx: typer.Context) -> None:
    """Apply pending schema migrations."""
    revision = upgrade_database(state(ctx).settings)
    console.print(f"Schema at revision [bold]{revision}[/]")


@app.command()
@handles_errors
def stats(ctx: typer.Context) -> None:
    """Records by local authority and status. Shows counts only, never personal data."""
    runtime = state(ctx).runtime()
    try:
        counts = index_statistics(runtime)
    finally:
        runtime.close()
    statuses = sorted({c.status for c in counts})
    by_la: dict[str, dict[str, int]] = {}
    for c in counts:
        by_la.setdefault(c.la_code, {})[c.status] = c.count
    table = Table(title="Children in the index")
    table.add_column("LA", style="bold")
    for status in statuses:
        table.add_column(status.value, justify="right")
    table.add_column("total", justify="right", style="bold")
    for la_code, row in sorted(by_la.items()):
        table.add_row(la_code, *(str(row.get(s, 0)) for s in statuses), str(sum(row.values())))
    totals = [sum(c.count for c in counts if c.status == s) for s in statuses]
    table.add_row("all", *(str(t) for t in totals), str(sum(totals)), style="bold")
    console.print(table)
