"""FHIR responses: `application/fhir+json`, and an OperationOutcome for every error.

`web/errors.py` answers every error under /fhir (our typed errors with the JSON API's statuses,
invalid requests, unknown paths and methods) with `outcome_response`; `FhirRoute` wraps each /fhir
route so that an error nobody foresaw is a 500 OperationOutcome too, not a bare text page.
Diagnostics come from our typed errors, which hold no personal data, and never echo the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from contactpoint.domain.errors import ContactPointError

FHIR_JSON = "application/fhir+json"
_log = logging.getLogger(__name__)

# The JSON API's status for each of our errors, as an OperationOutcome issue code (FHIR R4 IssueType).
ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    413: "too-long",
    415: "not-supported",
    422: "invalid",
    429: "throttled",
    500: "exception",
    503: "transient",
}


class FhirResponse(JSONResponse):
    """JSON with FHIR's media type."""

    media_type = FHIR_JSON


def operation_outcome(status: int, diagnostics: str, expression: str | None = None) -> dict[str, Any]:
    """One issue: its severity, its FHIR issue code for the status, and what went wrong."""
    issue: dict[str, Any] = {
        "severity": "error" if status < 500 else "fatal",
        "code": ISSUE_CODES.get(status, "processing"),
        "diagnostics": diagnostics,
    }
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def outcome_response(
    status: int, diagnostics: str, expression: str | None = None, headers: dict[str, str] | None = None
) -> FhirResponse:
    """An OperationOutcome as a response."""
    return FhirResponse(
        operation_outcome(status, diagnostics, expression), status_code=status, headers=headers
    )


def validation_response(error: RequestValidationError) -> FhirResponse:
    """A request FastAPI could not parse: where, never what (it could be a child's name)."""
    places = sorted({".".join(str(p) for p in item.get("loc", ())) for item in error.errors()})
    return outcome_response(422, "the request is not valid: " + ", ".join(places))


class FhirRoute(APIRoute):
    """A route whose every error is an OperationOutcome (dependencies' refusals included)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The usual handler, with errors turned into OperationOutcomes."""
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (ContactPointError, RequestValidationError, StarletteHTTPException):
                raise  # web/errors.py answers these, with an OperationOutcome under /fhir
            except Exception as error:  # noqa: BLE001  an unforeseen error is an OperationOutcome too
                # The kind only: an unforeseen error's message could hold what the request carried.
                _log.error("unexpected %s in a FHIR interaction", type(error).__name__)
                return outcome_response(500, "the server could not answer this request")

        return answer
