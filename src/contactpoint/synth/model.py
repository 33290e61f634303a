"""The true, error-free state of synthetic children: what the sources report with errors, and the truth.

A child's identity changes over the feed generations (a move, a surname change, an adoption, leaving
England); each change starts a new `Identity` version, so any generation's truth can be recovered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from contactpoint.domain.vocabulary import (
    AddressState,
    Gender,
    IntentToReturn,
    Relationship,
    SensitiveBasis,
    ServiceType,
)
from contactpoint.synth.identifiers import Identifiers
from contactpoint.synth.places import Address
from contactpoint.synth.services import Org, Practitioner


class Change(StrEnum):
    """Why an identity version began."""

    INITIAL = "initial"
    BIRTH = "birth"
    MOVE = "move"
    SURNAME_CHANGE = "surname_change"
    ADOPTION = "adoption"
    LEFT_ENGLAND = "left_england"


class Household(StrEnum):
    """Who the child lives with."""

    MARRIED_COUPLE = "married_couple"
    COHABITING_COUPLE = "cohabiting_couple"
    SAME_SEX_COUPLE = "same_sex_couple"
    LONE_MOTHER = "lone_mother"
    LONE_FATHER = "lone_father"
    STEP_FAMILY = "step_family"
    KINSHIP_CARE = "kinship_care"
    FOSTER_CARE = "foster_care"
    ADOPTIVE = "adoptive"


@dataclass(frozen=True, slots=True)
class Name:
    """Given names (in order, space separated) and a family name."""

    given: str
    family: str

    @property
    def first(self) -> str:
        """The first given name: the one people are called by."""
        return self.given.split(" ", 1)[0]

    @property
    def middle(self) -> str:
        """Any further given names, or an empty string."""
        parts = self.given.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True, slots=True)
class Contact:
    """A telephone number and an email address, either possibly unknown."""

    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class CarerTruth:
    """A parent or carer; `address` is None when they live with the child."""

    name: Name
    relationship: Relationship
    parental_responsibility: bool
    contact: Contact
    address: Address | None = None


@dataclass(frozen=True, slots=True)
class InvolvementTruth:
    """A service's involvement with the child; `end` is None while it lasts beyond the last generation."""

    service: ServiceType
    org: Org
    start: date
    end: date | None = None
    practitioner: Practitioner | None = None
    lead_professional: bool = False
    caf_exists: bool = False
    sensitive_basis: SensitiveBasis | None = None
    adoptive: bool = False  # belongs to the identity after an adoption

    def active_on(self, day: date) -> bool:
        """Whether the involvement is open on `day`."""
        return self.start <= day and (self.end is None or self.end > day)


@dataclass(frozen=True, slots=True)
class Identity:
    """What is true of a child from generation `since` until the next version."""

    since: int
    cause: Change
    name: Name
    former_names: tuple[Name, ...]
    state: AddressState
    address: Address | None
    la_code: str
    intent_to_return: IntentToReturn | None
    carers: tuple[CarerTruth, ...]
    identifiers: Identifiers
    gp: Org | None
    gp_since: date
    adoptive: bool = False


@dataclass(frozen=True, slots=True)
class ChildLabels:
    """The special cases a child belongs to, kept in the truth and never in a feed."""

    household: Household
    community: str
    shielded: bool = False
    looked_after: bool = False
    twin_group: str | None = None
    adopted_generation: int | None = None
    turns_18_generation: int | None = None
    left_england_generation: int | None = None
    moved_before_extract: bool = False
    shared_address: bool = False
    common_name: bool = False


@dataclass(frozen=True, slots=True)
class SynthChild:
    """One synthetic child: fixed facts, identity versions, involvements and labels."""

    person_id: str
    person_key: int
    family_id: str
    date_of_birth: date
    gender: Gender
    born_generation: int
    identities: tuple[Identity, ...]
    involvements: tuple[InvolvementTruth, ...]
    labels: ChildLabels
    previous_address: Address | None = None
    claims_child_benefit: bool = True

    @property
    def identity(self) -> Identity:
        """The first identity version: the truth at generation 0 (or at birth, for later births)."""
        return self.identities[0]

    def identity_at(self, generation: int) -> Identity:
        """The identity version true at `generation`."""
        current = self.identities[0]
        for version in self.identities[1:]:
            if version.since > generation:
                break
            current = version
        return current


@dataclass(frozen=True, slots=True)
class Family:
    """A household's children, in the order they were generated (later births last)."""

    family_id: str
    index: int
    household: Household
    children: tuple[SynthChild, ...]
