"""The auditor's screens: the audit trail, misuse alerts, and subject access reports (the child's ID
is POSTed, never in a URL; the report is a page, or the same report as a PDF download). Every report
produced is audited by the use case."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import msgspec
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.oversight import alerts, auditing, subject_access
from contactpoint.app.oversight.subject_access import ReportFormat, Requester, SubjectAccessReport
from contactpoint.app.runtime import Runtime
from contactpoint.domain.errors import InvalidContactPointId, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.spreadsheet import safe_cell
from contactpoint.web import states
from contactpoint.web.deps import RuntimeDep, UiNeed
from contactpoint.web.forms import optional, parse_date
from contactpoint.web.labels import audit_label
from contactpoint.web.pages import FormInvalid, Holders, UiForm, check_csrf, form_errors, render
from contactpoint.web.subject_access_render import render_pdf, sections

router = APIRouter(include_in_schema=False)

Auditor = Annotated[Authenticated, Depends(UiNeed(Permission.READ_AUDIT))]
AlertReader = Annotated[Authenticated, Depends(UiNeed(Permission.READ_ALERTS))]
_CHANGE_CHOICES = [
    ("new", "New"),
    ("under_review", "Under review"),
    ("no_concern", "Closed: no concern"),
    ("concern_referred", "Closed: concern referred"),
    ("error", "Closed: raised in error"),
]
AlertReviewer = Annotated[Authenticated, Depends(UiNeed(Permission.REVIEW_ALERTS))]
Producer = Annotated[Authenticated, Depends(UiNeed(Permission.PRODUCE_SUBJECT_ACCESS))]


class AuditForm(UiForm):
    """The audit query's filters, all optional: From and To are GOV.UK date inputs, To inclusive."""

    user_id: str | None = None
    cp_id: str | None = None
    since_day: str | None = None
    since_month: str | None = None
    since_year: str | None = None
    until_day: str | None = None
    until_month: str | None = None
    until_year: str | None = None


class AuditQuery(msgspec.Struct, frozen=True):
    """A query as saved for its results pages: the filters and the form as typed."""

    form: dict[str, str]
    user_id: int | None = None
    cp_id: str | None = None
    since: date | None = None
    until: date | None = None


PAGE_SIZE = 50


class SubjectAccessForm(UiForm):
    """Which child (the ID may be typed with spaces), and who asked."""

    cp_id: str | None = None
    requester: str | None = None


# Audit -----------------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request, session: Auditor) -> Response:
    """The auditor's query form."""
    return render(request, "oversight/audit.html", {"errors": [], "form": {}}, session=session)


def _audit_filters(form: AuditForm) -> AuditQuery:
    """The form's filters, or every rule it breaks at once."""
    errors: list[dict[str, str]] = []
    user = optional(form.user_id)
    if user is not None and not user.isdigit():
        errors.append({"field": "user_id", "text": "The account number must be a number"})
    cp = optional(form.cp_id)
    if cp is not None:
        try:
            cp = ContactPointId(cp).value
        except ValidationError as error:
            errors += form_errors(error)
    dates: list[date | None] = []
    for field, prefix in (("since", "since"), ("until", "until")):
        try:
            dates.append(
                parse_date(
                    field,
                    getattr(form, f"{prefix}_day"),
                    getattr(form, f"{prefix}_month"),
                    getattr(form, f"{prefix}_year"),
                    required=False,
                )
            )
        except ValidationError as error:
            errors += form_errors(error)
            dates.append(None)
    since, until = dates
    if since and until and until < since:
        errors.append({"field": "until", "text": "The to date must be the same as or after the from date"})
    if errors:
        raise FormInvalid(errors)
    fields = {key: str(value) for key, value in form.echo().items()}
    return AuditQuery(fields, int(user) if user else None, cp, since, until)


