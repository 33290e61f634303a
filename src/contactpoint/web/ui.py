"""The server-rendered UI, following GOV.UK Design System patterns; it works without JavaScript.

IDs and names never appear in URLs: records are opened, and involvements changed, by POSTed forms.
Every form carries the session's CSRF token (the sign-in form a pre-session double-submit token).
What pages share is in `pages.py`; admin screens live in their own modules and are included here.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from contactpoint.access.errors import AuthenticationFailed, Throttled
from contactpoint.access.roles import Permission, Role
from contactpoint.access.tokens import new_token, same_token
from contactpoint.app.accounts import accounts
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.children import involvements, search, view
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.oversight import alerts, auditing
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import SensitiveBasis, ServiceType
from contactpoint.web import ui_admin, ui_safeguards, ui_subject_access
from contactpoint.web.config import PRE_SESSION_COOKIE, SESSION_COOKIE
from contactpoint.web.deps import ServicesDep, UiNeed, client_address
from contactpoint.web.forms import checked, optional, parse_date
from contactpoint.web.pages import (
    FormCsrf,
    FormText,
    check_csrf,
    form_errors,
    render,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)

Searcher = Annotated[Authenticated, Depends(UiNeed(Permission.SEARCH_CHILDREN))]
Viewer = Annotated[Authenticated, Depends(UiNeed(Permission.VIEW_CHILD))]
Recorder = Annotated[Authenticated, Depends(UiNeed(Permission.WRITE_INVOLVEMENT))]
UserAdmin = Annotated[Authenticated, Depends(UiNeed(Permission.MANAGE_USERS))]
Auditor = Annotated[Authenticated, Depends(UiNeed(Permission.READ_AUDIT))]
AlertReader = Annotated[Authenticated, Depends(UiNeed(Permission.READ_ALERTS))]
Anyone = Annotated[Authenticated, Depends(UiNeed(Permission.READ_OWN_ACCOUNT))]


# Sign-in ---------------------------------------------------------------------------------------


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    """The password step; sets a pre-session token that the form must echo (login CSRF)."""
    token = new_token()
    response = render(request, "sign_in.html", {"csrf_token": token, "errors": []})
    response.set_cookie(PRE_SESSION_COOKIE, token, secure=True, httponly=True, samesite="strict", path="/")
    return response


@router.post("/sign-in")
def sign_in(
    request: Request,
    runtime: ServicesDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=128)],
    csrf_token: FormCsrf,
) -> Response:
    """Check the password, then go to the code (or enrolment) step."""
    expected = request.cookies.get(PRE_SESSION_COOKIE, "")
    if not expected or not same_token(expected, csrf_token):
        return RedirectResponse("/sign-in", status_code=303)
    try:
        grant = accounts.begin_sign_in(runtime, username, password, client_address(request))
    except (AuthenticationFailed, Throttled) as error:
        status_code = 429 if isinstance(error, Throttled) else 401
        response = render(
            request,
            "sign_in.html",
            {"csrf_token": expected, "errors": [{"field": "username", "text": str(error).capitalize()}]},
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
def code_form(request: Request, runtime: ServicesDep) -> Response:
    """The TOTP step."""
    csrf = accounts.pending_csrf(runtime, request.cookies.get(SESSION_COOKIE, ""))
    if csrf is None:
        return RedirectResponse("/sign-in", status_code=303)
    return render(request, "code.html", {"csrf_token": csrf, "errors": [], "enrol": None})


@router.get("/sign-in/enrol")
def enrol_form(request: Request, runtime: ServicesDep) -> Response:
    """First sign-in: show the QR code and the secret, then ask for a code."""
    token = request.cookies.get(SESSION_COOKIE, "")
    enrolment = accounts.enrolment(runtime, token)
    csrf = accounts.pending_csrf(runtime, token) or ""
    return render(request, "code.html", {"csrf_token": csrf, "errors": [], "enrol": enrolment})


@router.post("/sign-in/code")
def code_submit(
    request: Request, runtime: ServicesDep, code: Annotated[str, Form(max_length=10)], csrf_token: FormCsrf
) -> Response:
    """Check the code; on success the session token is replaced by a full one."""
    token = request.cookies.get(SESSION_COOKIE, "")
    csrf = accounts.pending_csrf(runtime, token)
    if csrf is None or not same_token(csrf, csrf_token):
        return RedirectResponse("/sign-in", status_code=303)
    try:
        grant = accounts.complete_sign_in(runtime, token, code, client_address(request))
    except (AuthenticationFailed, Throttled) as error:
        status_code = 429 if isinstance(error, Throttled) else 401
        enrol = None
        try:
            enrol = accounts.enrolment(runtime, token)
        except AuthenticationFailed:
            enrol = None
        page = render(
            request,
            "code.html",
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
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, grant.token)
    return response


@router.post("/sign-out")
def sign_out(request: Request, runtime: ServicesDep, session: Anyone, csrf_token: FormCsrf) -> Response:
    """End the session."""
    check_csrf(session, csrf_token)
    accounts.sign_out(runtime, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


@router.get("/")
def home(request: Request, session: Anyone) -> Response:
    """What this role can do."""
    return render(request, "home.html", {}, session=session)


# Search and the record -------------------------------------------------------------------------


@router.get("/search")
def search_form(request: Request, session: Searcher) -> Response:
    """The search form."""
    return render(request, "search.html", {"errors": [], "form": {}, "results": None}, session=session)


@router.post("/search")
def search_submit(
    request: Request,
    runtime: ServicesDep,
    session: Searcher,
    csrf_token: FormCsrf,
    family_name: FormText = None,
    given_name: FormText = None,
    dob_day: FormText = None,
    dob_month: FormText = None,
    dob_year: FormText = None,
    postcode_district: FormText = None,
    reason: FormText = None,
) -> Response:
    """Run the search; errors come back as an error summary above the form."""
    check_csrf(session, csrf_token)
    form = {
        "family_name": family_name or "",
        "given_name": given_name or "",
        "dob_day": dob_day or "",
        "dob_month": dob_month or "",
        "dob_year": dob_year or "",
        "postcode_district": postcode_district or "",
        "reason": reason or "",
    }
    try:
        if reason not in {r.value for r in AccessReason}:
            raise ValidationError("reason", "choose why you are searching")
        criteria = search.SearchCriteria(
            family_name=optional(family_name) or "",
            given_name=optional(given_name),
            date_of_birth=parse_date("date_of_birth", dob_day, dob_month, dob_year, required=False),
            postcode_district=search.normalise_district(postcode_district),
            reason=AccessReason(reason),
        )
        results = search.search_children(runtime, session.principal, criteria)
    except ValidationError as error:
        return render(
            request,
            "search.html",
            {"errors": form_errors(error), "form": form, "results": None},
            session=session,
            status_code=422,
        )
    return render(
        request,
        "search.html",
        {"errors": [], "form": form, "results": results, "reason": reason},
        session=session,
    )


@router.post("/record")
def open_record(
    request: Request,
    runtime: ServicesDep,
    session: Viewer,
    csrf_token: FormCsrf,
    cp_id: Annotated[str, Form(max_length=12)],
    reason: FormText = None,
    override: FormText = None,
) -> Response:
    """Open a record with a reason (audited first; the page is never cached)."""
    check_csrf(session, csrf_token)
    if reason not in {r.value for r in AccessReason}:
        return render(
            request,
            "reason.html",
            {
                "cp_id": cp_id,
                "errors": [{"field": "reason", "text": "Choose why you are opening this record"}],
            },
            session=session,
            status_code=422,
        )
    child = view.view_child(
        runtime, session.principal, ContactPointId(cp_id), AccessReason(reason), override=checked(override)
    )
    return render(request, "record.html", {"child": child, "reason": reason}, session=session)


# Involvements ----------------------------------------------------------------------------------


@router.post("/involvement/form")
def involvement_form(
    request: Request,
    session: Recorder,
    csrf_token: FormCsrf,
    cp_id: Annotated[str, Form(max_length=12)],
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    index: Annotated[int | None, Form(ge=0, le=63)] = None,
) -> Response:
    """The add (or update) form for your own service's involvement."""
    check_csrf(session, csrf_token)
    context = {
        "cp_id": cp_id,
        "version": version,
        "index": index,
        "errors": [],
        "form": {},
        "bases": list(SensitiveBasis),
    }
    return render(request, "involvement.html", context, session=session)


