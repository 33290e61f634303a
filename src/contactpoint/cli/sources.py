"""`contactpoint sources`: the national operator's data-source machine accounts and their API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from contactpoint.app.feeds.sources import add_source_account, list_source_accounts, revoke_source_account
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors

sources_app = typer.Typer(
    help="Data sources' machine accounts: one feed each, an API key instead of a password.",
    no_args_is_help=True,
)
console = Console()


@sources_app.command("add-account")
@handles_errors
def add_account(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account's name, e.g. hmrc-child-benefit.")],
    source: Annotated[str, typer.Option("--source", help="The one source (mapping) it may submit.")],
) -> None:
    """Create a machine account bound to one source; prints its API key once (only its hash is kept)."""
    runtime = state(ctx).runtime()
    try:
        created = add_source_account(runtime, name, source)
    finally:
        runtime.close()
    console.print(
        f"Data source account [bold]{created.name}[/] created for [bold]{created.source}[/] "
        f"(account {created.user_id})."
    )
    typer.echo(f"API key: {created.key}")  # plain, unwrapped: it is copied into the source's system
    console.print("Give it to the source over a secure channel; it is not shown again.")


@sources_app.command("revoke")
@handles_errors
def revoke(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The data source account's name.")],
) -> None:
    """Revoke the account's API key: it stops working at once (add a new account for a new key)."""
    runtime = state(ctx).runtime()
    try:
        account = revoke_source_account(runtime, name)
    finally:
        runtime.close()
    console.print(f"The key of [bold]{account.username}[/] ({account.source}) is revoked.")


@sources_app.command("list")
@handles_errors
def list_accounts(ctx: typer.Context) -> None:
    """Every data source account, its source and whether its key works (never the key)."""
    runtime = state(ctx).runtime()
    try:
        accounts = list_source_accounts(runtime)
    finally:
        runtime.close()
    table = Table(title="Data source accounts")
    for column in ("account", "name", "source", "created", "key"):
        table.add_column(column)
    for account in accounts:
        table.add_row(
            str(account.user_id),
            account.username,
            account.source,
            account.created_at.date().isoformat(),
            "active"
            if account.active
            else f"revoked {account.revoked_at.date() if account.revoked_at else ''}",
        )
    console.print(table)
