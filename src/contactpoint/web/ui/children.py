"""The practitioner's screens: search, opening a record with a reason, and recording their own
service's involvement. Records are opened, and involvements changed, by POSTed forms, never by URL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.children import involvements, search, view
from contactpoint.app.children.reasons import AccessReason
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import SensitiveBasis
from contactpoint.web.deps import RuntimeDep, UiNeed
from contactpoint.web.forms import Checkbox, optional, parse_date
from contactpoint.web.pages import UiForm, check_csrf, form_errors, render

router = APIRouter(include_in_schema=False)

Searcher = Annotated[Authenticated, Depends(UiNeed(Permission.SEARCH_CHILDREN))]
Viewer = Annotated[Authenticated, Depends(UiNeed(Permission.VIEW_CHILD))]
Recorder = Annotated[Authenticated, Depends(UiNeed(Permission.WRITE_INVOLVEMENT))]


class SearchForm(UiForm):
    """The search form; the rules on which fields go together are the use case's."""

    family_name: str | None = None
    given_name: str | None = None
    dob_day: str | None = None
    dob_month: str | None = None
    dob_year: str | None = None
    postcode_district: str | None = None
    reason: str | None = None


class RecordForm(UiForm):
    """A record to open, and why."""

    cp_id: str = Field(max_length=12)
    reason: str | None = None
    override: Checkbox = False


class InvolvementTarget(UiForm):
    """The record and version the involvement form was opened on; `index` when updating one."""

    cp_id: str = Field(max_length=12)
    version: int = Field(ge=1, le=2**31 - 1)
    index: int | None = Field(default=None, ge=0, le=63)


class InvolvementForm(InvolvementTarget):
    """Your own service's involvement; the organisation and service come from your account."""

    practitioner_given: str | None = None
    practitioner_family: str | None = None
    start_day: str | None = None
    start_month: str | None = None
    start_year: str | None = None
    phone: str | None = None
    email: str | None = None
    lead_professional: Checkbox = False
    caf_exists: Checkbox = False
    sensitive_basis: str | None = None


class InvolvementEndForm(UiForm):
    """The involvement to end today."""

    cp_id: str = Field(max_length=12)
    version: int = Field(ge=1, le=2**31 - 1)
    index: int = Field(ge=0, le=63)


# Search and the record -------------------------------------------------------------------------


@router.get("/search")
def search_form(request: Request, session: Searcher) -> Response:
    """The search form."""
    return render(
        request, "children/search.html", {"errors": [], "form": {}, "results": None}, session=session
    )


@router.post("/search")
def search_submit(
    request: Request, runtime: RuntimeDep, session: Searcher, form: Annotated[SearchForm, Form()]
) -> Response:
    """Run the search; errors come back as an error summary above the form."""
    check_csrf(session, form.csrf_token)
    try:
        if form.reason not in {r.value for r in AccessReason}:
            raise ValidationError("reason", "choose why you are searching")
        criteria = search.SearchCriteria(
            family_name=optional(form.family_name) or "",
            given_name=optional(form.given_name),
            date_of_birth=parse_date(
                "date_of_birth", form.dob_day, form.dob_month, form.dob_year, required=False
            ),
            postcode_district=search.normalise_district(form.postcode_district),
            reason=AccessReason(form.reason),
        )
        results = search.search_children(runtime, session.principal, criteria)
    except ValidationError as error:
        return render(
            request,
            "children/search.html",
            {"errors": form_errors(error), "form": form.echo(), "results": None},
            session=session,
            status_code=422,
        )
    return render(
        request,
        "children/results.html",
        {"criteria": criteria, "results": results, "search_id": None},
        session=session,
    )


