"""The FastAPI app factory: one app serving the JSON API (/api/v1) and the UI over the same use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from contactpoint.app.runtime import Runtime
from contactpoint.web import api, api_feeds, api_safeguards, errors, ui
from contactpoint.web.config import WebConfig
from contactpoint.web.headers import SecurityHeaders
from contactpoint.web.limits import BodyLimit

STATIC = Path(__file__).parent / "static"


def create_app(runtime: Runtime, config: WebConfig | None = None) -> FastAPI:
    """Build the app around already-built services (nothing connects at import time)."""
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
    app.include_router(api.router)
    app.include_router(api_safeguards.router)
    app.include_router(api_feeds.router)
    app.include_router(ui.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, hsts=settings.hsts)
    return app
