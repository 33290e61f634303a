"""`contactpoint users`: the operator's bootstrap of the first national administrator, and the
organisation register the national administrator keeps, and the check of every account's
integrity tag."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.accounts.accounts import create_national_admin
from contactpoint.app.accounts.integrity import verify_accounts
from contactpoint.app.accounts.organisations import list_organisations, register_organisation
from contactpoint.cli.audit import EXIT_TAMPERED
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.domain.vocabulary import ServiceType

users_app = typer.Typer(
    help="Accounts (the rest is done in the web UI by user administrators).", no_args_is_help=True
)
console = Console()


@users_app.command("create-admin")
@handles_errors
def create_admin(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Username of the national administrator.")],
    name: Annotated[
        str | None,
        typer.Option("--name", help="The holder's full name, as auditors read it (default: the username)."),
    ] = None,
) -> None:
    """Create a national administrator; prints a one-time password. TOTP is enrolled at first sign-in."""
    runtime = state(ctx).runtime()
    try:
        created = create_national_admin(runtime, username, name)
    finally:
        runtime.close()
    console.print(f"National administrator [bold]{created.username}[/] created (account {created.user_id}).")
    console.print(f"One-time password: [bold]{created.password}[/]")
    console.print("Sign in to the web UI to set up the authenticator app; the password is not shown again.")


@users_app.command("add-organisation")
@handles_errors
def add_organisation(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The organisation's code (URN, ODS code).")],
    name: Annotated[str, typer.Argument(help="Its name.")],
    la: Annotated[str, typer.Option("--la", help="The local authority it belongs to.")],
    service: Annotated[list[ServiceType], typer.Option("--service", help="A service it records (repeat).")],
) -> None:
    """Register an organisation (or change it): user administrators of its LA may then make accounts
    for it, in the services named here."""
    runtime = state(ctx).runtime()
    try:
        entry = register_organisation(runtime, code, name, la, service)
    finally:
        runtime.close()
    services = ", ".join(entry.services)
    console.print(f"Organisation [bold]{entry.code}[/] registered in LA {entry.la_code}: {services}.")


@users_app.command("organisations")
@handles_errors
def organisations(ctx: typer.Context) -> None:
    """The organisation register."""
    runtime = state(ctx).runtime()
    try:
        entries = list_organisations(runtime)
    finally:
        runtime.close()
    for entry in entries:
        console.print(f"{entry.code}\t{entry.la_code}\t{entry.name}\t{','.join(entry.services)}")


@users_app.command("verify")
@handles_errors
def verify(ctx: typer.Context) -> None:
    """Check every account's integrity tag. Exit code 7 when an account was changed in the database
    outside the application (such an account is refused at sign-in and on every request)."""
    runtime = state(ctx).runtime()
    try:
        checked, tampered = verify_accounts(runtime)
    finally:
        runtime.close()
    if not tampered:
        console.print(f"[bold green]Accounts intact[/]: {checked} checked.")
        return
    console.print(f"[bold red]Accounts changed outside the application[/] ({checked} checked):")
    for account in tampered:
        console.print(f"  - {account.row} {account.user_id} ({account.username})")
    raise typer.Exit(EXIT_TAMPERED)
