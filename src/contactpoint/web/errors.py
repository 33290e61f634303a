"""The one place errors become responses: JSON under /api/, an HTML page elsewhere.

Messages come from our typed errors, which never hold personal data; request validation errors are
reported without echoing the input (it could be a child's name).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contactpoint.access.errors import (
    AuthenticationFailed,
    PasswordChangeRequired,
    PermissionDenied,
    SecondFactorRequired,
    Throttled,
)
from contactpoint.domain.errors import (
    ConcurrentUpdate,
    ContactPointError,
    IntegrityFailure,
    KeyringError,
    NotFound,
    StoreBusy,
    StoreUnavailable,
    ValidationError,
)
from contactpoint.web.fhir.outcomes import outcome_response, validation_response
from contactpoint.web.pages import error_page

STATUS: dict[type[ContactPointError], tuple[int, str]] = {
    ValidationError: (422, "invalid"),
    AuthenticationFailed: (401, "unauthenticated"),
    SecondFactorRequired: (401, "second_factor_required"),
    Throttled: (429, "throttled"),
    PasswordChangeRequired: (403, "password_change_required"),
    PermissionDenied: (403, "forbidden"),
    NotFound: (404, "not_found"),
    ConcurrentUpdate: (409, "conflict"),
    IntegrityFailure: (500, "integrity_failure"),
    KeyringError: (503, "unavailable"),
    StoreUnavailable: (503, "unavailable"),
}


PASSWORD_PAGE = "/account/password"  # noqa: S105  # a page's address


def status_for(error: ContactPointError) -> tuple[int, str]:
    """The most specific status for an error."""
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400, "rejected"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _is_fhir(request: Request) -> bool:
    return request.url.path == "/fhir" or request.url.path.startswith("/fhir/")


def install(app: FastAPI) -> None:
    """Register the handlers (/fhir answers with OperationOutcomes, web/fhir/outcomes.py)."""

    @app.exception_handler(ContactPointError)
    async def domain_error(request: Request, error: ContactPointError) -> Response:
        code, name = status_for(error)
        if isinstance(error, PasswordChangeRequired) and not _is_api(request):
            return RedirectResponse(PASSWORD_PAGE, status_code=303)
        message = "stored data failed an integrity check" if code == 500 else str(error)
        headers = (
            {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled | StoreBusy) else None
        )
        if isinstance(error, AuthenticationFailed) and (_is_api(request) or _is_fhir(request)):
            headers = {"WWW-Authenticate": "Bearer"}
        if _is_fhir(request):
            field = error.field if isinstance(error, ValidationError) else None
            return outcome_response(code, message, field, headers)
        if _is_api(request):
            body: dict[str, str | None] = {"error": name, "message": message}
            if isinstance(error, ValidationError):
                body["field"] = error.field
            return JSONResponse(body, status_code=code, headers=headers)
        return error_page(request, code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        if _is_fhir(request):
            return validation_response(error)
        problems = [
            {"loc": [str(part) for part in item.get("loc", ())], "msg": str(item.get("msg", ""))}
            for item in error.errors()
        ]
        if _is_api(request):
            return JSONResponse(
                {"error": "invalid", "message": "the request is not valid", "problems": problems},
                status_code=422,
            )
        return error_page(
            request, 422, "the form is not valid: " + "; ".join(str(p["msg"]) for p in problems), None
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        if _is_fhir(request):
            return outcome_response(error.status_code, str(error.detail), headers=headers)
        if _is_api(request):
            return JSONResponse(
                {"error": "http", "message": str(error.detail)},
                status_code=error.status_code,
                headers=headers,
            )
        return error_page(request, error.status_code, str(error.detail), headers)


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in _routes(request.app.routes):
        if route.methods and route.matches(request.scope)[0] is not Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


def _routes(routes: Iterable[object]) -> Iterator[Route]:
    """Routes, inside included routers too (FastAPI keeps those as wrappers)."""
    for route in routes:
        if isinstance(route, Route):
            yield route
        elif (inner := getattr(route, "original_router", None)) is not None:
            yield from _routes(inner.routes)


_log = logging.getLogger(__name__)


class UnhandledErrors:
    """A failure nothing else handled is a 500 in the API's JSON shape or the UI's error page, never
    plain text or a traceback; only its type is logged (a message could hold a value)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass through; answer 500 if the app fails before it started its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            _log.error(
                "unhandled %s on %s", type(error).__name__, scope.get("path", "")
            )  # no traceback: it could hold a value
            if started:
                raise
            request = Request(scope)
            message = "something went wrong on our side; try again later"
            response = (
                JSONResponse({"error": "server_error", "message": message}, status_code=500)
                if _is_api(request)
                else error_page(request, 500, message, None)
            )
            await response(scope, receive, send)
