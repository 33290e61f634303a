"""The child record: exactly the fields of DESIGN section 2 and nothing else.

Every text field is a name, a code, an address line or a contact detail, each with a narrow
character set and length, so that nothing resembling case notes can be stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.gb import nhs

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.vocabulary import (
    AddressState,
    ArchiveReason,
    ExtensionBasis,
    Gender,
    IdentifierScheme,
    IntentToReturn,
    RecordStatus,
    Relationship,
    SensitiveBasis,
    ServiceType,
)

MAX_NAME_LENGTH = 70
MAX_ADDRESS_LINE_LENGTH = 100
MAX_ORGANISATION_LENGTH = 120
_NAME_PUNCTUATION = frozenset(" -'\u2019.")
_PLAIN_NAME = re.compile(r"^[A-Za-z][A-Za-z '\u2019.-]*$")  # the common case, checked without unicodedata
_ADDRESS_CHARS = re.compile(r"^[\w ,.'\u2019/&()-]+$")
_PHONE = re.compile(r"^\+?[0-9 ]{10,16}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_LA_CODE = re.compile(r"^(?:[0-9]{3}|E(?:06|07|08|09|10|11)[0-9]{6})$")
_ORG_CODE = re.compile(r"^[A-Z0-9]{3,12}$")
_REFERENCE = re.compile(r"^[A-Z0-9]{4,20}$")
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def clean_text(value: str) -> str:
    """NFC-normalise and collapse white space, so equal names compare and index equally."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def _check_name(field_name: str, value: str) -> None:
    if not value or len(value) > MAX_NAME_LENGTH:
        raise ValidationError(field_name, f"must be 1 to {MAX_NAME_LENGTH} characters")
    if value != clean_text(value):
        raise ValidationError(field_name, "must be normalised (use clean_text)")
    if _PLAIN_NAME.match(value):
        return
    if not all(unicodedata.category(c).startswith("L") or c in _NAME_PUNCTUATION for c in value):
        raise ValidationError(
            field_name, "may hold only letters, spaces, hyphens, apostrophes and full stops"
        )
    if not any(unicodedata.category(c).startswith("L") for c in value):
        raise ValidationError(field_name, "must contain a letter")


@dataclass(frozen=True, slots=True)
class PersonName:
    """Given names (space separated, in order) and a family name."""

    given: str
    family: str

    def __post_init__(self) -> None:
        _check_name("given_name", self.given)
        _check_name("family_name", self.family)

    @classmethod
    def of(cls, given: str, family: str) -> PersonName:
        """Clean white space first, then validate."""
        return cls(clean_text(given), clean_text(family))


