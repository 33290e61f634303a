"""What every UI page shares: templates, the page renderer, CSRF checks, error summaries, the form base.

The UI's feature routers (`ui/<feature>.py`) import these; nothing here knows a route.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.roles import ROLE_PERMISSIONS, Permission
from contactpoint.access.tokens import same_token
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.geography.directory import authority_names
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.web.config import SESSION_COOKIE

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

SERVICE_LABELS = {
    ServiceType.EDUCATION.value: "Education",
    ServiceType.GP.value: "GP practice",
    ServiceType.HEALTH_VISITING.value: "Health visiting",
    ServiceType.SCHOOL_NURSING.value: "School nursing",
    ServiceType.SOCIAL_CARE.value: "Social care",
    ServiceType.YOUTH_OFFENDING.value: "Youth offending",
    ServiceType.CAREERS.value: "Careers (Connexions)",
    ServiceType.CAMHS.value: "CAMHS",
    ServiceType.SEXUAL_HEALTH.value: "Sexual health",
    ServiceType.SUBSTANCE_MISUSE.value: "Substance misuse",
    ServiceType.OTHER.value: "Other service",
}


class UiForm(BaseModel):
    """Base of every UI form: each carries its session's CSRF token (checked by `check_csrf`).

    Blank fields arrive as absent, so optional text is None; `echo` gives them back as typed for a
    form shown again beside its errors.
    """

    csrf_token: str

    def echo(self) -> dict[str, Any]:
        """The fields as typed, blank for absent; never the CSRF token (the page supplies its own)."""
        fields = self.model_dump(exclude={"csrf_token"})
        return {name: "" if value is None else value for name, value in fields.items()}


class LaNames:
    """A page's LA names from the directory, read once and only if the page names an LA."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._names: dict[str, str] | None = None

    def __call__(self, code: str | None) -> str:
        """The LA's name, or its code when the directory does not hold it."""
        if code is None:
            return ""
        if self._names is None:
            self._names = authority_names(self._request.app.state.runtime)
        return self._names.get(code, code)


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    session: Authenticated | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page; `session` supplies the header's account and every form's CSRF token."""
    base = {
        "session": session,
        "principal": session.principal if session else None,
        "csrf_token": session.csrf_token if session else context.get("csrf_token", ""),
        "reasons": list(AccessReason),
        "permissions": ROLE_PERMISSIONS[session.principal.role] if session else frozenset(),
        "Permission": Permission,
        "service_labels": SERVICE_LABELS,
        "la_name": LaNames(request),
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status_code)


def error_page(request: Request, status_code: int, message: str, headers: dict[str, str] | None) -> Response:
    """The HTML error page (errors.py sends non-API errors here)."""
    if status_code == 401:
        redirect = RedirectResponse("/sign-in", status_code=303)
        redirect.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return redirect
    response = TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {
            "status_code": status_code,
            "message": message,
            "session": None,
            "principal": None,
            "csrf_token": "",
        },
        status_code=status_code,
    )
    if headers:
        response.headers.update(headers)
    return response


def check_csrf(session: Authenticated, given: str) -> None:
    """Every UI form echoes its session's CSRF token."""
    if not same_token(session.csrf_token, given):
        raise PermissionDenied("the form has expired; go back, reload the page and try again")


def set_session_cookie(response: Response, token: str) -> None:
    """The session cookie: `__Host-`, Secure, HttpOnly, SameSite=Strict."""
    response.set_cookie(SESSION_COOKIE, token, secure=True, httponly=True, samesite="strict", path="/")


def form_errors(error: ValidationError) -> list[dict[str, str]]:
    """A validation error as the GOV.UK error summary's list (field and rule, never the value)."""
    return [{"field": error.field, "text": f"{error.field.replace('_', ' ').capitalize()}: {error.rule}"}]
