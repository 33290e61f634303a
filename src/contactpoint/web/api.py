"""The JSON API, versioned under /api/v1. Handlers translate schemas to use cases and back; no rules here."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from contactpoint.access.roles import ROLE_PERMISSIONS, Permission
from contactpoint.app.accounts import accounts
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.children import involvements, search, view
from contactpoint.app.feeds import review
from contactpoint.app.oversight import alerts, auditing, subject_access
from contactpoint.app.safeguards import shielding
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.shielding import ShieldingRequestDetails
from contactpoint.store.review_repository import OpenReview
from contactpoint.store.shielding_repository import StoredShieldingRequest
from contactpoint.web.deps import Need, ServicesDep, client_address
from contactpoint.web.schemas import (
    AlertRead,
    AuditEntryRead,
    AuditQuery,
    ChildRead,
    ContactOutcomeCreate,
    ContactRequestCreate,
    ContactRequestRead,
    ErrorRead,
    InvolvementCreate,
    InvolvementEnd,
    LeadChange,
    MatchFactorRead,
    MeRead,
    ReviewDecisionCreate,
    ReviewDecisionRead,
    ReviewItemOpenedRead,
    ReviewItemRead,
    SearchCreate,
    SearchHitRead,
    SearchRead,
    SessionCreate,
    SessionRead,
    ShieldingDecisionCreate,
    ShieldingRequestCreate,
    ShieldingRequestCreated,
    ShieldingRequestRead,
    SubjectAccessCreate,
    SubjectAccessRead,
    UserCreate,
    UserCreated,
    UserRead,
    VersionRead,
    ViewCreate,
)
from contactpoint.web.subject_access_render import render_pdf

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorRead} for code in (400, 401, 403, 404, 409, 422, 429, 503)
}
router = APIRouter(prefix="/api/v1", responses=ERRORS)

Practice = Annotated[Authenticated, Depends(Need(Permission.SEARCH_CHILDREN))]
Viewer = Annotated[Authenticated, Depends(Need(Permission.VIEW_CHILD))]
Recorder = Annotated[Authenticated, Depends(Need(Permission.WRITE_INVOLVEMENT))]
LeadChanger = Annotated[Authenticated, Depends(Need(Permission.CHANGE_LEAD))]
UserAdmin = Annotated[Authenticated, Depends(Need(Permission.MANAGE_USERS))]
Auditor = Annotated[Authenticated, Depends(Need(Permission.READ_AUDIT))]
AlertReader = Annotated[Authenticated, Depends(Need(Permission.READ_ALERTS))]
Shielder = Annotated[Authenticated, Depends(Need(Permission.DECIDE_SHIELDING))]
ContactAsker = Annotated[Authenticated, Depends(Need(Permission.REQUEST_CONTACT))]
Broker = Annotated[Authenticated, Depends(Need(Permission.BROKER_CONTACT))]
SubjectAccess = Annotated[Authenticated, Depends(Need(Permission.PRODUCE_SUBJECT_ACCESS))]
Reviewer = Annotated[Authenticated, Depends(Need(Permission.WORK_REVIEW_QUEUE))]
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ChildId = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="A ContactPoint ID")]
InvolvementIndex = Annotated[int, Path(ge=0, le=63)]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Anyone = Annotated[Authenticated, Depends(Need(Permission.READ_OWN_ACCOUNT))]


def _involvement_input(body: InvolvementCreate) -> involvements.InvolvementInput:
    return involvements.InvolvementInput(
        practitioner_given=body.practitioner_given,
        practitioner_family=body.practitioner_family,
        start=body.start,
        phone=body.phone,
        email=body.email,
        lead_professional=body.lead_professional,
        caf_exists=body.caf_exists,
        sensitive_basis=body.sensitive_basis,
    )


@router.post("/sessions", status_code=status.HTTP_201_CREATED, tags=["sessions"])
def create_session(body: SessionCreate, request: Request, runtime: ServicesDep) -> SessionRead:
    """Sign in with password and TOTP code (enrol the code in the web UI at first sign-in)."""
    grant = accounts.sign_in(runtime, body.username, body.password, body.code, client_address(request))
    return SessionRead(
        token=grant.token,
        idle_minutes=int(accounts.IDLE_LIMIT.total_seconds() // 60),
        absolute_hours=int(accounts.ABSOLUTE_LIMIT.total_seconds() // 3600),
    )


@router.delete("/sessions/current", status_code=status.HTTP_204_NO_CONTENT, tags=["sessions"])
def delete_session(request: Request, runtime: ServicesDep, _session: Anyone) -> Response:
    """Sign out: the token stops working at once."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    accounts.sign_out(runtime, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", tags=["sessions"])
