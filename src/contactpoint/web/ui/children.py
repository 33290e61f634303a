"""The practitioner's screens: search, opening a record with a reason, and recording their own
service's involvement.

Forms POST, then redirect (post/redirect/get) to an opaque URL holding a saved page state
(app/accounts/page_states.py): a search's results at /search/results/<id>, a record opened with a
reason at /record/<id>. Back, refresh and "back to results" load the state again; no personal detail
and no ContactPoint ID ever enters a URL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.children import involvements, search, view
from contactpoint.app.children.reasons import AccessReason
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import SensitiveBasis
from contactpoint.web import states
from contactpoint.web.deps import RuntimeDep, UiNeed
from contactpoint.web.forms import Checkbox, optional, parse_date
from contactpoint.web.pages import Checks, FormInvalid, UiForm, check_csrf, form_errors, render

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
    """A record to open, and why; `search_id` is the results page it was opened from."""

    cp_id: str = Field(max_length=12)
    reason: str | None = None
    override: Checkbox = False
    search_id: str | None = Field(default=None, max_length=32)


class InvolvementTarget(UiForm):
    """The record and version the involvement form was opened on; `index` when updating one;
    `record_id` is the opened record's page to go back to."""

    cp_id: str = Field(max_length=12)
    version: int = Field(ge=1, le=2**31 - 1)
    index: int | None = Field(default=None, ge=0, le=63)
    record_id: str | None = Field(default=None, max_length=32)


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
    record_id: str | None = Field(default=None, max_length=32)


class SavedSearch(msgspec.Struct, frozen=True):
    """A search as saved for its results page: the form as typed, the criteria, the hits shown."""

    form: dict[str, str]
    criteria: search.SearchCriteria
    hits: list[search.SearchHit]


class OpenedRecord(msgspec.Struct, frozen=True):
    """A record opened with a reason, as saved for its page; `search_id` leads back to the results."""

    cp_id: str
    reason: AccessReason
    search_id: str | None = None


# Search and the record -------------------------------------------------------------------------


@router.get("/search")
def search_form(request: Request, session: Searcher) -> Response:
    """The search form."""
    return render(request, "children/search.html", {"errors": [], "form": {}}, session=session)


@router.post("/search")
def search_submit(
    request: Request, runtime: RuntimeDep, session: Searcher, form: Annotated[SearchForm, Form()]
) -> Response:
    """Run the search (audited), save it, and redirect to its results; errors come back as an error
    summary above the form."""
    check_csrf(session, form.csrf_token)
    errors = []
    if not optional(form.family_name):
        errors.append({"field": "family_name", "text": "Enter the child's family name"})
    try:
        born = parse_date("date_of_birth", form.dob_day, form.dob_month, form.dob_year, required=False)
    except ValidationError as error:
        errors += form_errors(error)
    if form.reason not in {r.value for r in AccessReason}:
        errors.append({"field": "reason", "text": "Choose why you are searching"})
    if errors or form.reason is None:
        return _search_page(request, session, form.echo(), errors)
    try:
        criteria = search.SearchCriteria(
            family_name=optional(form.family_name) or "",
            given_name=optional(form.given_name),
            date_of_birth=born,
            postcode_district=search.normalise_district(form.postcode_district),
            reason=AccessReason(form.reason),
        )
        results = search.search_children(runtime, session.principal, criteria)
    except ValidationError as error:
        return _search_page(request, session, form.echo(), form_errors(error))
    fields = {key: str(value) for key, value in form.echo().items()}
    search_id = states.save(request, runtime, "search", SavedSearch(fields, criteria, results))
    return RedirectResponse(f"/search/results/{search_id}", status_code=303)


def _search_page(
    request: Request, session: Authenticated, form: dict[str, object], errors: list[dict[str, str]]
) -> Response:
    status_code = 422 if errors else 200
    context = {"errors": errors, "form": form}
    return render(request, "children/search.html", context, session=session, status_code=status_code)


@router.get("/search/results/{search_id}")
def search_results(request: Request, runtime: RuntimeDep, session: Searcher, search_id: str) -> Response:
    """A saved search's results (shown again, not searched again); gone or expired: a new search."""
    saved = states.load(request, runtime, "search", search_id, SavedSearch)
    if saved is None:
        return RedirectResponse("/search", status_code=303)
    context = {"criteria": saved.criteria, "results": saved.hits, "search_id": search_id}
    return render(request, "children/results.html", context, session=session)


