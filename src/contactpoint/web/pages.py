"""What every UI page shares: templates, the page renderer, CSRF checks, error summaries, the form base.

The UI's feature routers (`ui/<feature>.py`) import these; nothing here knows a route.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from pydantic import BaseModel

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.roles import ROLE_PERMISSIONS, Permission
from contactpoint.access.tokens import same_token
from contactpoint.app.accounts.accounts import Authenticated, account_holders
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.geography.directory import authority_names
from contactpoint.domain.errors import ValidationError
from contactpoint.web.config import SESSION_COOKIE
from contactpoint.web.labels import SERVICE_LABELS, audit_label, comparison_level, label, match_field

T = TypeVar("T")

# The service navigation: each role sees the pages its permissions open, in this order.
NAVIGATION = (
    (Permission.SEARCH_CHILDREN, "/search", "Search"),
    (Permission.MANAGE_USERS, "/users", "Accounts"),
    (Permission.MANAGE_LA_DIRECTORY, "/authorities", "Local authorities"),
    (Permission.READ_AUDIT, "/audit", "Audit log"),
    (Permission.READ_ALERTS, "/alerts", "Alerts"),
    (Permission.WORK_REVIEW_QUEUE, "/review", "Review queue"),
    (Permission.DECIDE_SHIELDING, "/shielding", "Shielding"),
    (Permission.BROKER_CONTACT, "/contact-requests", "Contact requests"),
    (Permission.DECIDE_ADOPTION, "/adoptions", "Adoptions"),
    (Permission.MANAGE_CONSENT, "/consent", "Consent"),
    (Permission.PRODUCE_SUBJECT_ACCESS, "/subject-access", "Subject access"),
)


def _error_item(error: dict[str, str]) -> dict[str, str]:
    """A page error as an error-summary item linking to its field."""
    return {"text": error["text"], "href": f"#{error['field']}"}


def _day(value: date | datetime | None) -> str:
    """A date as GOV.UK writes it: 5 December 2026."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def _moment(value: datetime | None) -> str:
    """A time as GOV.UK writes it: 5 December 2026, 2:05pm (UTC)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{value.day} {value:%B %Y}, {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"


# The GOV.UK Frontend components the pages use, as globals so that any template (and macros.html) can
# call them without an import of its own.
_GOVUK_MACROS = (
    ("back-link", "govukBackLink"),
    ("button", "govukButton"),
    ("checkboxes", "govukCheckboxes"),
    ("date-input", "govukDateInput"),
    ("details", "govukDetails"),
    ("error-summary", "govukErrorSummary"),
    ("footer", "govukFooter"),
    ("input", "govukInput"),
    ("inset-text", "govukInsetText"),
    ("notification-banner", "govukNotificationBanner"),
    ("pagination", "govukPagination"),
    ("panel", "govukPanel"),
    ("phase-banner", "govukPhaseBanner"),
    ("radios", "govukRadios"),
    ("select", "govukSelect"),
    ("service-navigation", "govukServiceNavigation"),
    ("skip-link", "govukSkipLink"),
    ("summary-list", "govukSummaryList"),
    ("table", "govukTable"),
    ("tag", "govukTag"),
    ("warning-text", "govukWarningText"),
)


def _environment() -> Environment:
    """The app's templates, with GOV.UK Frontend's components under `govuk_frontend_jinja/`."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(Path(__file__).parent / "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters.update(
        {
            "label": label,
            "audit_label": audit_label,
            "error_item": _error_item,
            "day": _day,
            "moment": _moment,
        }
    )
    env.globals.update({"navigation": NAVIGATION, "comparison_level": comparison_level})
    env.filters["match_field"] = match_field
    env.filters["sentence"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    for component, macro in _GOVUK_MACROS:
        module = env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html").module
        env.globals[macro] = getattr(module, macro)
    return env


TEMPLATES = Jinja2Templates(env=_environment())


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


class Holders:
    """A page's account holders by name ("Sam Teacher (Riverside Primary School)"), each looked up once
    and only if the page names one; "Account 7" where the account is gone."""

    def __init__(self, request: Request, session: Authenticated | None) -> None:
        self._request = request
        self._session = session
        self._names: dict[int, str] = {}

    def __call__(self, user_id: int | None) -> str:
        """The holder's name and organisation; "the system" for none."""
        if user_id is None:
            return "the system"
        if user_id not in self._names and self._session is not None:
            runtime = self._request.app.state.runtime
            self._names.update(account_holders(runtime, self._session.principal, [user_id]))
        return self._names.get(user_id, f"Account {user_id}")


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
        "holder": Holders(request, session),
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


# Fields whose name in words is not what the form calls them.
FIELD_LABELS = {
    "cp_id": "ContactPoint ID",
    "since": "The from date",
    "until": "The to date",
    "org_code": "The organisation code",
    "la_code": "The local authority",
    "practitioner_name": "Your name",
    "requested_by": "Who asked",
    "review_on": "The review date",
    "consented_on": "The date of consent",
    "start": "The start date",
}
_IMPERATIVES = {"enter", "choose", "give", "name", "select", "link", "check", "sign", "use", "try"}
_VERBS = {"is", "are", "must", "has", "was", "cannot", "should"}


def error_text(field: str, rule: str) -> str:
    """A rule broken as the sentence the error summary shows: "Enter a date", "Family name is required"."""
    first = rule.split(" ", 1)[0].lower()
    if first in _IMPERATIVES:
        return rule[:1].upper() + rule[1:]
    name = FIELD_LABELS.get(field) or label(field)
    return f"{name} {rule}" if first in _VERBS else f"{name}: {rule}"


class FormInvalid(Exception):
    """Every rule a form broke, for its error summary."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("the form has errors")
        self.errors = errors


class Checks:
    """Runs a form's checks one by one, keeping every rule broken, so the error summary lists them all."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def __call__(self, check: Callable[[], T]) -> T | None:
        """The check's value, or None with its rule kept."""
        try:
            return check()
        except ValidationError as error:
            self.errors += form_errors(error)
            return None


def form_errors(error: ValidationError) -> list[dict[str, str]]:
    """A validation error as the GOV.UK error summary's list (field and rule, never the value)."""
    return [{"field": error.field, "text": error_text(error.field, error.rule)}]
