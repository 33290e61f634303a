"""Pages about the service, open to anyone: the accessibility statement and the privacy notice."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from contactpoint.app.accounts.accounts import ABSOLUTE_LIMIT, IDLE_LIMIT
from contactpoint.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/accessibility")
def accessibility(request: Request) -> Response:
    """How accessible the service is, how it was tested, and what is known not to work."""
    context = {
        "idle_minutes": int(IDLE_LIMIT.total_seconds() // 60),
        "absolute_hours": int(ABSOLUTE_LIMIT.total_seconds() // 3600),
    }
    return render(request, "about/accessibility.html", context)


@router.get("/privacy")
def privacy(request: Request) -> Response:
    """What the service holds about children and about its users, why, and for how long."""
    return render(request, "about/privacy.html", {})
