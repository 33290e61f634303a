"""Pydantic schemas of the JSON API: XCreate for input, XRead for output, kept apart from the ORM.

Every input model forbids unknown fields (invariant 8: unknown fields are rejected, not dropped).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from contactpoint.access.roles import Role
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.feeds.review import ReviewAction
from contactpoint.app.oversight.subject_access import Requester
from contactpoint.domain.shielding import (
    ContactOutcome,
    ContactPurpose,
    RequestedBy,
    RequestState,
    ShieldingChange,
    ShieldingReason,
)
from contactpoint.domain.vocabulary import Gender, SensitiveBasis, ServiceType

NAME = Field(min_length=1, max_length=70)


class Input(BaseModel):
    """Base of request bodies."""

    model_config = ConfigDict(extra="forbid")


class SessionCreate(Input):
    """Sign in with both factors."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    code: str = Field(min_length=6, max_length=8)


class SessionRead(BaseModel):
    """A bearer token for the API; it idles out after 15 minutes and ends after 12 hours."""

    token: str
    idle_minutes: int
    absolute_hours: int


class MeRead(BaseModel):
    """The signed-in account."""

    id: int
    username: str
    role: Role
    la_code: str | None
    org_code: str | None
    service: ServiceType | None
    permissions: list[str]


class SearchCreate(Input):
    """Family name with date of birth, or family and given names with postcode district."""

    family_name: str = NAME
    given_name: str | None = Field(default=None, max_length=70)
    date_of_birth: date | None = None
    postcode_district: str | None = Field(default=None, max_length=8)
    reason: AccessReason


class SearchHitRead(BaseModel):
    """A result: name, date of birth, gender and LA only."""

    cp_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    gender: Gender
    la_code: str | None


class SearchRead(BaseModel):
    """At most ten results."""

    results: list[SearchHitRead]


class ViewCreate(Input):
    """Open a record with a reason; `override` is for child-protection users and is always alerted."""

    reason: AccessReason
    override: bool = False


class CarerRead(BaseModel):
    """A carer."""

    given_name: str
    family_name: str
    relationship: str | None
    phone: str | None
    email: str | None


class InvolvementRead(BaseModel):
    """An involvement as the policy lets this user see it."""

    index: int
    sensitive_hidden: bool
    service: str | None
    organisation_code: str | None
    organisation_name: str | None
    practitioner: str | None
    phone: str | None
    email: str | None
    start: date | None
    end: date | None
    lead_professional: bool
    caf_exists: bool
    editable: bool


class ChildRead(BaseModel):
    """The record as this user may see it."""

    cp_id: str
    level: str
    version: int | None
    given_name: str
    family_name: str
    other_names: list[str]
    date_of_birth: date
    gender: Gender
    la_code: str | None
    deceased: bool
    address_state: str | None
    address_lines: list[str] | None
    postcode: str | None
    carers: list[CarerRead]
    involvements: list[InvolvementRead]
    identifiers: list[str]
    contact_note: str | None
    warning: str | None
    may_record_involvement: bool
    may_ask_for_contact: bool


class InvolvementCreate(Input):
    """Your own service's involvement; the organisation and service come from your account."""

    practitioner_given: str = NAME
    practitioner_family: str = NAME
    start: date
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    lead_professional: bool = False
    caf_exists: bool = False
    sensitive_basis: SensitiveBasis | None = None
    expected_version: int = Field(ge=1, le=2**31 - 1)


class InvolvementEnd(Input):
    """End your service's involvement."""

    end: date
    expected_version: int = Field(ge=1, le=2**31 - 1)


class LeadChange(Input):
    """Make this involvement the lead professional (as the current lead, or the LA team)."""

    expected_version: int = Field(ge=1, le=2**31 - 1)


class VersionRead(BaseModel):
    """The record's version after a change."""

    version: int


class ShieldingRequestCreate(Input):
    """A request to shield or unshield a child; a second administrator decides it."""

    cp_id: str = Field(pattern=r"^[0-9]{12}$")
    change: ShieldingChange
    reason: ShieldingReason
    requested_by: RequestedBy
    review_on: date | None = None


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


class MatchFactorRead(BaseModel):
    """One field's part in the match weight: how it compared and its partial weight (no values)."""

    field: str
    level: str
    weight: float


class ReviewItemRead(BaseModel):
    """An item of the LA's review queue: IDs, codes and weights only."""

    id: int
    source: str
    row_key: str
    reason: str
    private: bool
    la_code: str | None
    candidate_cp_id: str | None
    match_weight: float | None
    explanation: list[MatchFactorRead]


class ComparedFieldRead(BaseModel):
    """The held row's value beside the candidate's (null where there is none or it is withheld)."""

    label: str
    row_value: str
    record_value: str | None


