"""Request bodies capped per route before the app reads them (ASGI middleware).

FastAPI reads a JSON or form body whole before validating it, so without a cap a client could make a
worker hold hundreds of megabytes for one sign-in. Every body except a feed submission's is small:
this reads it into memory up to the route's cap, refusing with 413 as soon as the declared length
or the bytes received pass it, and only then hands it on. Feed submissions stream into the pipeline
with limits of their own (web/api/feeds.py).
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contactpoint.web.fhir.outcomes import FHIR_JSON, operation_outcome

DEFAULT_LIMIT = 64 << 10  # the largest form or JSON body of the API (an adoption request) is a few KiB
LIMITS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"^/api/v1/feeds/[^/]+/submissions$"), None),  # streamed, capped in api_feeds
    (re.compile(r"^/api/v1/sessions$"), 4 << 10),
    (re.compile(r"^/sign-in(/code)?$"), 4 << 10),
)


def limit_for(path: str) -> int | None:
    """The cap for a path's bodies in bytes; None where the route streams and caps its own."""
    for pattern, limit in LIMITS:
        if pattern.match(path):
            return limit
    return DEFAULT_LIMIT


class BodyLimit:
    """Refuse a body over the route's cap before the app sees any of it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(scope, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(chunks, None, receive), send)


def _replay(chunks: list[bytes], final: Message | None, receive: Receive) -> Receive:
    """A `receive` that gives the app the body read so far at once (or the message that ended it),
    then listens to the client as before (a streamed response watches for its disconnect)."""
    pending: list[Message] = [
        final if final is not None else {"type": "http.request", "body": b"".join(chunks), "more_body": False}
    ]

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


async def _too_large(scope: Scope, send: Send) -> None:
    api = scope["path"].startswith("/api/")
    body = (
        json.dumps({"error": "http", "message": "the request body is too large"}).encode()
        if api
        else b"The request body is too large."
    )
    kind = b"application/json" if api else b"text/plain; charset=utf-8"
    if scope["path"].startswith("/fhir/"):  # FHIR answers every error with an OperationOutcome
        body = json.dumps(operation_outcome(413, "the request body is too large")).encode()
        kind = FHIR_JSON.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