@router.post("/involvement/save")
def involvement_save(
    request: Request,
    runtime: ServicesDep,
    session: Recorder,
    csrf_token: FormCsrf,
    cp_id: Annotated[str, Form(max_length=12)],
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    index: Annotated[int | None, Form(ge=0, le=63)] = None,
    practitioner_given: FormText = None,
    practitioner_family: FormText = None,
    start_day: FormText = None,
    start_month: FormText = None,
    start_year: FormText = None,
    phone: FormText = None,
    email: FormText = None,
    lead_professional: FormText = None,
    caf_exists: FormText = None,
    sensitive_basis: FormText = None,
) -> Response:
    """Add or update the involvement; a new record version, audited."""
    check_csrf(session, csrf_token)
    form = {
        "practitioner_given": practitioner_given or "",
        "practitioner_family": practitioner_family or "",
        "start_day": start_day or "",
        "start_month": start_month or "",
        "start_year": start_year or "",
        "phone": phone or "",
        "email": email or "",
        "lead_professional": checked(lead_professional),
        "caf_exists": checked(caf_exists),
        "sensitive_basis": sensitive_basis or "",
    }
    try:
        if not optional(practitioner_given) or not optional(practitioner_family):
            raise ValidationError("practitioner_name", "enter your given and family names")
        basis = optional(sensitive_basis)
        if basis is not None and basis not in {b.value for b in SensitiveBasis}:
            raise ValidationError("sensitive_basis", "choose one of the listed grounds")
        data = involvements.InvolvementInput(
            practitioner_given=optional(practitioner_given) or "",
            practitioner_family=optional(practitioner_family) or "",
            start=parse_date("start", start_day, start_month, start_year, required=True)
            or datetime.now(UTC).date(),
            phone=optional(phone),
            email=optional(email),
            lead_professional=checked(lead_professional),
            caf_exists=checked(caf_exists),
            sensitive_basis=SensitiveBasis(basis) if basis else None,
        )
        if index is None:
            new_version = involvements.add_involvement(
                runtime, session.principal, cp_id=ContactPointId(cp_id), data=data, expected_version=version
            )
        else:
            new_version = involvements.update_involvement(
                runtime,
                session.principal,
                cp_id=ContactPointId(cp_id),
                index=index,
                data=data,
                expected_version=version,
            )
    except ValidationError as error:
        context = {
            "cp_id": cp_id,
            "version": version,
            "index": index,
            "errors": form_errors(error),
            "form": form,
            "bases": list(SensitiveBasis),
        }
        return render(request, "involvement.html", context, session=session, status_code=422)
    return render(
        request,
        "done.html",
        {"cp_id": cp_id, "message": "Your involvement has been recorded", "version": new_version},
        session=session,
    )