@router.post("/audit")
def audit_query(
    request: Request, runtime: RuntimeDep, session: Auditor, form: Annotated[AuditForm, Form()]
) -> Response:
    """Check the filters, save the query and redirect to its first page of entries."""
    check_csrf(session, form.csrf_token)
    try:
        query = _audit_filters(form)
    except FormInvalid as failed:
        context = {"errors": failed.errors, "form": form.echo()}
        return render(request, "oversight/audit.html", context, session=session, status_code=422)
    query_id = states.save(request, runtime, "audit", query)
    return RedirectResponse(f"/audit/results/{query_id}", status_code=303)


def _entries(
    runtime: Runtime, session: Authenticated, query: AuditQuery, *, export: bool = False
) -> list[auditing.AuditEntryView]:
    """Run the saved query (each run is itself audited); To is inclusive."""
    return auditing.query_audit(
        runtime,
        session.principal,
        user_id=query.user_id,
        child=ContactPointId(query.cp_id) if query.cp_id else None,
        since=datetime.combine(query.since, time.min, UTC) if query.since else None,
        until=datetime.combine(query.until + timedelta(days=1), time.min, UTC) if query.until else None,
        export=export,
    )


@router.get("/audit/results/{query_id}")
def audit_results(
    request: Request, runtime: RuntimeDep, session: Auditor, query_id: str, page: int = 1
) -> Response:
    """A page of a saved query's entries, newest first, with their count and the download link."""
    query = states.load(request, runtime, "audit", query_id, AuditQuery)
    if query is None:
        return RedirectResponse("/audit", status_code=303)
    entries = _entries(runtime, session, query)
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    context = {
        "errors": [],
        "form": dict(query.form),
        "query_id": query_id,
        "entries": entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total": len(entries),
        "limit": auditing.MAX_ENTRIES,
        "page": page,
        "pages": pages,
    }
    return render(request, "oversight/audit.html", context, session=session)


