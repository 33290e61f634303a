"""The closed vocabularies of a record: every coded field takes one of these values and nothing else."""

from enum import StrEnum


class Gender(StrEnum):
    """As the Regulations put it: male, female, or not specified."""

    MALE = "male"
    FEMALE = "female"
    NOT_SPECIFIED = "not_specified"


class RecordStatus(StrEnum):
    """Where a record stands in its life; drives who may see what (DESIGN section 2)."""

    ACTIVE = "active"
    SHIELDED = "shielded"
    SEALED = "sealed"
    ARCHIVED = "archived"
    DECEASED = "deceased"


class AddressState(StrEnum):
    """Whether and how the child's whereabouts are known."""

    KNOWN = "known"
    LAST_KNOWN = "last_known"
    NO_KNOWN_ADDRESS = "no_known_address"
    LEFT_ENGLAND = "left_england"


class IntentToReturn(StrEnum):
    """For a child who has left England: are they expected back."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Relationship(StrEnum):
    """A carer's relationship to the child. No other family links are recorded."""

    MOTHER = "mother"
    FATHER = "father"
    PARENT = "parent"
    STEP_PARENT = "step_parent"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    FOSTER_CARER = "foster_carer"
    GUARDIAN = "guardian"
    SPECIAL_GUARDIAN = "special_guardian"
    LOCAL_AUTHORITY = "local_authority"
    OTHER = "other"


class ServiceType(StrEnum):
    """Services that may record an involvement (DESIGN section 2)."""

    EDUCATION = "education"
    GP = "gp"
    HEALTH_VISITING = "health_visiting"
    SCHOOL_NURSING = "school_nursing"
    SOCIAL_CARE = "social_care"
    YOUTH_OFFENDING = "youth_offending"
    CAREERS = "careers"  # Connexions in the original
    CAMHS = "camhs"
    SEXUAL_HEALTH = "sexual_health"
    SUBSTANCE_MISUSE = "substance_misuse"
    OTHER = "other"

    @property
    def is_sensitive(self) -> bool:
        """Sexual health, mental health and substance misuse: recorded only with consent or on harm."""
        return self in SENSITIVE_SERVICES


SENSITIVE_SERVICES = frozenset({ServiceType.CAMHS, ServiceType.SEXUAL_HEALTH, ServiceType.SUBSTANCE_MISUSE})


class SensitiveBasis(StrEnum):
    """Why a sensitive involvement may be recorded at all."""

    CONSENT_YOUNG_PERSON = "consent_young_person"
    CONSENT_CARER = "consent_carer"
    SIGNIFICANT_HARM = "significant_harm"


class IdentifierScheme(StrEnum):
    """Identifiers issued by sources, kept for matching and shown only to that source's staff."""

    NHS_NUMBER = "nhs_number"
    UNIQUE_PUPIL_NUMBER = "unique_pupil_number"
    CHILD_BENEFIT_REFERENCE = "child_benefit_reference"
    LOCAL_AUTHORITY_REFERENCE = "local_authority_reference"
    YOUTH_JUSTICE_REFERENCE = "youth_justice_reference"


class ExtensionBasis(StrEnum):
    """Why a young person's record may be kept past 18, to 25, with their consent."""

    CARE_LEAVER = "care_leaver"
    LEARNING_DIFFICULTY = "learning_difficulty"


class ArchiveReason(StrEnum):
    """Why a record left practitioners' view."""

    TURNED_18 = "turned_18"
    TURNED_25 = "turned_25"  # end of an extension kept with consent
    CONSENT_WITHDRAWN = "consent_withdrawn"  # an extension ended early
    DIED = "died"  # a year after the death