@router.post("/involvement/end")
def involvement_end(
    request: Request,
    runtime: ServicesDep,
    session: Recorder,
    csrf_token: FormCsrf,
    cp_id: Annotated[str, Form(max_length=12)],
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    index: Annotated[int, Form(ge=0, le=63)],
) -> Response:
    """End your own service's involvement today."""
    check_csrf(session, csrf_token)
    new_version = involvements.end_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        index=index,
        end=runtime.clock.now().date(),
        expected_version=version,
    )
    return render(
        request,
        "done.html",
        {"cp_id": cp_id, "message": "Your involvement has been ended", "version": new_version},
        session=session,
    )


# User administration ---------------------------------------------------------------------------


def _users_page(
    request: Request,
    runtime: ServicesDep,
    session: Authenticated,
    errors: list[dict[str, str]],
    status_code: int = 200,
) -> Response:
    users = accounts.list_accounts(runtime, session.principal)
    from contactpoint.access.roles import CREATABLE_ROLES  # noqa: PLC0415  # only this page needs it

    roles = sorted(CREATABLE_ROLES.get(session.principal.role, frozenset()))
    return render(
        request,
        "users.html",
        {"users": users, "roles": roles, "services": list(ServiceType), "errors": errors},
        session=session,
        status_code=status_code,
    )


@router.get("/users")
def users_page(request: Request, runtime: ServicesDep, session: UserAdmin) -> Response:
    """Accounts in scope, and the form to create one."""
    return _users_page(request, runtime, session, [])