@dataclass(frozen=True, slots=True)
class ChildNames:
    """The current name, names used before (e.g. before a marriage in the family) and names known by."""

    current: PersonName
    former: tuple[PersonName, ...] = ()
    known_as: tuple[PersonName, ...] = ()

    def all(self) -> tuple[PersonName, ...]:
        """Every name the child may be searched or matched by."""
        return (self.current, *self.former, *self.known_as)


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """Up to four address lines, an optional town, and a postcode."""

    lines: tuple[str, ...]
    postcode: Postcode
    town: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.lines) <= 4:
            raise ValidationError("address_lines", "must have 1 to 4 lines")
        for line in (*self.lines, *((self.town,) if self.town is not None else ())):
            if not line or len(line) > MAX_ADDRESS_LINE_LENGTH or line != clean_text(line):
                raise ValidationError(
                    "address_lines", f"each must be 1 to {MAX_ADDRESS_LINE_LENGTH} characters"
                )
            if not _ADDRESS_CHARS.match(line):
                raise ValidationError(
                    "address_lines", "may hold only letters, digits and address punctuation"
                )


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Where the child lives, lived last, or that this is not known or outside England."""

    state: AddressState
    address: PostalAddress | None = None
    intent_to_return: IntentToReturn | None = None

    def __post_init__(self) -> None:
        needs_address = self.state in (AddressState.KNOWN, AddressState.LAST_KNOWN)
        if needs_address != (self.address is not None):
            raise ValidationError(
                "address",
                f"an address is {'required' if needs_address else 'not allowed'} "
                f"when the state is {self.state.value}",
            )
        if (self.state is AddressState.LEFT_ENGLAND) != (self.intent_to_return is not None):
            raise ValidationError("intent_to_return", "is given exactly when the child has left England")

    @property
    def postcode(self) -> Postcode | None:
        """The postcode, if any address is held."""
        return self.address.postcode if self.address else None


@dataclass(frozen=True, slots=True)
class ContactDetails:
    """How to reach a carer or practitioner: a phone number, an email address, or both."""

    phone: str | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        if self.phone is not None and not _PHONE.match(self.phone):
            raise ValidationError("phone", "must be a telephone number of 10 to 16 digits")
        if self.email is not None and not _EMAIL.match(self.email):
            raise ValidationError("email", "must be an email address")


@dataclass(frozen=True, slots=True)
class Carer:
    """A parent or carer: with parental responsibility or providing care."""

    name: PersonName
    relationship: Relationship
    parental_responsibility: bool
    contact: ContactDetails = field(default_factory=ContactDetails)
    address: PostalAddress | None = None


@dataclass(frozen=True, slots=True)
class Organisation:
    """A service provider: a code from its national register (URN, ODS code) and its name."""

    code: str
    name: str

    def __post_init__(self) -> None:
        if not _ORG_CODE.match(self.code):
            raise ValidationError("organisation_code", "must be 3 to 12 capital letters or digits")
        if not self.name or len(self.name) > MAX_ORGANISATION_LENGTH or not _ADDRESS_CHARS.match(self.name):
            raise ValidationError(
                "organisation_name", f"must be 1 to {MAX_ORGANISATION_LENGTH} plain characters"
            )


@dataclass(frozen=True, slots=True)
class Involvement:
    """A service working with the child: who, since when, lead professional, whether a CAF exists.

    The CAF indicator says only that an assessment exists, never what it holds.
    """

    service: ServiceType
    organisation: Organisation
    start: date
    end: date | None = None
    practitioner: PersonName | None = None
    contact: ContactDetails = field(default_factory=ContactDetails)
    lead_professional: bool = False
    caf_exists: bool = False
    sensitive_basis: SensitiveBasis | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValidationError("involvement_end", "must not be before the start")
        if self.service.is_sensitive and self.sensitive_basis is None:
            raise ValidationError(
                "sensitive_basis", "a sensitive service needs consent or the significant-harm ground"
            )
        if not self.service.is_sensitive and self.sensitive_basis is not None:
            raise ValidationError("sensitive_basis", "applies only to sensitive services")


@dataclass(frozen=True, slots=True)
class SourceIdentifier:
    """An identifier a source issued for the child (NHS number, pupil number, ...)."""

    scheme: IdentifierScheme
    value: str

    def __post_init__(self) -> None:
        if self.scheme is IdentifierScheme.NHS_NUMBER:
            # The library's checksum after a plain digit test: `nhs.is_valid` first strips separators with
            # a generic cleaner that cost a tenth of a feed row's validation, and stored values have none.
            plain = len(self.value) == 10 and self.value.isascii() and self.value.isdigit()
            if not plain or nhs.checksum(self.value) != 0:
                raise ValidationError("nhs_number", "must be 10 digits with a valid check digit")
        elif self.scheme is IdentifierScheme.UNIQUE_PUPIL_NUMBER:
            if not _UPN.match(self.value):
                raise ValidationError("unique_pupil_number", "must be a letter and 12 further characters")
        elif not _REFERENCE.match(self.value):
            raise ValidationError(self.scheme.value, "must be 4 to 20 capital letters or digits")


def check_la_code(code: str) -> str:
    """A children's services authority: its ONS code (E06/E08/E09/E10/E11...) or a three-digit number."""
    if not _LA_CODE.match(code):
        raise ValidationError("la_code", "must be an ONS local authority code or a three-digit number")
    return code


