"""The one place errors become responses: JSON under /api/, an HTML page elsewhere.

Messages come from our typed errors, which never hold personal data; request validation errors are
reported without echoing the input (it could be a child's name).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from contactpoint.access.errors import AuthenticationFailed, PermissionDenied, SecondFactorRequired, Throttled
from contactpoint.domain.errors import (
    ConcurrentUpdate,
    ContactPointError,
    IntegrityFailure,
    KeyringError,
    NotFound,
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
    PermissionDenied: (403, "forbidden"),
    NotFound: (404, "not_found"),
    ConcurrentUpdate: (409, "conflict"),
    IntegrityFailure: (500, "integrity_failure"),
    KeyringError: (503, "unavailable"),
    StoreUnavailable: (503, "unavailable"),
}


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
        message = "stored data failed an integrity check" if code == 500 else str(error)
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else None
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
        if _is_fhir(request):
            return outcome_response(error.status_code, str(error.detail), headers=dict(error.headers or {}))
        if _is_api(request):
            return JSONResponse(
                {"error": "http", "message": str(error.detail)},
                status_code=error.status_code,
                headers=error.headers,
            )
        return error_page(request, error.status_code, str(error.detail), dict(error.headers or {}))