@router.get("/audit/results/{query_id}/entries.csv")
def audit_export(request: Request, runtime: RuntimeDep, session: Auditor, query_id: str) -> Response:
    """The saved query's entries as CSV (the download is audited as such)."""
    query = states.load(request, runtime, "audit", query_id, AuditQuery)
    if query is None:
        return RedirectResponse("/audit", status_code=303)
    entries = _entries(runtime, session, query, export=True)
    names = Holders(request, session)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["entry", "when (UTC)", "what", "who", "children", "details"])
    for e in entries:
        details = "; ".join(f"{k}: {v}" for k, v in sorted(e.details.items()))
        writer.writerow(
            [
                safe_cell(cell)
                for cell in (
                    e.seq,
                    e.at.isoformat(),
                    audit_label(e.kind),
                    names(e.actor_id),
                    " ".join(e.children),
                    details,
                )
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-entries.csv"'},
    )


@router.get("/alerts")
def alerts_page(request: Request, runtime: RuntimeDep, session: AlertReader) -> Response:
    """Misuse alerts, worst first."""
    found = [asdict(a) for a in alerts.list_alerts(runtime, session.principal)]
    return render(
        request,
        "oversight/alerts.html",
        {"alerts": found, "week": timedelta(days=7), "changes": _CHANGE_CHOICES},
        session=session,
    )


class AlertStateForm(UiForm):
    """What an auditor marks an alert as: a state, and for a closed alert its outcome, in one choice."""

    alert_id: int = Field(ge=1, le=2**31 - 1)
    change: str | None = None


_ALERT_CHANGES = {
    "new": (alerts.AlertState.NEW, None),
    "under_review": (alerts.AlertState.UNDER_REVIEW, None),
    **{outcome.value: (alerts.AlertState.CLOSED, outcome) for outcome in alerts.AlertOutcome},
}


@router.post("/alerts/state")
def alert_state(
    runtime: RuntimeDep, session: AlertReviewer, form: Annotated[AlertStateForm, Form()]
) -> Response:
    """An auditor marks an alert under review, or closed with an outcome (audited); back to the list."""
    check_csrf(session, form.csrf_token)
    chosen = _ALERT_CHANGES.get(form.change or "")
    if chosen is None:
        raise ValidationError("change", "choose what to mark the alert as")
    alerts.change_alert_state(runtime, session.principal, form.alert_id, *chosen)
    return RedirectResponse("/alerts", status_code=303)


# Subject access --------------------------------------------------------------------------------


class SubjectAccessAsked(msgspec.Struct, frozen=True):
    """A report asked for, saved for its opaque URL: the child and who asked."""

    cp_id: str
    requester: Requester


def _parse(form: SubjectAccessForm) -> SubjectAccessAsked:
    """The form's two fields, every rule broken at once (`FormInvalid`), naming the field, never the value."""
    errors: list[dict[str, str]] = []
    child: ContactPointId | None = None
    text = optional(form.cp_id)
    if text is None:
        errors.append({"field": "cp_id", "text": "Enter the child's ContactPoint ID"})
    else:
        try:
            child = ContactPointId.parse(text)
        except InvalidContactPointId as error:
            errors += form_errors(ValidationError("cp_id", error.rule))
    if form.requester not in {r.value for r in Requester}:
        errors.append({"field": "requester", "text": "Choose who asked for the report"})
    if errors or child is None or form.requester is None:
        raise FormInvalid(errors)
    return SubjectAccessAsked(child.value, Requester(form.requester))


def _subject_access_form(
    request: Request,
    session: Authenticated,
    form: dict[str, object],
    errors: list[dict[str, str]],
    status_code: int = 200,
) -> Response:
    context = {"requesters": list(Requester), "form": form, "errors": errors}
    return render(request, "oversight/subject_access.html", context, session=session, status_code=status_code)


@router.get("/subject-access")
def subject_access_form(request: Request, session: Producer) -> Response:
    """Which child, and who asked."""
    return _subject_access_form(request, session, {}, [])


@router.post("/subject-access")
def subject_access_ask(
    request: Request, runtime: RuntimeDep, session: Producer, form: Annotated[SubjectAccessForm, Form()]
) -> Response:
    """Check the form, save what was asked and redirect to the report's opaque URL (post/redirect/get:
    refresh and Back produce the report again, each time audited, never posting twice)."""
    check_csrf(session, form.csrf_token)
    try:
        asked = _parse(form)
    except FormInvalid as failed:
        return _subject_access_form(request, session, form.echo(), failed.errors, 422)
    report_id = states.save(request, runtime, "subject-access", asked)
    return RedirectResponse(f"/subject-access/report/{report_id}", status_code=303)


def _produce(
    request: Request, runtime: Runtime, session: Authenticated, report_id: str, output: ReportFormat
) -> SubjectAccessReport | None:
    """The saved request's report, produced afresh (each production is audited); None when gone."""
    asked = states.load(request, runtime, "subject-access", report_id, SubjectAccessAsked)
    if asked is None:
        return None
    return subject_access.produce_subject_access_report(
        runtime, session.principal, ContactPointId(asked.cp_id), asked.requester, output=output
    )


@router.get("/subject-access/report/{report_id}")
def subject_access_page(request: Request, runtime: RuntimeDep, session: Producer, report_id: str) -> Response:
    """The report as a page, with a link to download it as a PDF; gone or expired: the form."""
    report = _produce(request, runtime, session, report_id, ReportFormat.HTML)
    if report is None:
        return RedirectResponse("/subject-access", status_code=303)
    context = {"report": report, "sections": sections(report), "report_id": report_id}
    return render(request, "oversight/subject_access_report.html", context, session=session)


@router.get("/subject-access/report/{report_id}/pdf")
def subject_access_pdf(request: Request, runtime: RuntimeDep, session: Producer, report_id: str) -> Response:
    """The report as a PDF attachment, built in memory."""
    report = _produce(request, runtime, session, report_id, ReportFormat.PDF)
    if report is None:
        return RedirectResponse("/subject-access", status_code=303)
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="subject-access-report.pdf"'},
    )
