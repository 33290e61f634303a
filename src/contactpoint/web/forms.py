"""Form helpers for the UI: GOV.UK-style three-field dates, optional text, checkboxes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator

from contactpoint.domain.errors import ValidationError


def optional(text: str | None) -> str | None:
    """Blank form fields mean "not given"."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def parse_date(
    field: str, day: str | None, month: str | None, year: str | None, *, required: bool
) -> date | None:
    """A date from day, month and year fields; a rule broken names the field, never the value."""
    parts = [optional(day), optional(month), optional(year)]
    if not any(parts):
        if required:
            raise ValidationError(field, "enter a date")
        return None
    if not all(parts) or not all(p.isdigit() for p in parts if p):
        raise ValidationError(field, "must include a day, month and year as numbers")
    try:
        return date(int(parts[2] or 0), int(parts[1] or 0), int(parts[0] or 0))
    except ValueError as error:
        raise ValidationError(field, "must be a real date") from error


def checked(value: object) -> bool:
    """An HTML checkbox is present (any value) or absent."""
    return value is not None


# A form model's checkbox: ticked whatever its value; a blank or absent one takes the default (False).
Checkbox = Annotated[bool, BeforeValidator(checked)]
