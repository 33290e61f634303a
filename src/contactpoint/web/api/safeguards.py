"""The adoption and consent API, under /api/v1 beside api.py's routes. Handlers only translate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.safeguards import adoption, consent
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.web.api.children import ERRORS
from contactpoint.web.api.children_schemas import VersionRead
from contactpoint.web.api.safeguards_schemas import (
    AdoptionDecisionCreate,
    AdoptionDecisionRead,
    AdoptionRequestCreate,
    AdoptionRequestCreated,
    AdoptionRequestRead,
    AdoptiveParentRead,
    ConsentRead,
    ConsentWithdrawalCreate,
    RetentionConsentCreate,
    SensitiveConsentRead,
    SensitiveWithdrawalCreate,
)
from contactpoint.web.deps import Need, ServicesDep

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Adopter = Annotated[Authenticated, Depends(Need(Permission.DECIDE_ADOPTION))]
ConsentKeeper = Annotated[Authenticated, Depends(Need(Permission.MANAGE_CONSENT))]
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ChildId = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="A ContactPoint ID")]
InvolvementIndex = Annotated[int, Path(ge=0, le=63)]


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


@router.post("/adoption-requests", status_code=status.HTTP_201_CREATED, tags=["adoption"])
def create_adoption_request(
    body: AdoptionRequestCreate, runtime: ServicesDep, session: Adopter
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
def list_adoption_requests(runtime: ServicesDep, session: Adopter) -> list[AdoptionRequestRead]:
    """Your LA's adoptions waiting for a second administrator (reading them is audited)."""
    return [adoption_read(p) for p in adoption.pending_adoptions(runtime, session.principal)]


@router.post("/adoption-requests/{request_id}/decision", tags=["adoption"])
def decide_adoption_request(
    request_id: RequestId, body: AdoptionDecisionCreate, runtime: ServicesDep, session: Adopter
) -> AdoptionDecisionRead:
    """Approve (the birth record is sealed, a new record issued) or reject an adoption you did not record."""
    new_id = adoption.decide_adoption(runtime, session.principal, request_id, approve=body.approve)
    return AdoptionDecisionRead(new_cp_id=new_id.value if new_id else None)


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
def read_consents(cp_id: ChildId, runtime: ServicesDep, session: ConsentKeeper) -> ConsentRead:
    """The consents a record of your LA rests on (audited)."""
    return consent_read(consent.consents_of(runtime, session.principal, ContactPointId(cp_id)))


@router.post("/children/{cp_id}/retention-consent", tags=["consent"])
def create_retention_consent(
    cp_id: ChildId, body: RetentionConsentCreate, runtime: ServicesDep, session: ConsentKeeper
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
    cp_id: ChildId, body: ConsentWithdrawalCreate, runtime: ServicesDep, session: ConsentKeeper
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
    runtime: ServicesDep,
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
