"""The safeguards API: shielding and brokered contact, adoption (four eyes), and consent. Handlers only
translate; every rule is in `app/safeguards/`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.safeguards import adoption, consent, shielding
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.shielding import ShieldingRequestDetails
from contactpoint.store.shielding_repository import StoredShieldingRequest
from contactpoint.web.api.safeguards_schemas import (
    AdoptionDecisionCreate,
    AdoptionDecisionRead,
    AdoptionRequestCreate,
    AdoptionRequestCreated,
    AdoptionRequestRead,
    AdoptiveParentRead,
    ConsentRead,
    ConsentWithdrawalCreate,
    ContactOutcomeCreate,
    ContactRequestCreate,
    ContactRequestRead,
    RetentionConsentCreate,
    SensitiveConsentRead,
    SensitiveWithdrawalCreate,
    ShieldingDecisionCreate,
    ShieldingRequestCreate,
    ShieldingRequestCreated,
    ShieldingRequestRead,
)
from contactpoint.web.api.shared import ERRORS, ChildId, InvolvementIndex, RequestId, VersionRead, links
from contactpoint.web.deps import Need, RuntimeDep

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Shielder = Annotated[Authenticated, Depends(Need(Permission.DECIDE_SHIELDING))]
ContactAsker = Annotated[Authenticated, Depends(Need(Permission.REQUEST_CONTACT))]
Broker = Annotated[Authenticated, Depends(Need(Permission.BROKER_CONTACT))]
Adopter = Annotated[Authenticated, Depends(Need(Permission.DECIDE_ADOPTION))]
ConsentKeeper = Annotated[Authenticated, Depends(Need(Permission.MANAGE_CONSENT))]


# Shielding and brokered contact ----------------------------------------------------------------


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


_NEW_REQUEST = {"request_id": "$response.body#/id"}


@router.post(
    "/shielding-requests",
    status_code=status.HTTP_201_CREATED,
    tags=["shielding"],
    responses=links(201, decide=("POST", "/api/v1/shielding-requests/{request_id}/decision", _NEW_REQUEST)),
)
def create_shielding_request(
    body: ShieldingRequestCreate, runtime: RuntimeDep, session: Shielder
) -> ShieldingRequestCreated:
    """Ask for a child of your LA to be shielded or unshielded; another administrator decides."""
    details = ShieldingRequestDetails(body.change, body.reason, body.requested_by, body.review_on)
    request_id = shielding.request_shielding_change(
        runtime, session.principal, ContactPointId(body.cp_id), details
    )
    return ShieldingRequestCreated(id=request_id)


@router.get("/shielding-requests", tags=["shielding"])
def list_shielding_requests(runtime: RuntimeDep, session: Shielder) -> list[ShieldingRequestRead]:
    """Your LA's requests waiting for a second administrator."""
    return [_shielding_read(r) for r in shielding.pending_shielding_requests(runtime, session.principal)]


@router.post(
    "/shielding-requests/{request_id}/decision", status_code=status.HTTP_204_NO_CONTENT, tags=["shielding"]
)
def decide_shielding_request(
    request_id: RequestId, body: ShieldingDecisionCreate, runtime: RuntimeDep, session: Shielder
) -> Response:
    """Approve (the record changes at once) or reject a request you did not make."""
    shielding.decide_shielding_change(runtime, session.principal, request_id, approve=body.approve)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/shielding-reviews", tags=["shielding"])
def list_shielding_reviews(runtime: RuntimeDep, session: Shielder) -> list[ShieldingRequestRead]:
    """Shielded children of your LA whose review date has come."""
    return [_shielding_read(r) for r in shielding.shielding_reviews_due(runtime, session.principal)]


@router.post(
    "/children/{cp_id}/contact-requests",
    status_code=status.HTTP_201_CREATED,
    tags=["shielding"],
    responses=links(201, close=("POST", "/api/v1/contact-requests/{request_id}/outcome", _NEW_REQUEST)),
)
def create_contact_request(
    cp_id: ChildId, body: ContactRequestCreate, runtime: RuntimeDep, session: ContactAsker
) -> ShieldingRequestCreated:
    """Ask the LA team to broker contact about a shielded child or a sensitive service."""
    request_id = shielding.ask_for_brokered_contact(
        runtime, session.principal, ContactPointId(cp_id), body.purpose
    )
    return ShieldingRequestCreated(id=request_id)


@router.get("/contact-requests", tags=["shielding"])
def list_contact_requests(runtime: RuntimeDep, session: Broker) -> list[ContactRequestRead]:
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
    request_id: RequestId, body: ContactOutcomeCreate, runtime: RuntimeDep, session: Broker
) -> Response:
    """Record that contact was brokered, or declined."""
    shielding.close_contact_request(runtime, session.principal, request_id, body.outcome)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Adoption --------------------------------------------------------------------------------------