def me(session: Anyone) -> MeRead:
    """Who you are signed in as, and what your role may do."""
    p = session.principal
    return MeRead(
        id=p.user_id,
        username=p.username,
        role=p.role,
        la_code=p.la_code,
        org_code=p.org_code,
        service=p.service,
        permissions=sorted(ROLE_PERMISSIONS[p.role]),
    )


@router.post("/searches", tags=["children"])
def create_search(body: SearchCreate, runtime: ServicesDep, session: Practice) -> SearchRead:
    """Search (POST, so that no name ever appears in a URL). Audited before results are returned."""
    criteria = search.SearchCriteria(
        family_name=body.family_name,
        given_name=body.given_name or None,
        date_of_birth=body.date_of_birth,
        postcode_district=search.normalise_district(body.postcode_district),
        reason=body.reason,
    )
    hits = search.search_children(runtime, session.principal, criteria)
    return SearchRead(results=[SearchHitRead(**asdict(hit)) for hit in hits])


@router.post("/children/{cp_id}/views", tags=["children"])
def create_view(cp_id: ChildId, body: ViewCreate, runtime: ServicesDep, session: Viewer) -> ChildRead:
    """Open a child's record with a reason. Audited first; filtered by the policy."""
    child = view.view_child(
        runtime, session.principal, ContactPointId(cp_id), body.reason, override=body.override
    )
    return ChildRead.model_validate(asdict(child))


