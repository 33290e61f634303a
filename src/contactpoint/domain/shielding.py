"""Shielding decisions (regulation 6(5)-(6); DESIGN section 2): requested by one LA data administrator,
approved by another (four eyes), reviewed by a date.

Everything here is a closed code: who asked, why, what is asked. No free text, so nothing about the
child's circumstances is written down in the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.vocabulary import RecordStatus

LONGEST_REVIEW = timedelta(days=366)  # a shielding decision is looked at again within a year


class ShieldingChange(StrEnum):
    """What the request asks for."""

    SHIELD = "shield"
    UNSHIELD = "unshield"

    @property
    def from_status(self) -> RecordStatus:
        """The status the record must have for the change to make sense."""
        return RecordStatus.ACTIVE if self is ShieldingChange.SHIELD else RecordStatus.SHIELDED

    @property
    def to_status(self) -> RecordStatus:
        """The status the record has once the change is approved."""
        return RecordStatus.SHIELDED if self is ShieldingChange.SHIELD else RecordStatus.ACTIVE


class ShieldingReason(StrEnum):
    """Why the child would be at increased risk of significant harm if located (categories only)."""

    DOMESTIC_ABUSE = "domestic_abuse"
    RISK_FROM_FAMILY_MEMBER = "risk_from_family_member"
    FORCED_MARRIAGE = "forced_marriage"
    WITNESS_PROTECTION = "witness_protection"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation"
    OTHER_SAFEGUARDING = "other_safeguarding"
    RISK_ENDED = "risk_ended"  # the reason for unshielding


class RequestedBy(StrEnum):
    """Who asked the LA for the change."""

    POLICE = "police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    HEALTH = "health"
    EDUCATION = "education"
    COURT = "court"
    PARENT_OR_CARER = "parent_or_carer"
    YOUNG_PERSON = "young_person"
    LA_REVIEW = "la_review"


class RequestState(StrEnum):
    """Where a request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ShieldingRequestDetails:
    """What the first administrator records."""

    change: ShieldingChange
    reason: ShieldingReason
    requested_by: RequestedBy
    review_on: date | None

    def check(self, today: date) -> None:
        """Shielding needs a review date within a year; unshielding needs none and gives 'risk ended'."""
        if self.change is ShieldingChange.SHIELD:
            if self.review_on is None or not today < self.review_on <= today + LONGEST_REVIEW:
                raise ValidationError("review_on", "a shielding needs a review date within the next year")
            if self.reason is ShieldingReason.RISK_ENDED:
                raise ValidationError("reason", "is a reason to unshield, not to shield")
        elif self.review_on is not None:
            raise ValidationError("review_on", "unshielding has no review date")
        elif self.reason is not ShieldingReason.RISK_ENDED:
            raise ValidationError("reason", "unshielding is recorded as the risk having ended")


class ContactPurpose(StrEnum):
    """Why a practitioner asks the LA team to put them in touch (a code, never a narrative)."""

    SAFEGUARDING_CONCERN = "safeguarding_concern"
    EDUCATION = "education"
    HEALTH_CARE = "health_care"
    REFERRAL = "referral"
    OTHER_PROFESSIONAL_CONTACT = "other_professional_contact"


class ContactOutcome(StrEnum):
    """Where a contact request stands: the LA team brokers it or declines it."""

    OPEN = "open"
    BROKERED = "brokered"
    DECLINED = "declined"