@router.post("/record")
def open_record(
    request: Request, runtime: RuntimeDep, session: Viewer, form: Annotated[RecordForm, Form()]
) -> Response:
    """Open a record with a reason (audited first; the page is never cached)."""
    check_csrf(session, form.csrf_token)
    if form.reason not in {r.value for r in AccessReason}:
        return render(
            request,
            "children/reason.html",
            {
                "cp_id": form.cp_id,
                "errors": [{"field": "reason", "text": "Choose why you are opening this record"}],
            },
            session=session,
            status_code=422,
        )
    child = view.view_child(
        runtime,
        session.principal,
        ContactPointId(form.cp_id),
        AccessReason(form.reason),
        override=form.override,
    )
    return render(request, "children/record.html", {"child": child, "reason": form.reason}, session=session)


# Involvements ----------------------------------------------------------------------------------


def _involvement_page(
    request: Request,
    session: Authenticated,
    target: InvolvementTarget,
    form: dict[str, object],
    errors: list[dict[str, str]],
    *,
    status_code: int = 200,
) -> Response:
    context = {
        "cp_id": target.cp_id,
        "version": target.version,
        "index": target.index,
        "errors": errors,
        "form": form,
        "bases": list(SensitiveBasis),
    }
    return render(request, "children/involvement.html", context, session=session, status_code=status_code)


@router.post("/involvement/form")
def involvement_form(
    request: Request, session: Recorder, target: Annotated[InvolvementTarget, Form()]
) -> Response:
    """The add (or update) form for your own service's involvement."""
    check_csrf(session, target.csrf_token)
    return _involvement_page(request, session, target, {}, [])


def _involvement_input(form: InvolvementForm) -> involvements.InvolvementInput:
    """The form as the use case's input; a rule broken names the field, never the value."""
    if not optional(form.practitioner_given) or not optional(form.practitioner_family):
        raise ValidationError("practitioner_given", "enter your given and family names")
    basis = optional(form.sensitive_basis)
    if basis is not None and basis not in {b.value for b in SensitiveBasis}:
        raise ValidationError("sensitive_basis", "choose one of the listed grounds")
    return involvements.InvolvementInput(
        practitioner_given=optional(form.practitioner_given) or "",
        practitioner_family=optional(form.practitioner_family) or "",
        start=parse_date("start", form.start_day, form.start_month, form.start_year, required=True)
        or datetime.now(UTC).date(),
        phone=optional(form.phone),
        email=optional(form.email),
        lead_professional=form.lead_professional,
        caf_exists=form.caf_exists,
        sensitive_basis=SensitiveBasis(basis) if basis else None,
    )


@router.post("/involvement/save")
def involvement_save(
    request: Request, runtime: RuntimeDep, session: Recorder, form: Annotated[InvolvementForm, Form()]
) -> Response:
    """Add or update the involvement; a new record version, audited."""
    check_csrf(session, form.csrf_token)
    try:
        data = _involvement_input(form)
        cp_id = ContactPointId(form.cp_id)
        if form.index is None:
            new_version = involvements.add_involvement(
                runtime, session.principal, cp_id=cp_id, data=data, expected_version=form.version
            )
        else:
            new_version = involvements.update_involvement(
                runtime,
                session.principal,
                cp_id=cp_id,
                index=form.index,
                data=data,
                expected_version=form.version,
            )
    except ValidationError as error:
        return _involvement_page(request, session, form, form.echo(), form_errors(error), status_code=422)
    return render(
        request,
        "children/done.html",
        {"cp_id": form.cp_id, "message": "Your involvement has been recorded", "version": new_version},
        session=session,
    )


@router.post("/involvement/end")
def involvement_end(
    request: Request, runtime: RuntimeDep, session: Recorder, form: Annotated[InvolvementEndForm, Form()]
) -> Response:
    """End your own service's involvement today."""
    check_csrf(session, form.csrf_token)
    new_version = involvements.end_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(form.cp_id),
        index=form.index,
        end=runtime.clock.now().date(),
        expected_version=form.version,
    )
    return render(
        request,
        "children/done.html",
        {"cp_id": form.cp_id, "message": "Your involvement has been ended", "version": new_version},
        session=session,
    )
