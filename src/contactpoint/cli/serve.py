"""`contactpoint serve`: the web UI and JSON API on 127.0.0.1 (uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from contactpoint.app.services import Services
from contactpoint.cli.context import state
from contactpoint.cli.errors import handles_errors
from contactpoint.web.app import create_app
from contactpoint.web.config import WebConfig

console = Console()
LOCALHOST = "127.0.0.1"


def run_server(services: Services, port: int, *, workers_log: bool = False) -> None:
    """Serve until interrupted. Plain HTTP on 127.0.0.1 only: browsers treat it as a secure context,
    so the __Host- cookies (Secure) work; anywhere else, put TLS in front."""
    app = create_app(services, WebConfig(hsts=True))
    uvicorn.run(
        app, host=LOCALHOST, port=port, log_level="warning", access_log=workers_log, server_header=False
    )


@handles_errors
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(min=1024, max=65535, help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Serve the web UI and the JSON API on 127.0.0.1."""
    services = state(ctx).services()
    console.print(
        f"Serving on [bold]http://{LOCALHOST}:{port}/[/] (API schema at /api/v1/openapi.json). Ctrl-C stops."
    )
    try:
        run_server(services, port)
    finally:
        services.close()
