"""The safeguards API's bodies: shielding and brokered contact, adoption, and consent.

These replies reshape the app's types (a request's details are nested in the store, a pending
adoption is a whole identity), so unlike the record's view they are declared here.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from contactpoint.domain.shielding import (
    ContactOutcome,
    ContactPurpose,
    RequestedBy,
    RequestState,
    ShieldingChange,
    ShieldingReason,
)
from contactpoint.domain.vocabulary import ExtensionBasis, RecordStatus, SensitiveBasis, ServiceType
from contactpoint.web.api.shared import NAME, CpId, Day, Input

PHONE = Field(default=None, max_length=20)
EMAIL = Field(default=None, max_length=254)


class ShieldingRequestCreate(Input):
    """A request to shield or unshield a child; a second administrator decides it."""

    cp_id: CpId
    change: ShieldingChange
    reason: ShieldingReason
    requested_by: RequestedBy
    review_on: Day | None = None


class ShieldingDecisionCreate(Input):
    """The second administrator's decision."""

    approve: bool


class ShieldingRequestRead(BaseModel):
    """A request in the LA team's queue or review list: IDs, codes and dates only."""

    id: int
    cp_id: str
    change: ShieldingChange
    reason: ShieldingReason
    requested_by: RequestedBy
    review_on: date | None
    state: RequestState
    requester_id: int
    requested_at: datetime


class ShieldingRequestCreated(BaseModel):
    """The new request's number."""

    id: int


class ContactRequestCreate(Input):
    """Ask the child's LA team to broker contact."""

    purpose: ContactPurpose


class ContactOutcomeCreate(Input):
    """The LA team's outcome for a contact request."""

    outcome: ContactOutcome


class ContactRequestRead(BaseModel):
    """A request in the LA team's brokering queue: IDs and codes only."""

    id: int
    cp_id: str
    purpose: ContactPurpose
    outcome: ContactOutcome
    requester_id: int
    requested_at: datetime


class AdoptiveParentCreate(Input):
    """An adoptive parent: name and how to reach them."""

    given_name: str = NAME
    family_name: str = NAME
    phone: str | None = PHONE
    email: str | None = EMAIL


class AdoptionRequestCreate(Input):
    """Record an adoption of a child of your LA; a second administrator approves it."""

    cp_id: CpId  # the birth record's
    given_name: str = NAME
    family_name: str = NAME
    address_lines: list[str] = Field(min_length=1, max_length=4)
    town: str | None = Field(default=None, max_length=70)
    postcode: str = Field(min_length=5, max_length=8)
    la_code: str = Field(
        pattern=r"^(?:[0-9]{3}|E(?:06|07|08|09|10|11)[0-9]{6})$",
        description="The adoptive family's local authority",
    )
    parents: list[AdoptiveParentCreate] = Field(min_length=1, max_length=2)


class AdoptionRequestCreated(BaseModel):
    """The new request's number."""

    id: int


class AdoptionDecisionCreate(Input):
    """The second administrator's decision."""

    approve: bool


class AdoptiveParentRead(BaseModel):
    """An adoptive parent as recorded in a pending request."""

    given_name: str
    family_name: str
    phone: str | None
    email: str | None


class AdoptionRequestRead(BaseModel):
    """A pending adoption for the second administrator to check."""

    id: int
    birth_cp_id: str
    requester_id: int
    requested_at: datetime
    given_name: str
    family_name: str
    address_lines: list[str]
    town: str | None
    postcode: str | None
    la_code: str
    parents: list[AdoptiveParentRead]


class AdoptionDecisionRead(BaseModel):
    """On approval, the adoptive record's new ID: returned this once and stored beside nothing."""

    new_cp_id: str | None


class SensitiveConsentRead(BaseModel):
    """A sensitive service's involvement and its ground."""

    index: int
    service: ServiceType
    organisation: str
    basis: SensitiveBasis
    withdrawable: bool
    start: date
    end: date | None


class ConsentRead(BaseModel):
    """What consent a record rests on."""

    cp_id: str
    version: int
    status: RecordStatus
    extension_basis: ExtensionBasis | None
    consented_on: date | None
    withdrawn_on: date | None
    kept_until: date | None
    sensitive: list[SensitiveConsentRead]


class RetentionConsentCreate(Input):
    """The young person consents to their record being kept to 25."""

    basis: ExtensionBasis
    consented_on: Day
    expected_version: int = Field(ge=1, le=2**31 - 1)


class ConsentWithdrawalCreate(Input):
    """The young person withdraws consent."""

    withdrawn_on: Day
    expected_version: int = Field(ge=1, le=2**31 - 1)


class SensitiveWithdrawalCreate(Input):
    """Consent to record a sensitive service is withdrawn: its involvement is removed."""

    expected_version: int = Field(ge=1, le=2**31 - 1)
