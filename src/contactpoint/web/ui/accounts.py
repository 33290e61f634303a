"""Signing in (password, then the TOTP code or its enrolment), signing out, the home page, and the
user administrator's screens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from contactpoint.access.errors import AuthenticationFailed, Throttled
from contactpoint.access.roles import CREATABLE_ROLES, Permission, Role
from contactpoint.access.tokens import new_token, same_token
from contactpoint.app.accounts import accounts
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.accounts.notifications import notifications_for
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.web.config import DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE, PRE_SESSION_COOKIE, SESSION_COOKIE
from contactpoint.web.deps import RuntimeDep, UiNeed, client_address
from contactpoint.web.forms import optional
from contactpoint.web.pages import UiForm, check_csrf, form_errors, render, set_session_cookie

router = APIRouter(include_in_schema=False)

UserAdmin = Annotated[Authenticated, Depends(UiNeed(Permission.MANAGE_USERS))]
Anyone = Annotated[Authenticated, Depends(UiNeed(Permission.READ_OWN_ACCOUNT))]
# Signing out and changing the password also work for a session signed in with a one-time password
Holder = Annotated[Authenticated, Depends(UiNeed(Permission.READ_OWN_ACCOUNT, changing_password=True))]


class SignInForm(UiForm):
    """The password step (its token is the pre-session cookie's, not a session's)."""

    username: str = Field(default="", max_length=64)
    password: str = Field(default="", max_length=128)


class CodeForm(UiForm):
    """The TOTP step."""

    code: str = Field(default="", max_length=10)


class PasswordForm(UiForm):
    """The holder's password change."""

    current_password: str = Field(default="", max_length=128)
    new_password: str = Field(default="", max_length=128)


class NewUserForm(UiForm):
    """A new account; the organisation and service are for practitioners only."""

    username: str | None = None
    display_name: str | None = None
    role: str | None = None
    org_code: str | None = None
    org_name: str | None = None
    service: str | None = None
    family_name: str | None = None
    home_postcode: str | None = None


class UserForm(UiForm):
    """An account chosen from the list."""

    user_id: int = Field(ge=1, le=2**31 - 1)


class SuspensionForm(UserForm):
    """Suspend or reinstate."""

    action: str = Field(max_length=16)


# Sign-in ---------------------------------------------------------------------------------------


