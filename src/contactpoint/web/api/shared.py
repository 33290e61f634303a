"""What every API router shares: the error responses, the input base, path parameters, the version reply.

Every input model forbids unknown fields (invariant 8: unknown fields are rejected, not dropped).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from contactpoint.domain.errors import InvalidContactPointId
from contactpoint.domain.identifiers import ContactPointId

NAME = Field(min_length=1, max_length=70)


class Input(BaseModel):
    """Base of request bodies."""

    model_config = ConfigDict(extra="forbid")


class ErrorRead(BaseModel):
    """Every error response: a code and a message with no personal data."""

    error: str
    message: str
    field: str | None = None


class VersionRead(BaseModel):
    """The record's version after a change."""

    version: int


ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorRead} for code in (400, 401, 403, 404, 409, 422, 429, 503)
}
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _check_digit(value: str) -> str:
    """Damm's check digit, so an ID that fails it is a 422 of the request's shape, wherever it is."""
    try:
        ContactPointId(value)
    except InvalidContactPointId as error:
        raise ValueError(f"a ContactPoint ID {error}") from None
    return value


CP_ID_PATTERN = r"^[0-9]{12}$"
CP_ID_DESCRIPTION = (
    "A ContactPoint ID: 12 digits, the last a Damm check digit over the first 11 "
    "(an ID whose check digit does not match is refused with 422, like any other invalid field)"
)
_CP_ID_SCHEMA = {"x-check-digit": "damm"}
# In bodies and paths alike; the OpenAPI document gives the pattern and names the check digit.
CpId = Annotated[
    str,
    Field(pattern=CP_ID_PATTERN, description=CP_ID_DESCRIPTION, json_schema_extra=_CP_ID_SCHEMA),
    AfterValidator(_check_digit),
]
ChildId = Annotated[
    str,
    Path(pattern=CP_ID_PATTERN, description=CP_ID_DESCRIPTION, json_schema_extra=_CP_ID_SCHEMA),
    AfterValidator(_check_digit),
]
_ISO_8601 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_text(value: object) -> object:
    """Dates and times only as ISO 8601 text: pydantic's lax mode would read 0, 1700000000 or
    "1700000000" as a time since 1970."""
    if not isinstance(value, str) or not _ISO_8601.match(value):
        raise ValueError(
            "must be an ISO 8601 date (YYYY-MM-DD) or date and time"
        )  # pydantic needs a ValueError
    return value


Day = Annotated[date, BeforeValidator(_iso_text), WithJsonSchema({"type": "string", "format": "date"})]
Moment = Annotated[
    datetime, BeforeValidator(_iso_text), WithJsonSchema({"type": "string", "format": "date-time"})
]
InvolvementIndex = Annotated[int, Path(ge=0, le=63)]


def links(status_code: int, **named: tuple[str, str, dict[str, str]]) -> dict[int | str, dict[str, object]]:
    """OpenAPI links from one response to the operations its values open (method, path, parameters
    as runtime expressions), so a client or a stateful tester can follow them; targets are named
    by `operationRef`, which does not depend on generated operation IDs."""

    def reference(method: str, path: str) -> str:
        return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method.lower()

    return {
        status_code: {
            "links": {
                name: {"operationRef": reference(method, path), "parameters": parameters}
                for name, (method, path, parameters) in named.items()
            }
        }
    }
