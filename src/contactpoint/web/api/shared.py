"""What every API router shares: the error responses, the input base, path parameters, the version reply.

Every input model forbids unknown fields (invariant 8: unknown fields are rejected, not dropped).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

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
ChildId = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="A ContactPoint ID")]
InvolvementIndex = Annotated[int, Path(ge=0, le=63)]
