"""The auditor's subject access screens: a form (the child's ID is POSTed, never in a URL), the report
as a page, and the same report as a PDF download. Every report produced is audited by the use case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.oversight import subject_access
from contactpoint.app.oversight.subject_access import ReportFormat, Requester
from contactpoint.domain.errors import InvalidContactPointId, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.web.deps import ServicesDep, UiNeed
from contactpoint.web.forms import optional
from contactpoint.web.pages import FormCsrf, FormText, check_csrf, form_errors, render
from contactpoint.web.subject_access_render import render_pdf, sections

router = APIRouter(include_in_schema=False)

Producer = Annotated[Authenticated, Depends(UiNeed(Permission.PRODUCE_SUBJECT_ACCESS))]


def _form(request: Request, session: Authenticated, form: dict[str, str], error: ValidationError) -> Response:
    return render(
        request,
        "oversight/subject_access.html",
        {"requesters": list(Requester), "form": form, "errors": form_errors(error)},
        session=session,
        status_code=422,
    )


def _parse(cp_id: str | None, requester: str | None) -> tuple[ContactPointId, Requester]:
    """The form's two fields; a rule broken names the field, never the value."""
    text = optional(cp_id)
    if text is None:
        raise ValidationError("cp_id", "enter the child's ContactPoint ID")
    if requester not in {r.value for r in Requester}:
        raise ValidationError("requester", "choose who asked for the report")
    try:
        child = ContactPointId.parse(text)
    except InvalidContactPointId as error:
        raise ValidationError("cp_id", error.rule) from error
    return child, Requester(requester)


@router.get("/subject-access")
def subject_access_form(request: Request, session: Producer) -> Response:
    """Which child, and who asked."""
    return render(
        request,
        "oversight/subject_access.html",
        {"requesters": list(Requester), "form": {}, "errors": []},
        session=session,
    )


@router.post("/subject-access")
def subject_access_page(
    request: Request,
    runtime: ServicesDep,
    session: Producer,
    *,
    csrf_token: FormCsrf,
    cp_id: FormText = None,
    requester: FormText = None,
) -> Response:
    """The report as a page, with a button to download it as a PDF."""
    check_csrf(session, csrf_token)
    form = {"cp_id": cp_id or "", "requester": requester or ""}
    try:
        child, asked_by = _parse(cp_id, requester)
    except ValidationError as error:
        return _form(request, session, form, error)
    report = subject_access.produce_subject_access_report(
        runtime, session.principal, child, asked_by, output=ReportFormat.HTML
    )
    return render(
        request,
        "oversight/subject_access_report.html",
        {"report": report, "sections": sections(report)},
        session=session,
    )


@router.post("/subject-access/pdf")
def subject_access_pdf(
    request: Request,
    runtime: ServicesDep,
    session: Producer,
    *,
    csrf_token: FormCsrf,
    cp_id: FormText = None,
    requester: FormText = None,
) -> Response:
    """The report as a PDF attachment, built in memory."""
    check_csrf(session, csrf_token)
    try:
        child, asked_by = _parse(cp_id, requester)
    except ValidationError as error:
        return _form(request, session, {"cp_id": cp_id or "", "requester": requester or ""}, error)
    report = subject_access.produce_subject_access_report(
        runtime, session.principal, child, asked_by, output=ReportFormat.PDF
    )
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="subject-access-report.pdf"'},
    )
