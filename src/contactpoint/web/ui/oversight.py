"""The auditor's screens: the audit trail, misuse alerts, and subject access reports (the child's ID
is POSTed, never in a URL; the report is a page, or the same report as a PDF download). Every report
produced is audited by the use case."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.oversight import alerts, auditing, subject_access
from contactpoint.app.oversight.subject_access import ReportFormat, Requester, SubjectAccessReport
from contactpoint.app.runtime import Runtime
from contactpoint.domain.errors import InvalidContactPointId, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.web.deps import RuntimeDep, UiNeed
from contactpoint.web.forms import optional
from contactpoint.web.pages import UiForm, check_csrf, form_errors, render
from contactpoint.web.subject_access_render import render_pdf, sections

router = APIRouter(include_in_schema=False)

Auditor = Annotated[Authenticated, Depends(UiNeed(Permission.READ_AUDIT))]
AlertReader = Annotated[Authenticated, Depends(UiNeed(Permission.READ_ALERTS))]
Producer = Annotated[Authenticated, Depends(UiNeed(Permission.PRODUCE_SUBJECT_ACCESS))]


class AuditForm(UiForm):
    """The audit query's filters, all optional."""

    user_id: str | None = None
    cp_id: str | None = None
    since: str | None = None
    until: str | None = None


class SubjectAccessForm(UiForm):
    """Which child (the ID may be typed with spaces), and who asked."""

    cp_id: str | None = None
    requester: str | None = None


# Audit -----------------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request, session: Auditor) -> Response:
    """The auditor's query form."""
    return render(
        request, "oversight/audit.html", {"entries": None, "errors": [], "form": {}}, session=session
    )


@router.post("/audit")
def audit_query(
    request: Request, runtime: RuntimeDep, session: Auditor, form: Annotated[AuditForm, Form()]
) -> Response:
    """Entries by user, child and period."""
    check_csrf(session, form.csrf_token)
    try:
        user = optional(form.user_id)
        if user is not None and not user.isdigit():
            raise ValidationError("user_id", "must be a number")
        try:
            start = datetime.fromisoformat(text) if (text := optional(form.since)) else None
            end = datetime.fromisoformat(text) if (text := optional(form.until)) else None
        except ValueError as error:
            raise ValidationError("since", "dates are YYYY-MM-DD") from error
        entries = auditing.query_audit(
            runtime,
            session.principal,
            user_id=int(user) if user else None,
            child=ContactPointId(cp) if (cp := optional(form.cp_id)) else None,
            since=start,
            until=end,
        )
    except ValidationError as error:
        return render(
            request,
            "oversight/audit.html",
            {"entries": None, "errors": form_errors(error), "form": form.echo()},
            session=session,
            status_code=422,
        )
    return render(
        request,
        "oversight/audit.html",
        {"entries": entries, "errors": [], "form": form.echo()},
        session=session,
    )


@router.get("/alerts")
def alerts_page(request: Request, runtime: RuntimeDep, session: AlertReader) -> Response:
    """Misuse alerts, worst first."""
    found = [asdict(a) for a in alerts.list_alerts(runtime, session.principal)]
    return render(
        request, "oversight/alerts.html", {"alerts": found, "week": timedelta(days=7)}, session=session
    )


# Subject access --------------------------------------------------------------------------------


def _form(
    request: Request, session: Authenticated, form: SubjectAccessForm, error: ValidationError
) -> Response:
    return render(
        request,
        "oversight/subject_access.html",
        {"requesters": list(Requester), "form": form.echo(), "errors": form_errors(error)},
        session=session,
        status_code=422,
    )


def _parse(form: SubjectAccessForm) -> tuple[ContactPointId, Requester]:
    """The form's two fields; a rule broken names the field, never the value."""
    text = optional(form.cp_id)
    if text is None:
        raise ValidationError("cp_id", "enter the child's ContactPoint ID")
    if form.requester not in {r.value for r in Requester}:
        raise ValidationError("requester", "choose who asked for the report")
    try:
        child = ContactPointId.parse(text)
    except InvalidContactPointId as error:
        raise ValidationError("cp_id", error.rule) from error
    return child, Requester(form.requester)


@router.get("/subject-access")
def subject_access_form(request: Request, session: Producer) -> Response:
    """Which child, and who asked."""
    return render(
        request,
        "oversight/subject_access.html",
        {"requesters": list(Requester), "form": {}, "errors": []},
        session=session,
    )


def _produce(
    request: Request, runtime: Runtime, session: Authenticated, form: SubjectAccessForm, output: ReportFormat
) -> SubjectAccessReport | Response:
    """The report for the form, or the form again with its error (both the page and the PDF use it)."""
    check_csrf(session, form.csrf_token)
    try:
        child, asked_by = _parse(form)
    except ValidationError as error:
        return _form(request, session, form, error)
    return subject_access.produce_subject_access_report(
        runtime, session.principal, child, asked_by, output=output
    )


@router.post("/subject-access")
def subject_access_page(
    request: Request, runtime: RuntimeDep, session: Producer, form: Annotated[SubjectAccessForm, Form()]
) -> Response:
    """The report as a page, with a button to download it as a PDF."""
    report = _produce(request, runtime, session, form, ReportFormat.HTML)
    if isinstance(report, Response):
        return report
    return render(
        request,
        "oversight/subject_access_report.html",
        {"report": report, "sections": sections(report)},
        session=session,
    )


@router.post("/subject-access/pdf")
def subject_access_pdf(
    runtime: RuntimeDep, session: Producer, request: Request, form: Annotated[SubjectAccessForm, Form()]
) -> Response:
    """The report as a PDF attachment, built in memory."""
    report = _produce(request, runtime, session, form, ReportFormat.PDF)
    if isinstance(report, Response):
        return report
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="subject-access-report.pdf"'},
    )
