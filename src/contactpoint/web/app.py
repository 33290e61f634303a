"""The FastAPI app factory: one app serving the JSON API (/api/v1) and the UI over the same use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from contactpoint.app.runtime import Runtime
from contactpoint.web import errors
from contactpoint.web.api import accounts as accounts_api
from contactpoint.web.api import children as children_api
from contactpoint.web.api import client_systems as client_systems_api
from contactpoint.web.api import feeds as feeds_api
from contactpoint.web.api import geography as geography_api
from contactpoint.web.api import oversight as oversight_api
from contactpoint.web.api import safeguards as safeguards_api
from contactpoint.web.config import WebConfig
from contactpoint.web.fhir import router as fhir_api
from contactpoint.web.headers import SecurityHeaders
from contactpoint.web.limits import BodyLimit
from contactpoint.web.ui import about as about_ui
from contactpoint.web.ui import accounts as accounts_ui
from contactpoint.web.ui import children as children_ui
from contactpoint.web.ui import feeds as feeds_ui
from contactpoint.web.ui import geography as geography_ui
from contactpoint.web.ui import oversight as oversight_ui
from contactpoint.web.ui import safeguards as safeguards_ui

STATIC = Path(__file__).parent / "static"


def create_app(runtime: Runtime, config: WebConfig | None = None) -> FastAPI:
    """Build the app around an already-built runtime (nothing connects at import time)."""
    settings = config or WebConfig()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="ContactPoint",
        version="1",
        description="Who else works with this child, and how to reach them. Practitioners' JSON API.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN, which our CSP forbids
        redoc_url=None,
    )
    app.state.runtime = runtime
    for feature in (
        accounts_api,
        children_api,
        safeguards_api,
        feeds_api,
        oversight_api,
        client_systems_api,
        geography_api,
    ):
        app.include_router(feature.router)
    # FHIR for client systems: its own OpenAPI document (/fhir/openapi.json), not the JSON API's.
    app.include_router(fhir_api.router, include_in_schema=False)
    for page in (about_ui, accounts_ui, children_ui, feeds_ui, safeguards_ui, oversight_ui, geography_ui):
        app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(errors.UnhandledErrors)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, hsts=settings.hsts)
    return app
