"""The national administrator's LA directory page: names from the ONS lookup, team contacts set here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.geography import directory
from contactpoint.store.geography_repository import TeamContact
from contactpoint.web.deps import RuntimeDep, UiNeed
from contactpoint.web.pages import Checks, UiForm, check_csrf, render

router = APIRouter(include_in_schema=False)

DirectoryAdmin = Annotated[Authenticated, Depends(UiNeed(Permission.MANAGE_LA_DIRECTORY))]


class TeamContactForm(UiForm):
    """One LA's team contact details."""

    code: str | None = Field(default=None, max_length=9)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    address: str | None = Field(default=None, max_length=400)


def _page(
    request: Request,
    runtime: RuntimeDep,
    session: Authenticated,
    errors: list[dict[str, str]],
    status_code: int = 200,
    *,
    form: dict[str, object] | None = None,
) -> Response:
    entries = directory.list_authorities(runtime, session.principal)
    return render(
        request,
        "geography/authorities.html",
        {"authorities": entries, "errors": errors, "form": form or {}},
        session=session,
        status_code=status_code,
    )


@router.get("/authorities")
def authorities_page(request: Request, runtime: RuntimeDep, session: DirectoryAdmin) -> Response:
    """The directory, and a form to set a team's contact details."""
    return _page(request, runtime, session, [])


@router.post("/authorities")
def authorities_set(
    request: Request, runtime: RuntimeDep, session: DirectoryAdmin, form: Annotated[TeamContactForm, Form()]
) -> Response:
    """Set one LA team's contact details."""
    check_csrf(session, form.csrf_token)
    check = Checks()
    if not form.code:
        check.errors.append({"field": "code", "text": "Choose an authority"})
    check(lambda: directory.checked_contact(form.phone, None, None))
    check(lambda: directory.checked_contact(None, form.email, None))
    check(lambda: directory.checked_contact(None, None, form.address))
    if not check.errors and form.code:
        code, contact = form.code, TeamContact(form.phone, form.email, form.address)
        check(lambda: directory.set_team_contact(runtime, session.principal, code, contact))
    if check.errors:
        return _page(request, runtime, session, check.errors, 422, form=form.echo())
    return RedirectResponse("/authorities", status_code=303)