@router.post("/users")
def users_create(
    request: Request,
    runtime: ServicesDep,
    session: UserAdmin,
    csrf_token: FormCsrf,
    username: FormText = None,
    role: FormText = None,
    org_code: FormText = None,
    org_name: FormText = None,
    service: FormText = None,
    family_name: FormText = None,
    home_postcode: FormText = None,
) -> Response:
    """Create an account; its one-time password is shown once."""
    check_csrf(session, csrf_token)
    try:
        if role not in {r.value for r in Role}:
            raise ValidationError("role", "choose a role")
        chosen = Role(role)
        if service is not None and service not in {s.value for s in ServiceType}:
            raise ValidationError("service", "choose a service")
        created = accounts.create_account(
            runtime,
            session.principal,
            username=optional(username) or "",
            role=chosen,
            la_code=None if chosen.is_national else session.principal.la_code,
            org_code=optional(org_code) if chosen.needs_service else None,
            org_name=optional(org_name) if chosen.needs_service else None,
            service=ServiceType(service) if service and chosen.needs_service else None,
            family_name=optional(family_name),
            home_postcode=optional(home_postcode),
        )
    except ValidationError as error:
        return _users_page(request, runtime, session, form_errors(error), 422)
    return render(request, "user_created.html", {"created": created}, session=session)


@router.post("/users/suspension")
def users_suspend(
    runtime: ServicesDep,
    session: UserAdmin,
    csrf_token: FormCsrf,
    user_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    action: Annotated[str, Form(max_length=16)],
) -> Response:
    """Suspend (sessions end at once) or reinstate."""
    check_csrf(session, csrf_token)
    accounts.set_suspended(runtime, session.principal, user_id, suspended=action == "suspend")
    return RedirectResponse("/users", status_code=303)


@router.post("/users/reset")
def users_reset(
    request: Request,
    runtime: ServicesDep,
    session: UserAdmin,
    csrf_token: FormCsrf,
    user_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
) -> Response:
    """A forgotten password or a lost authenticator: a new one-time password, shown once; the
    holder enrols a new second factor at their next sign-in, and their sessions end now."""
    check_csrf(session, csrf_token)
    reset = accounts.reset_account(runtime, session.principal, user_id)
    return render(request, "user_created.html", {"created": reset, "reset": True}, session=session)


# Audit -----------------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request, session: Auditor) -> Response:
    """The auditor's query form."""
    return render(request, "audit.html", {"entries": None, "errors": [], "form": {}}, session=session)


@router.post("/audit")
def audit_query(
    request: Request,
    runtime: ServicesDep,
    session: Auditor,
    csrf_token: FormCsrf,
    user_id: FormText = None,
    cp_id: FormText = None,
    since: FormText = None,
    until: FormText = None,
) -> Response:
    """Entries by user, child and period."""
    check_csrf(session, csrf_token)
    form = {"user_id": user_id or "", "cp_id": cp_id or "", "since": since or "", "until": until or ""}
    try:
        user = optional(user_id)
        if user is not None and not user.isdigit():
            raise ValidationError("user_id", "must be a number")
        try:
            start = datetime.fromisoformat(text) if (text := optional(since)) else None
            end = datetime.fromisoformat(text) if (text := optional(until)) else None
        except ValueError as error:
            raise ValidationError("since", "dates are YYYY-MM-DD") from error
        entries = auditing.query_audit(
            runtime,
            session.principal,
            user_id=int(user) if user else None,
            child=ContactPointId(cp) if (cp := optional(cp_id)) else None,
            since=start,
            until=end,
        )
    except ValidationError as error:
        return render(
            request,
            "audit.html",
            {"entries": None, "errors": form_errors(error), "form": form},
            session=session,
            status_code=422,
        )
    return render(request, "audit.html", {"entries": entries, "errors": [], "form": form}, session=session)


@router.get("/alerts")
def alerts_page(request: Request, runtime: ServicesDep, session: AlertReader) -> Response:
    """Misuse alerts, worst first."""
    found = [asdict(a) for a in alerts.list_alerts(runtime, session.principal)]
    return render(request, "alerts.html", {"alerts": found, "week": timedelta(days=7)}, session=session)


router.include_router(ui_safeguards.router)
router.include_router(ui_subject_access.router)
router.include_router(ui_admin.router)