@router.post("/children/{cp_id}/involvements", status_code=status.HTTP_201_CREATED, tags=["involvements"])
def create_involvement(
    cp_id: ChildId, body: InvolvementCreate, runtime: ServicesDep, session: Recorder
) -> VersionRead:
    """Record your own service's involvement."""
    version = involvements.add_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        data=_involvement_input(body),
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.post("/children/{cp_id}/involvements/{index}/lead", tags=["involvements"])
def change_lead(
    cp_id: ChildId, index: InvolvementIndex, body: LeadChange, runtime: ServicesDep, session: LeadChanger
) -> VersionRead:
    """Make this involvement the lead professional: as the current lead handing over, or the LA team."""
    version = involvements.change_lead_professional(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        index=index,
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.put("/children/{cp_id}/involvements/{index}", tags=["involvements"])
def update_involvement(
    cp_id: ChildId, index: InvolvementIndex, body: InvolvementCreate, runtime: ServicesDep, session: Recorder
) -> VersionRead:
    """Update your own service's involvement (contact, lead professional, CAF indicator)."""
    version = involvements.update_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        index=index,
        data=_involvement_input(body),
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.post("/children/{cp_id}/involvements/{index}/end", tags=["involvements"])
def end_involvement(
    cp_id: ChildId, index: InvolvementIndex, body: InvolvementEnd, runtime: ServicesDep, session: Recorder
) -> VersionRead:
    """End your own service's involvement."""
    version = involvements.end_involvement(
        runtime,
        session.principal,
        cp_id=ContactPointId(cp_id),
        index=index,
        end=body.end,
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.get("/users", tags=["users"])
def list_users(runtime: ServicesDep, session: UserAdmin) -> list[UserRead]:
    """Accounts in your scope."""
    return [UserRead.model_validate(asdict(a)) for a in accounts.list_accounts(runtime, session.principal)]


@router.post("/users", status_code=status.HTTP_201_CREATED, tags=["users"])
def create_user(body: UserCreate, runtime: ServicesDep, session: UserAdmin) -> UserCreated:
    """Create an account in your scope; its holder enrols TOTP at first sign-in."""
    created = accounts.create_account(
        runtime,
        session.principal,
        username=body.username,
        role=body.role,
        la_code=body.la_code,
        org_code=body.org_code,
        org_name=body.org_name,
        service=body.service,
        family_name=body.family_name,
        home_postcode=body.home_postcode,
    )
    return UserCreated(id=created.user_id, username=created.username, initial_password=created.password)


@router.post("/users/{user_id}/suspension", status_code=status.HTTP_204_NO_CONTENT, tags=["users"])
def suspend_user(user_id: UserId, runtime: ServicesDep, session: UserAdmin) -> Response:
    """Suspend an account: its sessions end at once."""
    accounts.set_suspended(runtime, session.principal, user_id, suspended=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/users/{user_id}/suspension", status_code=status.HTTP_204_NO_CONTENT, tags=["users"])
def reinstate_user(user_id: UserId, runtime: ServicesDep, session: UserAdmin) -> Response:
    """Lift a suspension."""
    accounts.set_suspended(runtime, session.principal, user_id, suspended=False)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/users/{user_id}/approval", status_code=status.HTTP_204_NO_CONTENT, tags=["users"])
def approve_user(user_id: UserId, runtime: ServicesDep, session: UserAdmin) -> Response:
    """Approve an account of special reach that another administrator made."""
    accounts.approve_account(runtime, session.principal, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/users/{user_id}/reset", tags=["users"])
def reset_user(user_id: UserId, runtime: ServicesDep, session: UserAdmin) -> UserCreated:
    """A new one-time password and a fresh second factor to enrol; the account's sessions end."""
    reset = accounts.reset_account(runtime, session.principal, user_id)
    return UserCreated(id=reset.user_id, username=reset.username, initial_password=reset.password)


@router.post("/audit/queries", tags=["audit"])
def query_audit(body: AuditQuery, runtime: ServicesDep, session: Auditor) -> list[AuditEntryRead]:
    """Audit entries by user, child and period, within your scope (never your own)."""
    rows = auditing.query_audit(
        runtime,
        session.principal,
        user_id=body.user_id,
        child=ContactPointId(body.cp_id) if body.cp_id else None,
        since=body.since,
        until=body.until,
    )
    return [AuditEntryRead.model_validate(asdict(row)) for row in rows]


@router.get("/alerts", tags=["audit"])
def list_alerts(runtime: ServicesDep, session: AlertReader) -> list[AlertRead]:
    """Misuse alerts, worst first (auditors); suspensions by hard limits (LA user administrators)."""
    return [AlertRead.model_validate(asdict(a)) for a in alerts.list_alerts(runtime, session.principal)]


def _shielding_read(request: StoredShieldingRequest) -> ShieldingRequestRead:
    return ShieldingRequestRead(
        id=request.id,
        cp_id=request.cp_id.value,
        change=request.details.change,
        reason=request.details.reason,
        requested_by=request.details.requested_by,
        review_on=request.details.review_on,
        state=request.state,
        requester_id=request.requester_id,
        requested_at=request.requested_at,
    )


@router.post("/shielding-requests", status_code=status.HTTP_201_CREATED, tags=["shielding"])
def create_shielding_request(
    body: ShieldingRequestCreate, runtime: ServicesDep, session: Shielder
) -> ShieldingRequestCreated:
    """Ask for a child of your LA to be shielded or unshielded; another administrator decides."""
    details = ShieldingRequestDetails(body.change, body.reason, body.requested_by, body.review_on)
    request_id = shielding.request_shielding_change(
        runtime, session.principal, ContactPointId(body.cp_id), details
    )
    return ShieldingRequestCreated(id=request_id)


@router.get("/shielding-requests", tags=["shielding"])
def list_shielding_requests(runtime: ServicesDep, session: Shielder) -> list[ShieldingRequestRead]:
    """Your LA's requests waiting for a second administrator."""
    return [_shielding_read(r) for r in shielding.pending_shielding_requests(runtime, session.principal)]


@router.post(
    "/shielding-requests/{request_id}/decision", status_code=status.HTTP_204_NO_CONTENT, tags=["shielding"]
)
def decide_shielding_request(
    request_id: RequestId, body: ShieldingDecisionCreate, runtime: ServicesDep, session: Shielder
) -> Response:
    """Approve (the record changes at once) or reject a request you did not make."""
    shielding.decide_shielding_change(runtime, session.principal, request_id, approve=body.approve)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/shielding-reviews", tags=["shielding"])
def list_shielding_reviews(runtime: ServicesDep, session: Shielder) -> list[ShieldingRequestRead]:
    """Shielded children of your LA whose review date has come."""
    return [_shielding_read(r) for r in shielding.shielding_reviews_due(runtime, session.principal)]


@router.post("/children/{cp_id}/contact-requests", status_code=status.HTTP_201_CREATED, tags=["shielding"])
def create_contact_request(
    cp_id: ChildId, body: ContactRequestCreate, runtime: ServicesDep, session: ContactAsker
) -> ShieldingRequestCreated:
    """Ask the LA team to broker contact about a shielded child or a sensitive service."""
    request_id = shielding.ask_for_brokered_contact(
        runtime, session.principal, ContactPointId(cp_id), body.purpose
    )
    return ShieldingRequestCreated(id=request_id)


@router.get("/contact-requests", tags=["shielding"])
def list_contact_requests(runtime: ServicesDep, session: Broker) -> list[ContactRequestRead]:
    """Your LA's open contact requests."""
    return [
        ContactRequestRead(
            id=r.id,
            cp_id=r.cp_id.value,
            purpose=r.purpose,
            outcome=r.outcome,
            requester_id=r.requester_id,
            requested_at=r.requested_at,
        )
        for r in shielding.open_contact_requests(runtime, session.principal)
    ]


@router.post(
    "/contact-requests/{request_id}/outcome", status_code=status.HTTP_204_NO_CONTENT, tags=["shielding"]
)
def close_contact_request(
    request_id: RequestId, body: ContactOutcomeCreate, runtime: ServicesDep, session: Broker
) -> Response:
    """Record that contact was brokered, or declined."""
    shielding.close_contact_request(runtime, session.principal, request_id, body.outcome)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/subject-access-reports", tags=["subject access"])
def create_subject_access_report(
    body: SubjectAccessCreate, runtime: ServicesDep, session: SubjectAccess
) -> SubjectAccessRead:
    """Everything held about a child of your LA, its sources and every access, as this requester may
    receive it. Audited before it is returned; a sealed or out-of-scope record is not found."""
    report = subject_access.produce_subject_access_report(
        runtime, session.principal, ContactPointId(body.cp_id), body.requester
    )
    return SubjectAccessRead.model_validate(asdict(report))


@router.post(
    "/subject-access-reports/pdf",
    tags=["subject access"],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The report as a PDF"}},
)
def create_subject_access_pdf(
    body: SubjectAccessCreate, runtime: ServicesDep, session: SubjectAccess
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


# The match-review queue ------------------------------------------------------------------------


def _review_read(item: OpenReview) -> ReviewItemRead:
    return ReviewItemRead(
        id=item.item_id,
        source=item.source,
        row_key=item.row_key,
        reason=item.reason,
        private=item.private,
        la_code=item.la_code,
        candidate_cp_id=item.candidate_cp_id,
        match_weight=item.match_weight,
        explanation=[MatchFactorRead.model_validate(asdict(f)) for f in review.factors(item)],
    )


@router.get("/review-items", tags=["review"])
def list_review_items(runtime: ServicesDep, session: Reviewer) -> list[ReviewItemRead]:
    """Your LA's open review items, private ones included."""
    return [_review_read(item) for item in review.list_reviews(runtime, session.principal)]


@router.get("/review-items/{item_id}", tags=["review"])
def open_review_item(item_id: ItemId, runtime: ServicesDep, session: Reviewer) -> ReviewItemOpenedRead:
    """Open an item: the held row beside its candidate, and the per-field explanation (audited)."""
    opened = review.open_review(runtime, session.principal, item_id)
    return ReviewItemOpenedRead.model_validate({**asdict(opened), "id": opened.item_id})


@router.post("/review-items/{item_id}/decision", tags=["review"])
def decide_review_item(
    item_id: ItemId, body: ReviewDecisionCreate, runtime: ServicesDep, session: Reviewer
) -> ReviewDecisionRead:
    """Link the row, make it a new child, or reject it (audited)."""
    cp_id = review.decide_review(
        runtime,
        session.principal,
        item_id,
        body.action,
        link_to=ContactPointId(body.link_to) if body.link_to else None,
    )
    return ReviewDecisionRead(cp_id=cp_id)