@dataclass(frozen=True, slots=True)
class RetentionExtension:
    """Consent to keep a care leaver's or a young person with learning difficulties' record to 25.

    Consent can be withdrawn; the record is then archived at the next retention run.
    """

    basis: ExtensionBasis
    consented_on: date
    withdrawn_on: date | None = None

    def __post_init__(self) -> None:
        if self.withdrawn_on is not None and self.withdrawn_on < self.consented_on:
            raise ValidationError("consent_withdrawn_on", "must not be before consent was given")


@dataclass(frozen=True, slots=True)
class Archival:
    """When and why a record was archived, and the status it had, so a shielded child stays known as one."""

    archived_on: date
    reason: ArchiveReason
    previous_status: RecordStatus

    def __post_init__(self) -> None:
        if self.previous_status in (RecordStatus.ARCHIVED, RecordStatus.SEALED):
            raise ValidationError("previous_status", "only a live record can be archived")


@dataclass(frozen=True, slots=True)
class ShieldedIdentity:
    """A shielded child's identity as it stood when the LA decided to shield them: the names, date of
    birth, gender and carers' names (no contact details) that users outside the LA team may know
    (the limited view shows the current name of these only).

    Sealed with the record, so a later change made by a source (a new name, a new carer) is never
    shown to, or searchable by, those users: it would tell them the very thing shielding hides.
    """

    names: ChildNames
    date_of_birth: date
    gender: Gender
    carers: tuple[Carer, ...] = ()
    sealed_on: date | None = None  # the decision's day; None when sealed later, by `reindex-protected`

    def __post_init__(self) -> None:
        if any(c.address is not None or c.contact != ContactDetails() for c in self.carers):
            raise ValidationError("shielded_identity", "keeps carers' names only, no contact details")


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """The minimal record ContactPoint holds for one child."""

    cp_id: ContactPointId
    names: ChildNames
    date_of_birth: date
    gender: Gender
    whereabouts: Whereabouts
    la_code: str
    status: RecordStatus = RecordStatus.ACTIVE
    carers: tuple[Carer, ...] = ()
    involvements: tuple[Involvement, ...] = ()
    identifiers: tuple[SourceIdentifier, ...] = ()
    date_of_death: date | None = None
    retention_extension: RetentionExtension | None = None
    archival: Archival | None = None
    # Created by an adoption: indexed only under fields the birth identity does not share (invariant 4).
    adoptive_identity: bool = False
    # Shielded (or archived while shielded): the identity others may see, as at the shielding decision.
    shielded_identity: ShieldedIdentity | None = None

    def __post_init__(self) -> None:
        check_la_code(self.la_code)
        if self.date_of_death is not None and self.date_of_death < self.date_of_birth:
            raise ValidationError("date_of_death", "must not be before the date of birth")
        if self.status is RecordStatus.DECEASED and self.date_of_death is None:
            raise ValidationError("date_of_death", "a deceased child's record needs the date of death")
        if self.archival is not None and self.status is not RecordStatus.ARCHIVED:
            raise ValidationError("archival", "only an archived record carries its archival")
        if len(self.carers) > 8:
            raise ValidationError("carers", "at most 8 carers")
        if len(self.involvements) > 64:
            raise ValidationError("involvements", "at most 64 involvements")
        schemes = [identifier.scheme for identifier in self.identifiers]
        if len(schemes) != len(set(schemes)):
            raise ValidationError("identifiers", "one identifier per scheme")


ANTENATAL_DAYS = 280  # health visiting and midwifery may begin before birth: at most a pregnancy earlier


def check_involvement_dates(item: Involvement, born: date, today: date) -> None:
    """An involvement happens in the child's life: it starts no earlier than a pregnancy before the
    birth and no later than today, and it ends (if it has) no later than today. A date outside these
    is a slip (0001-01-01, 2099-01-01) that would mislead whoever reads the record."""
    if item.start < born - timedelta(days=ANTENATAL_DAYS):
        raise ValidationError("start", "must not be long before the child's birth")
    if item.start > today:
        raise ValidationError("start", "must not be in the future")
    if item.end is not None and item.end > today:
        raise ValidationError("end", "must not be in the future")