def adoption_read(pending: adoption.PendingAdoption) -> AdoptionRequestRead:
    """A pending adoption as the API (and the UI) shows it."""
    identity = pending.identity
    address = identity.whereabouts.address
    return AdoptionRequestRead(
        id=pending.request_id,
        birth_cp_id=pending.birth_id.value,
        requester_id=pending.requester_id,
        requested_at=pending.requested_at,
        given_name=identity.names.current.given,
        family_name=identity.names.current.family,
        address_lines=list(address.lines) if address else [],
        town=address.town if address else None,
        postcode=str(address.postcode) if address else None,
        la_code=identity.la_code,
        parents=[
            AdoptiveParentRead(
                given_name=carer.name.given,
                family_name=carer.name.family,
                phone=carer.contact.phone,
                email=carer.contact.email,
            )
            for carer in identity.carers
        ],
    )


@router.post(
    "/adoption-requests",
    status_code=status.HTTP_201_CREATED,
    tags=["adoption"],
    responses=links(201, decide=("POST", "/api/v1/adoption-requests/{request_id}/decision", _NEW_REQUEST)),
)
def create_adoption_request(
    body: AdoptionRequestCreate, runtime: RuntimeDep, session: Adopter
) -> AdoptionRequestCreated:
    """Record an adoption of a child of your LA; nothing changes until a second administrator approves."""
    identity = adoption.adoptive_identity(
        given=body.given_name,
        family=body.family_name,
        address_lines=body.address_lines,
        town=body.town,
        postcode=body.postcode,
        la_code=body.la_code,
        parents=[
            adoption.AdoptiveParent(p.given_name, p.family_name, p.phone, p.email) for p in body.parents
        ],
    )
    request_id = adoption.request_adoption(runtime, session.principal, ContactPointId(body.cp_id), identity)
    return AdoptionRequestCreated(id=request_id)


@router.get("/adoption-requests", tags=["adoption"])
def list_adoption_requests(runtime: RuntimeDep, session: Adopter) -> list[AdoptionRequestRead]:
    """Your LA's adoptions waiting for a second administrator (reading them is audited)."""
    return [adoption_read(p) for p in adoption.pending_adoptions(runtime, session.principal)]


@router.post("/adoption-requests/{request_id}/decision", tags=["adoption"])
def decide_adoption_request(
    request_id: RequestId, body: AdoptionDecisionCreate, runtime: RuntimeDep, session: Adopter
) -> AdoptionDecisionRead:
    """Approve (the birth record is sealed, a new record issued) or reject an adoption you did not record."""
    new_id = adoption.decide_adoption(runtime, session.principal, request_id, approve=body.approve)
    return AdoptionDecisionRead(new_cp_id=new_id.value if new_id else None)


# Consent ---------------------------------------------------------------------------------------


def consent_read(view: consent.ConsentView) -> ConsentRead:
    """A record's consents as the API (and the UI) shows them."""
    extension = view.extension
    return ConsentRead(
        cp_id=view.cp_id.value,
        version=view.version,
        status=view.status,
        extension_basis=extension.basis if extension else None,
        consented_on=extension.consented_on if extension else None,
        withdrawn_on=extension.withdrawn_on if extension else None,
        kept_until=view.kept_until,
        sensitive=[
            SensitiveConsentRead(
                index=s.index,
                service=s.service,
                organisation=s.organisation,
                basis=s.basis,
                withdrawable=s.withdrawable,
                start=s.start,
                end=s.end,
            )
            for s in view.sensitive
        ],
    )


@router.get("/children/{cp_id}/consents", tags=["consent"])
def read_consents(cp_id: ChildId, runtime: RuntimeDep, session: ConsentKeeper) -> ConsentRead:
    """The consents a record of your LA rests on (audited)."""
    return consent_read(consent.consents_of(runtime, session.principal, ContactPointId(cp_id)))


@router.post("/children/{cp_id}/retention-consent", tags=["consent"])
def create_retention_consent(
    cp_id: ChildId, body: RetentionConsentCreate, runtime: RuntimeDep, session: ConsentKeeper
) -> VersionRead:
    """Record consent to keep the record to 25 (care leavers, young people with learning difficulties)."""
    version = consent.record_retention_consent(
        runtime,
        session.principal,
        ContactPointId(cp_id),
        basis=body.basis,
        consented_on=body.consented_on,
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.post("/children/{cp_id}/retention-consent/withdrawal", tags=["consent"])
def withdraw_retention_consent(
    cp_id: ChildId, body: ConsentWithdrawalCreate, runtime: RuntimeDep, session: ConsentKeeper
) -> VersionRead:
    """Record that consent to keep the record was withdrawn; the next retention run archives it."""
    version = consent.withdraw_retention_consent(
        runtime,
        session.principal,
        ContactPointId(cp_id),
        withdrawn_on=body.withdrawn_on,
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)


@router.post("/children/{cp_id}/involvements/{index}/consent-withdrawal", tags=["consent"])
def withdraw_sensitive_consent(
    cp_id: ChildId,
    index: InvolvementIndex,
    body: SensitiveWithdrawalCreate,
    runtime: RuntimeDep,
    session: ConsentKeeper,
) -> VersionRead:
    """Consent to record a sensitive service was withdrawn: its involvement is removed."""
    version = consent.withdraw_sensitive_consent(
        runtime,
        session.principal,
        ContactPointId(cp_id),
        index=index,
        expected_version=body.expected_version,
    )
    return VersionRead(version=version)