class ReviewItemOpenedRead(ReviewItemRead):
    """An opened item: the row and its candidate side by side (the opening is audited)."""

    candidate_shown: bool
    fields: list[ComparedFieldRead]


class ReviewDecisionCreate(Input):
    """Link the row to the candidate (or to `link_to`), make it a new child, or reject it."""

    action: ReviewAction
    link_to: str | None = Field(default=None, pattern=r"^[0-9]{12}$")


class ReviewDecisionRead(BaseModel):
    """The record the row now belongs to, if any."""

    cp_id: str | None


class UserCreate(Input):
    """A new account; the organisation and service are for practitioners only."""

    username: str = Field(min_length=3, max_length=64)
    role: Role
    la_code: str | None = Field(default=None, max_length=3)
    org_code: str | None = Field(default=None, max_length=12)
    org_name: str | None = Field(default=None, max_length=120)
    service: ServiceType | None = None
    family_name: str | None = Field(
        default=None,
        max_length=70,
        description="The holder's family name: kept only as a keyed hash, for a misuse signal",
    )
    home_postcode: str | None = Field(
        default=None,
        max_length=8,
        description="The holder's home postcode: kept only as a keyed hash, for a misuse signal",
    )


class UserCreated(BaseModel):
    """The initial password is shown once; TOTP is enrolled at first sign-in."""

    id: int
    username: str
    initial_password: str


class UserRead(BaseModel):
    """An account (no secrets)."""

    id: int
    username: str
    role: Role
    la_code: str | None
    org_code: str | None
    service: ServiceType | None
    suspended: bool
    enrolled: bool
    awaiting_approval: bool


class AuditQuery(Input):
    """Filters; all optional."""

    user_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    cp_id: str | None = Field(default=None, min_length=12, max_length=12)
    since: datetime | None = None
    until: datetime | None = None


class AuditEntryRead(BaseModel):
    """An audit entry: IDs and codes."""

    seq: int
    at: datetime
    kind: str
    actor_id: int | None
    children: list[str]
    details: dict[str, str | int | bool | list[str] | None]


class AlertRead(BaseModel):
    """A misuse alert."""

    id: int
    at: datetime
    user_id: int
    la_code: str | None
    kind: str
    score: int
    audit_seq: int | None


class ErrorRead(BaseModel):
    """Every error response: a code and a message with no personal data."""

    error: str
    message: str
    field: str | None = None


class SubjectAccessCreate(Input):
    """A subject access request: the child (in the body, never the URL) and who asked."""

    cp_id: str = Field(pattern=r"^[0-9]{12}$")
    requester: Requester


class SubjectAccessNameRead(BaseModel):
    """A name held: current, former or known as."""

    kind: str
    given: str
    family: str


class SubjectAccessWhereaboutsRead(BaseModel):
    """The address state and address."""

    state: str
    lines: list[str]
    postcode: str | None
    intent_to_return: str | None


class SubjectAccessCarerRead(BaseModel):
    """A parent or carer as the requester may see them."""

    given: str
    family: str
    relationship: str
    parental_responsibility: bool
    phone: str | None
    email: str | None
    address: list[str]


class SubjectAccessInvolvementRead(BaseModel):
    """A service working with the child, and who recorded it."""

    service: str
    organisation_code: str
    organisation_name: str
    practitioner: str | None
    phone: str | None
    email: str | None
    start: date
    end: date | None
    lead_professional: bool
    caf_exists: bool
    sensitive_basis: str | None
    recorded_by: str
    recorded_on: date | None


class SubjectAccessProvenanceRead(BaseModel):
    """Which source gave a field its value."""

    field: str
    source: str
    row_key: str | None
    as_of: date


class SubjectAccessSourceRead(BaseModel):
    """A source whose rows were applied to the record."""

    source: str
    rows: int


class SubjectAccessEntryRead(BaseModel):
    """One access: when, what, organisation and role (never a person), why."""

    at: datetime
    action: str
    organisation: str | None
    role: str
    service: str | None
    reason: str


class SubjectAccessRead(BaseModel):
    """Everything held about the child that this requester may receive; `withheld` is for the LA team."""

    cp_id: str
    requester: Requester
    produced_at: datetime
    status: str | None
    la_code: str | None
    names: list[SubjectAccessNameRead]
    date_of_birth: date
    gender: str
    whereabouts: SubjectAccessWhereaboutsRead | None
    carers: list[SubjectAccessCarerRead]
    involvements: list[SubjectAccessInvolvementRead]
    identifiers: list[str]
    date_of_death: date | None
    retention_extension: str | None
    archived_on: date | None
    provenance: list[SubjectAccessProvenanceRead]
    sources: list[SubjectAccessSourceRead]
    accesses: list[SubjectAccessEntryRead]
    accesses_complete: bool
    withheld: list[str]
    notice: str | None