@router.get("/search/results/{search_id}/change")
def search_change(request: Request, runtime: RuntimeDep, session: Searcher, search_id: str) -> Response:
    """The search form filled in as the saved search had it."""
    saved = states.load(request, runtime, "search", search_id, SavedSearch)
    return _search_page(request, session, dict(saved.form) if saved else {}, [])


@router.post("/record")
def open_record(
    request: Request, runtime: RuntimeDep, session: Viewer, form: Annotated[RecordForm, Form()]
) -> Response:
    """Open a record with a reason: saved for this session, then shown (and audited) at its own URL.

    The shielding override is shown at once and never saved: each use is a deliberate act."""
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
    reason = AccessReason(form.reason)
    if form.override:
        child = view.view_child(runtime, session.principal, ContactPointId(form.cp_id), reason, override=True)
        context = {"child": child, "reason": form.reason}
        return render(request, "children/record.html", context, session=session)
    ContactPointId(form.cp_id)  # a malformed ID is refused here, not at the redirect's target
    search_id = (
        form.search_id if states.load(request, runtime, "search", form.search_id, SavedSearch) else None
    )
    record_id = states.save(request, runtime, "record", OpenedRecord(form.cp_id, reason, search_id))
    return RedirectResponse(f"/record/{record_id}", status_code=303)


_DONE = {
    "recorded": "Your involvement has been recorded",
    "ended": "Your involvement has been ended",
}


@router.get("/record/{record_id}")
def record_page(
    request: Request, runtime: RuntimeDep, session: Viewer, record_id: str, done: str | None = None
) -> Response:
    """An opened record, viewed again for the reason it was opened with (each view audited)."""
    opened = states.load(request, runtime, "record", record_id, OpenedRecord)
    if opened is None:
        return RedirectResponse("/search", status_code=303)
    child = view.view_child(runtime, session.principal, ContactPointId(opened.cp_id), opened.reason)
    context = {
        "child": child,
        "reason": opened.reason.value,
        "record_id": record_id,
        "back_href": f"/search/results/{opened.search_id}" if opened.search_id else None,
        "notice": _DONE.get(done or ""),
    }
    return render(request, "children/record.html", context, session=session)


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
        "record_id": target.record_id,
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
    """The form as the use case's input; every rule broken is reported at once (`FormInvalid`), each
    naming its field, never the value."""
    check = Checks()
    if not optional(form.practitioner_given):
        check.errors.append({"field": "practitioner_given", "text": "Enter your given name"})
    if not optional(form.practitioner_family):
        check.errors.append({"field": "practitioner_family", "text": "Enter your family name"})
    start = check(
        lambda: parse_date("start", form.start_day, form.start_month, form.start_year, required=True)
    )
    basis = optional(form.sensitive_basis)
    if basis is not None and basis not in {b.value for b in SensitiveBasis}:
        check.errors.append({"field": "sensitive_basis", "text": "Choose one of the listed grounds"})
    if check.errors:
        raise FormInvalid(check.errors)
    return involvements.InvolvementInput(
        practitioner_given=optional(form.practitioner_given) or "",
        practitioner_family=optional(form.practitioner_family) or "",
        start=start or datetime.now(UTC).date(),
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
    except FormInvalid as invalid:
        return _involvement_page(request, session, form, form.echo(), invalid.errors, status_code=422)
    except ValidationError as error:
        return _involvement_page(request, session, form, form.echo(), form_errors(error), status_code=422)
    return _back_to_record(request, runtime, session, form, done="recorded", version=new_version)


def _back_to_record(
    request: Request,
    runtime: RuntimeDep,
    session: Authenticated,
    form: InvolvementTarget | InvolvementEndForm,
    *,
    done: str,
    version: int,
) -> Response:
    """Back to the opened record's page, for the reason it was opened with; if that has expired, a
    confirmation that offers to open the record again."""
    opened = states.load(request, runtime, "record", form.record_id, OpenedRecord)
    if opened is not None and opened.cp_id == form.cp_id:
        return RedirectResponse(f"/record/{form.record_id}?done={done}", status_code=303)
    return render(
        request,
        "children/done.html",
        {"cp_id": form.cp_id, "message": _DONE[done], "version": version},
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
    return _back_to_record(request, runtime, session, form, done="ended", version=new_version)
