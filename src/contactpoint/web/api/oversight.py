"""The oversight API: the audit trail, misuse alerts, and subject access reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.oversight import alerts, auditing, subject_access
from contactpoint.app.oversight.auditing import AuditEntryView
from contactpoint.app.oversight.subject_access import Requester, SubjectAccessReport
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.store.audit_repository import StoredAlert
from contactpoint.web.api.shared import ERRORS, CpId, Input, Moment
from contactpoint.web.deps import Need, RuntimeDep
from contactpoint.web.subject_access_render import render_pdf

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Auditor = Annotated[Authenticated, Depends(Need(Permission.READ_AUDIT))]
AlertReader = Annotated[Authenticated, Depends(Need(Permission.READ_ALERTS))]
SubjectAccess = Annotated[Authenticated, Depends(Need(Permission.PRODUCE_SUBJECT_ACCESS))]


class AuditQuery(Input):
    """Filters; all optional."""

    user_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    cp_id: CpId | None = None
    since: Moment | None = None
    until: Moment | None = None


class SubjectAccessCreate(Input):
    """A subject access request: the child (in the body, never the URL) and who asked."""

    cp_id: CpId
    requester: Requester


@router.post("/audit/queries", tags=["audit"])
def query_audit(body: AuditQuery, runtime: RuntimeDep, session: Auditor) -> list[AuditEntryView]:
    """Audit entries by user, child and period, within your scope (never your own)."""
    return auditing.query_audit(
        runtime,
        session.principal,
        user_id=body.user_id,
        child=ContactPointId(body.cp_id) if body.cp_id else None,
        since=body.since,
        until=body.until,
    )


@router.get("/alerts", tags=["audit"])
def list_alerts(runtime: RuntimeDep, session: AlertReader) -> list[StoredAlert]:
    """Misuse alerts, worst first (auditors); suspensions by hard limits (LA user administrators)."""
    return alerts.list_alerts(runtime, session.principal)


@router.post("/subject-access-reports", tags=["subject access"])
def create_subject_access_report(
    body: SubjectAccessCreate, runtime: RuntimeDep, session: SubjectAccess
) -> SubjectAccessReport:
    """Everything held about a child of your LA, its sources and every access, as this requester may
    receive it. Audited before it is returned; a sealed or out-of-scope record is not found."""
    return subject_access.produce_subject_access_report(
        runtime, session.principal, ContactPointId(body.cp_id), body.requester
    )


@router.post(
    "/subject-access-reports/pdf",
    tags=["subject access"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The report as a PDF"}},
)
def create_subject_access_pdf(
    body: SubjectAccessCreate, runtime: RuntimeDep, session: SubjectAccess
) -> Response:
    """The same report as a PDF download (built in memory, never written to disk)."""
    report = subject_access.produce_subject_access_report(
        runtime,
        session.principal,
        ContactPointId(body.cp_id),
        body.requester,
        output=subject_access.ReportFormat.PDF,
    )
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="subject-access-report.pdf"'},
    )
