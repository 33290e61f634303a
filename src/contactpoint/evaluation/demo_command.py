"""`contactpoint demo`: a store with keys, a synthetic population's feeds ingested, demo accounts of
every role, and the web UI served on 127.0.0.1."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from contactpoint.app.children.records import index_statistics
from contactpoint.app.operations.initialise import initialise_store
from contactpoint.app.oversight.auditing import checkpoint_audit
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.cli.ingest import feed_reports_table
from contactpoint.cli.progress import progress_bar
from contactpoint.cli.serve import LOCALHOST, run_server
from contactpoint.domain.clock import SystemClock
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.evaluation.demo_accounts import provision_demo_accounts
from contactpoint.evaluation.demo_data import load_demo_feeds
from contactpoint.evaluation.synthetic_geography import import_synthetic_geography
from contactpoint.synth.records import synthetic_records

console = Console(soft_wrap=True)  # credentials and commands must print whole, never wrapped


def _examples(children: int, seed: int, la_code: str) -> list[tuple[str, ChildRecord]]:
    """An active and a shielded synthetic child of the demo LA, to try searching for."""
    wanted = {RecordStatus.ACTIVE: "visible", RecordStatus.SHIELDED: "shielded"}
    found: dict[RecordStatus, ChildRecord] = {}
    for _child, record in synthetic_records(children, seed):
        if record.la_code == la_code and record.status in wanted and record.status not in found:
            found[record.status] = record
            if len(found) == len(wanted):
                break
    return [(wanted[status], record) for status, record in found.items()]


@handles_errors
def demo(
    ctx: typer.Context,
    children: Annotated[int, typer.Option(min=100, help="Synthetic children to load.")] = 5_000,
    seed: Annotated[
        int, typer.Option(help="Seed of the synthetic population (same seed, same children).")
    ] = 2009,
    serve: Annotated[
        bool | None,
        typer.Option(
            "--serve/--no-serve", help="Serve the web UI afterwards (default: when run in a terminal)."
        ),
    ] = None,
    port: Annotated[int, typer.Option(min=1024, max=65535, help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Initialise a store, load a synthetic population, create demo accounts and serve the UI.

    Synthetic data only, ever. Demo accounts' passwords and TOTP secrets are printed here only.
    """
    settings = state(ctx).settings
    report = initialise_store(settings, SystemClock())
    runtime = state(ctx).runtime()
    try:
        with runtime.unit_of_work() as uow:
            already = uow.children.count()
        if already:
            console.print(f"The store in {report.home} already holds {already} children; nothing loaded.")
        else:
            import_synthetic_geography(runtime)  # the ONS rows that place its postcodes, and LA names
            feeds_at = settings.home / "synthetic"
            with progress_bar("Ingesting synthetic feeds", console) as progress:
                task = progress.add_task("ingest", total=None)
                loaded = load_demo_feeds(
                    runtime,
                    feeds_at,
                    children,
                    seed,
                    on_feed=lambda source, _path: progress.update(task, description=source),
                    on_batch=lambda n: progress.advance(task, n),
                )
            console.print(feed_reports_table(loaded.reports))
            console.print(
                f"Shielded {loaded.shielded} records, as their LAs would. Feeds and ground truth: {feeds_at}"
            )
        counts = index_statistics(runtime)
        by_la: dict[str, int] = {}
        for count in counts:
            if count.status in (RecordStatus.ACTIVE, RecordStatus.SHIELDED):
                by_la[count.la_code] = by_la.get(count.la_code, 0) + count.count
        la_code = max(sorted(by_la), key=lambda la: by_la[la])
        with runtime.unit_of_work() as uow:
            la_name = uow.authorities.names().get(la_code, la_code)
        accounts = provision_demo_accounts(runtime, la_code)
        checkpoint_audit(runtime)  # the loaded store's whole log signed and witnessed
        home = settings.home
        keys_at = report.key_file or "the environment"
        console.print(f"\n[bold green]Demo store ready[/] in [bold]{home}[/] (keys in {keys_at}).")
        console.print(
            f"[bold]Demo accounts[/] (LA {la_code}, {la_name}); "
            "each sign-in needs a TOTP code from its secret:"
        )
        for account in accounts:
            console.print(
                f"  {account.username:<26} password {account.password}  TOTP secret {account.totp_secret}",
                soft_wrap=True,
                highlight=False,
            )
        for label, record in _examples(children, seed, la_code):
            console.print(
                f"Try a search for a {label} child: family name [bold]{record.names.current.family}[/], "
                f"born {record.date_of_birth:%d %m %Y} (synthetic).",
                soft_wrap=True,
            )
        console.print(
            "Add a secret to an authenticator app, or print the current code with:\n"
            '  .venv/bin/python -c "import pyotp,sys; print(pyotp.TOTP(sys.argv[1]).now())" SECRET'
        )
        console.print("Other commands:")
        console.print(
            f"  .venv/bin/contactpoint --data-dir {home} stats          # children by LA and status"
        )
        console.print(
            f"  .venv/bin/contactpoint --data-dir {home} audit verify   # check the audit log's chain"
        )
        console.print(f"  .venv/bin/contactpoint --data-dir {home} serve          # serve the UI again later")
        if serve if serve is not None else sys.stdin.isatty():
            console.print(f"\nServing the web UI on [bold]http://{LOCALHOST}:{port}/[/] (Ctrl-C stops).")
            run_server(runtime, port)
    finally:
        runtime.close()
