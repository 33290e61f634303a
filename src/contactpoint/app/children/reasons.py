"""Why a practitioner searches or opens a record: a closed list, recorded in the audit log."""

from enum import StrEnum


class AccessReason(StrEnum):
    """Reasons offered in forms and the API; free text is never accepted (no case information)."""

    NEW_REFERRAL = "new_referral"
    SAFEGUARDING_CONCERN = "safeguarding_concern"
    ASSESSMENT = "assessment"
    SERVICE_DELIVERY = "service_delivery"
    CONTACT_PRACTITIONER = "contact_practitioner"
    RECORD_INVOLVEMENT = "record_involvement"

    @property
    def label(self) -> str:
        """Text for forms."""
        return _LABELS[self]


_LABELS = {
    AccessReason.NEW_REFERRAL: "A new referral has been received",
    AccessReason.SAFEGUARDING_CONCERN: "A safeguarding or welfare concern",
    AccessReason.ASSESSMENT: "Carrying out an assessment (including CAF)",
    AccessReason.SERVICE_DELIVERY: "Delivering a service to the child",
    AccessReason.CONTACT_PRACTITIONER: "Contacting another practitioner",
    AccessReason.RECORD_INVOLVEMENT: "Recording my service's involvement",
}
