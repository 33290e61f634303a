"""`contactpoint users`: the operator's bootstrap of the first national administrator."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.accounts.accounts import create_national_admin
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors

users_app = typer.Typer(
    help="Accounts (the rest is done in the web UI by user administrators).", no_args_is_help=True
)
console = Console()


@users_app.command("create-admin")
@handles_errors
def create_admin(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Username of the national administrator.")],
) -> None:
    """Create a national administrator; prints a one-time password. TOTP is enrolled at first sign-in."""
    runtime = state(ctx).runtime()
    try:
        created = create_national_admin(runtime, username)
    finally:
        runtime.close()
    console.print(f"National administrator [bold]{created.username}[/] created (account {created.user_id}).")
    console.print(f"One-time password: [bold]{created.password}[/]")
    console.print("Sign in to the web UI to set up the authenticator app; the password is not shown again.")
