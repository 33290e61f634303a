"""`contactpoint serve`: the web UI and JSON API on 127.0.0.1 (uvicorn), in one or more processes."""

from __future__ import annotations

import multiprocessing
import os
from typing import Annotated

import typer
import uvicorn
from fastapi import FastAPI
from rich.console import Console

from contactpoint.app.oversight.auditing import checkpoint_audit
from contactpoint.app.runtime import Runtime
from contactpoint.bootstrap import build_runtime
from contactpoint.child_processes import stop_with_parent
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.settings import Settings
from contactpoint.web.app import create_app
from contactpoint.web.config import WebConfig

console = Console()
LOCALHOST = "127.0.0.1"


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """How uvicorn serves the app. Forwarded headers rewrite the client's address, which the sign-in
    throttle counts by, so they are believed only from the proxies named in settings: uvicorn's
    own default believes them from 127.0.0.1, which lets any local client choose its address."""
    options: dict[str, object] = {"log_level": "warning", "server_header": False}
    proxies = settings.forwarded_allow_ips
    options["proxy_headers"] = bool(proxies)
    if proxies:
        options["forwarded_allow_ips"] = list(proxies)
    return options


def run_server(runtime: Runtime, port: int, *, workers_log: bool = False) -> None:
    """Serve until interrupted. Plain HTTP on 127.0.0.1 only: browsers treat it as a secure context,
    so the __Host- cookies (Secure) work; anywhere else, put TLS in front."""
    app = create_app(runtime, WebConfig(hsts=True))
    options = uvicorn_options(runtime.settings)
    uvicorn.run(app, host=LOCALHOST, port=port, access_log=workers_log, **options)  # type: ignore[arg-type]
    checkpoint_audit(runtime)  # sign the tail the session left, so nothing of it can go unseen


def app_from_environment() -> FastAPI:
    """The app of one worker process of `serve --workers N`: its own Runtime, built from the
    `CONTACTPOINT_*` environment the parent set (uvicorn starts workers fresh and imports this).

    A worker stops, after finishing its requests, when the supervisor dies: otherwise a killed
    `serve` would leave workers answering on the port with nobody to stop them."""
    supervisor = multiprocessing.parent_process()  # its pid as the supervisor gave it, not getppid()
    if supervisor is not None and supervisor.pid is not None:
        stop_with_parent(supervisor.pid, graceful=True)
    return create_app(build_runtime(Settings()), WebConfig(hsts=True))


def run_workers(settings: Settings, port: int, workers: int) -> None:
    """Serve from `workers` processes sharing one listening socket: one process runs Python on one
    core. uvicorn's supervisor starts them, replaces any that dies, and stops them all on Ctrl-C."""
    # The workers read the environment they inherit; --data-dir is the one setting not already there.
    os.environ["CONTACTPOINT_HOME"] = str(settings.home.resolve())  # noqa: TID251  # written, for them
    uvicorn.run(
        f"{__name__}:{app_from_environment.__name__}",
        factory=True,
        workers=workers,
        host=LOCALHOST,
        port=port,
        access_log=False,
        **uvicorn_options(settings),  # type: ignore[arg-type]
    )


@handles_errors
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(min=1024, max=65535, help="Port on 127.0.0.1.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes sharing the port (one per core suits searches; SQLite writers queue "
            "on a lock file beside the database).",
        ),
    ] = 1,
) -> None:
    """Serve the web UI and the JSON API on 127.0.0.1."""
    runtime = state(ctx).runtime()  # fails plainly here if the store is not initialised
    console.print(
        f"Serving on [bold]http://{LOCALHOST}:{port}/[/] (API schema at /api/v1/openapi.json)"
        f"{f' from {workers} processes' if workers > 1 else ''}. Ctrl-C stops.",
        soft_wrap=True,
    )
    if workers > 1:
        runtime.close()  # each worker builds its own
        try:
            run_workers(state(ctx).settings, port, workers)
        finally:
            after = state(ctx).runtime()  # the workers have stopped: sign the tail they left
            try:
                checkpoint_audit(after)
            finally:
                after.close()
        return
    try:
        run_server(runtime, port)
    finally:
        runtime.close()