def _sign_in_page(
    request: Request,
    csrf: str,
    errors: list[dict[str, str]],
    *,
    username: str = "",
    signed_out: bool = False,
    status_code: int = 200,
) -> Response:
    """The password step, stating the session limits (no page can warn before an idle timeout
    without JavaScript)."""
    context = {
        "csrf_token": csrf,
        "errors": errors,
        "form": {"username": username},
        "signed_out": signed_out,
        "idle_minutes": int(accounts.IDLE_LIMIT.total_seconds() // 60),
        "absolute_hours": int(accounts.ABSOLUTE_LIMIT.total_seconds() // 3600),
    }
    return render(request, "accounts/sign_in.html", context, status_code=status_code)


def _fresh_sign_in(request: Request, *, signed_out: bool) -> Response:
    token = new_token()
    response = _sign_in_page(request, token, [], signed_out=signed_out)
    response.set_cookie(PRE_SESSION_COOKIE, token, secure=True, httponly=True, samesite="strict", path="/")
    return response


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    """The password step; sets a pre-session token that the form must echo (login CSRF)."""
    return _fresh_sign_in(request, signed_out=False)


@router.get("/signed-out")
def signed_out(request: Request) -> Response:
    """Where signing out lands: says so, and offers the sign-in form again."""
    return _fresh_sign_in(request, signed_out=True)


def _missing_sign_in_fields(form: SignInForm) -> list[dict[str, str]]:
    """Every empty field of the password step, each with its own message."""
    errors = []
    if not form.username.strip():
        errors.append({"field": "username", "text": "Enter your username"})
    if not form.password:
        errors.append({"field": "password", "text": "Enter your password"})
    return errors


@router.post("/sign-in")
def sign_in(request: Request, runtime: RuntimeDep, form: Annotated[SignInForm, Form()]) -> Response:
    """Check the password, then go to the code (or enrolment) step."""
    expected = request.cookies.get(PRE_SESSION_COOKIE, "")
    if not expected or not same_token(expected, form.csrf_token):
        return RedirectResponse("/sign-in", status_code=303)
    missing = _missing_sign_in_fields(form)
    if missing:
        return _sign_in_page(request, expected, missing, username=form.username, status_code=422)
    try:
        grant = accounts.begin_sign_in(
            runtime,
            form.username,
            form.password,
            client_address(request),
            device=request.cookies.get(DEVICE_COOKIE),
        )
    except (AuthenticationFailed, Throttled) as error:
        status_code = 429 if isinstance(error, Throttled) else 401
        response = _sign_in_page(
            request,
            expected,
            [{"field": "username", "text": str(error).capitalize()}],
            username=form.username,
            status_code=status_code,
        )
        if isinstance(error, Throttled):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    onward = RedirectResponse(
        "/sign-in/enrol" if grant.stage == "enrol" else "/sign-in/code", status_code=303
    )
    set_session_cookie(onward, grant.token)
    onward.delete_cookie(PRE_SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return onward


@router.get("/sign-in/code")
def code_form(request: Request, runtime: RuntimeDep) -> Response:
    """The TOTP step."""
    csrf = accounts.pending_csrf(runtime, request.cookies.get(SESSION_COOKIE, ""))
    if csrf is None:
        return RedirectResponse("/sign-in", status_code=303)
    return render(request, "accounts/code.html", {"csrf_token": csrf, "errors": [], "enrol": None})


@router.get("/sign-in/enrol")
def enrol_form(request: Request, runtime: RuntimeDep) -> Response:
    """First sign-in: show the QR code and the secret, then ask for a code."""
    token = request.cookies.get(SESSION_COOKIE, "")
    enrolment = accounts.enrolment(runtime, token)
    csrf = accounts.pending_csrf(runtime, token) or ""
    return render(request, "accounts/code.html", {"csrf_token": csrf, "errors": [], "enrol": enrolment})


@router.post("/sign-in/code")
def code_submit(request: Request, runtime: RuntimeDep, form: Annotated[CodeForm, Form()]) -> Response:
    """Check the code; on success the session token is replaced by a full one."""
    token = request.cookies.get(SESSION_COOKIE, "")
    csrf = accounts.pending_csrf(runtime, token)
    if csrf is None or not same_token(csrf, form.csrf_token):
        return RedirectResponse("/sign-in", status_code=303)
    try:
        if not form.code.strip():
            raise AuthenticationFailed("enter the 6-digit code from your authenticator app")
        grant = accounts.complete_sign_in(runtime, token, form.code, client_address(request))
    except (AuthenticationFailed, Throttled) as error:
        status_code = 429 if isinstance(error, Throttled) else (422 if not form.code.strip() else 401)
        enrol = None
        try:
            enrol = accounts.enrolment(runtime, token)
        except AuthenticationFailed:
            enrol = None
        page = render(
            request,
            "accounts/code.html",
            {
                "csrf_token": csrf,
                "errors": [{"field": "code", "text": str(error).capitalize()}],
                "enrol": enrol,
            },
            status_code=status_code,
        )
        if isinstance(error, Throttled):
            page.headers["Retry-After"] = str(error.retry_after)
        return page
    response = RedirectResponse("/account/password" if grant.stage == "password" else "/", status_code=303)
    set_session_cookie(response, grant.token)
    if grant.device:
        response.set_cookie(
            DEVICE_COOKIE,
            grant.device,
            max_age=DEVICE_COOKIE_MAX_AGE,
            secure=True,
            httponly=True,
            samesite="strict",
            path="/",
        )
    return response


@router.post("/sign-out")
def sign_out(
    request: Request, runtime: RuntimeDep, session: Holder, form: Annotated[UiForm, Form()]
) -> Response:
    """End the session."""
    check_csrf(session, form.csrf_token)
    accounts.sign_out(runtime, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/signed-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


@router.get("/")
def home(request: Request, runtime: RuntimeDep, session: Anyone) -> Response:
    """What this role can do, and what the account has been told (changes of lead professional)."""
    told = notifications_for(runtime, session.principal)
    return render(request, "home.html", {"notifications": told}, session=session)


@router.get("/account/password")
def password_form(request: Request, runtime: RuntimeDep, session: Holder) -> Response:
    """Change one's password: offered always, and the only page of a one-time password's session."""
    return _password_page(request, runtime, session, [], changed=False)


@router.post("/account/password")
def password_change(
    request: Request, runtime: RuntimeDep, session: Holder, form: Annotated[PasswordForm, Form()]
) -> Response:
    """Check the current password and the new one's rules; other sessions end, this one goes on."""
    check_csrf(session, form.csrf_token)
    missing = [
        {"field": field, "text": text}
        for field, text in (
            ("current_password", "Enter your current password"),
            ("new_password", "Enter a new password"),
        )
        if not getattr(form, field)
    ]
    if missing:
        return _password_page(request, runtime, session, missing, changed=False, status_code=422)
    try:
        accounts.change_password(
            runtime,
            request.cookies.get(SESSION_COOKIE, ""),
            form.current_password,
            form.new_password,
            client_address(request),
        )
    except ValidationError as error:
        return _password_page(request, runtime, session, form_errors(error), changed=False, status_code=422)
    except Throttled as error:
        page = _password_page(
            request,
            runtime,
            session,
            [{"field": "current_password", "text": str(error).capitalize()}],
            changed=False,
            status_code=429,
        )
        page.headers["Retry-After"] = str(error.retry_after)
        return page
    return _password_page(request, runtime, session, [], changed=True)


def _password_page(
    request: Request,
    runtime: RuntimeDep,
    session: Authenticated,
    errors: list[dict[str, str]],
    *,
    changed: bool,
    status_code: int = 200,
) -> Response:
    one_time = not changed and accounts.must_change_password(runtime, session.principal)
    return render(
        request,
        "accounts/password.html",
        {"errors": errors, "one_time": one_time, "changed": changed},
        session=session,
        status_code=status_code,
    )


# User administration ---------------------------------------------------------------------------


def _users_page(
    request: Request,
    runtime: RuntimeDep,
    session: Authenticated,
    errors: list[dict[str, str]],
    status_code: int = 200,
    *,
    form: dict[str, object] | None = None,
) -> Response:
    users = accounts.list_accounts(runtime, session.principal)
    roles = sorted(CREATABLE_ROLES.get(session.principal.role, frozenset()))
    return render(
        request,
        "accounts/users.html",
        {"users": users, "roles": roles, "services": list(ServiceType), "errors": errors, "form": form or {}},
        session=session,
        status_code=status_code,
    )


@router.get("/users")
def users_page(request: Request, runtime: RuntimeDep, session: UserAdmin) -> Response:
    """Accounts in scope, and the form to create one."""
    return _users_page(request, runtime, session, [])


def _missing_account_fields(form: NewUserForm) -> list[dict[str, str]]:
    """Every field the new-account form lacks or got wrong on its face, listed at once; the use case
    then checks the rest (username rules, the organisation register)."""
    errors = []
    if not optional(form.username):
        errors.append({"field": "username", "text": "Enter a username"})
    if form.role not in {r.value for r in Role}:
        errors.append({"field": "role", "text": "Choose a role"})
    service = optional(form.service)
    if service is not None and service not in {s.value for s in ServiceType}:
        errors.append({"field": "service", "text": "Choose a service"})
    if form.role in {r.value for r in Role} and Role(form.role or "").needs_service:
        if not optional(form.org_code):
            errors.append({"field": "org_code", "text": "Enter the code of the practitioner's organisation"})
        if service is None:
            errors.append({"field": "service", "text": "Choose the practitioner's service"})
    return errors


@router.post("/users")
def users_create(
    request: Request, runtime: RuntimeDep, session: UserAdmin, form: Annotated[NewUserForm, Form()]
) -> Response:
    """Create an account, held for a second administrator; the first half of its one-time password
    is shown once."""
    check_csrf(session, form.csrf_token)
    errors = _missing_account_fields(form)
    if errors:
        return _users_page(request, runtime, session, errors, 422, form=form.echo())
    chosen = Role(form.role or "")
    service = optional(form.service)
    try:
        created = accounts.create_account(
            runtime,
            session.principal,
            username=optional(form.username) or "",
            role=chosen,
            la_code=None if chosen.is_national else session.principal.la_code,
            org_code=optional(form.org_code) if chosen.needs_service else None,
            org_name=optional(form.org_name) if chosen.needs_service else None,
            service=ServiceType(service) if service and chosen.needs_service else None,
            family_name=optional(form.family_name),
            home_postcode=optional(form.home_postcode),
            display_name=optional(form.display_name),
        )
    except ValidationError as error:
        return _users_page(request, runtime, session, form_errors(error), 422, form=form.echo())
    return render(request, "accounts/user_created.html", {"created": created}, session=session)


@router.post("/users/suspension")
def users_suspend(
    runtime: RuntimeDep, session: UserAdmin, form: Annotated[SuspensionForm, Form()]
) -> Response:
    """Suspend (sessions end at once) or reinstate."""
    check_csrf(session, form.csrf_token)
    accounts.set_suspended(runtime, session.principal, form.user_id, suspended=form.action == "suspend")
    return RedirectResponse("/users", status_code=303)


@router.post("/users/reset")
def users_reset(
    request: Request, runtime: RuntimeDep, session: UserAdmin, form: Annotated[UserForm, Form()]
) -> Response:
    """A forgotten password or a lost authenticator: the first half of a new one-time password,
    shown once; a second administrator releases the account with the second half; the holder enrols
    a new second factor at their next sign-in, and their sessions end now."""
    check_csrf(session, form.csrf_token)
    reset = accounts.reset_account(runtime, session.principal, form.user_id)
    return render(request, "accounts/user_created.html", {"created": reset, "reset": True}, session=session)


@router.post("/users/release")
def users_release(
    request: Request, runtime: RuntimeDep, session: UserAdmin, form: Annotated[UserForm, Form()]
) -> Response:
    """Release an account another administrator made or reset: it works from now, and the second
    half of its one-time password is shown once."""
    check_csrf(session, form.csrf_token)
    released = accounts.release_account(runtime, session.principal, form.user_id)
    return render(request, "accounts/user_created.html", {"created": released}, session=session)
