"""Synthetic children as domain records, for loading a synthetic population straight into the index.

The conversion uses the child's true, error-free identity. Organisations, practitioners, addresses and
carers are shared between children (siblings share a home and carers), so their validated domain
objects are cached: validating a name is the slow part of building a record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    ChildRecord,
    ContactDetails,
    Involvement,
    Organisation,
    PersonName,
    PostalAddress,
    SourceIdentifier,
    Whereabouts,
)
from contactpoint.domain.vocabulary import AddressState, IdentifierScheme, RecordStatus, ServiceType
from contactpoint.synth.calendar import REFERENCE_DATE, FeedCalendar
from contactpoint.synth.model import CarerTruth, Identity, InvolvementTruth, SynthChild
from contactpoint.synth.places import Address
from contactpoint.synth.population import iter_children
from contactpoint.synth.services import CENSUS_KINDS, Org, Practitioner

_organisations: dict[str, Organisation] = {}
_practitioners: dict[Practitioner, tuple[PersonName, ContactDetails]] = {}
_org_contacts: dict[str, ContactDetails] = {}


class _LastOne:
    """A one-entry cache keyed by object identity: siblings come one after another and share objects."""

    __slots__ = ("_key", "_value")

    def __init__(self) -> None:
        self._key: object = None
        self._value: object = None

    def get(self, key: object) -> object:
        return self._value if key is self._key and key is not None else None

    def put(self, key: object, value: object) -> None:
        self._key, self._value = key, value


_last_address = _LastOne()
_last_carers = _LastOne()


def _organisation(org: Org) -> Organisation:
    found = _organisations.get(org.code)
    if found is None:
        found = _organisations[org.code] = Organisation(org.code, org.name)
    return found


def _org_contact(org: Org) -> ContactDetails:
    found = _org_contacts.get(org.code)
    if found is None:
        found = _org_contacts[org.code] = ContactDetails(org.phone, org.email)
    return found


def _practitioner(practitioner: Practitioner) -> tuple[PersonName, ContactDetails]:
    found = _practitioners.get(practitioner)
    if found is None:
        found = _practitioners[practitioner] = (
            PersonName(practitioner.given, practitioner.family),
            ContactDetails(practitioner.phone, practitioner.email),
        )
    return found


def _postal(address: Address) -> PostalAddress:
    cached = _last_address.get(address)
    if isinstance(cached, PostalAddress):
        return cached
    postal = PostalAddress(address.lines, Postcode(address.postcode), address.town)
    _last_address.put(address, postal)
    return postal


def _carer(carer: CarerTruth) -> Carer:
    return Carer(
        PersonName(carer.name.given, carer.name.family),
        carer.relationship,
        carer.parental_responsibility,
        ContactDetails(carer.contact.phone, carer.contact.email),
        _postal(carer.address) if carer.address is not None else None,
    )


def _carers(carers: tuple[CarerTruth, ...]) -> tuple[Carer, ...]:
    cached = _last_carers.get(carers)
    if isinstance(cached, tuple):
        return cached
    converted = tuple(_carer(carer) for carer in carers)
    _last_carers.put(carers, converted)
    return converted


def _whereabouts(identity: Identity) -> Whereabouts:
    state = identity.state
    if state in (AddressState.KNOWN, AddressState.LAST_KNOWN) and identity.address is not None:
        return Whereabouts(state, _postal(identity.address))
    if state is AddressState.LEFT_ENGLAND:
        return Whereabouts(state, intent_to_return=identity.intent_to_return)
    return Whereabouts(AddressState.NO_KNOWN_ADDRESS)


def _involvement(involvement: InvolvementTruth) -> Involvement:
    practitioner = involvement.practitioner
    if practitioner is not None:
        name, contact = _practitioner(practitioner)
    else:
        name, contact = None, _org_contact(involvement.org)
    return Involvement(
        involvement.service,
        _organisation(involvement.org),
        involvement.start,
        None,
        name,
        contact,
        involvement.lead_professional,
        involvement.caf_exists,
        involvement.sensitive_basis,
    )


def _identifiers(
    identity: Identity, involvements: list[InvolvementTruth], day: date
) -> tuple[SourceIdentifier, ...]:
    ids = identity.identifiers
    started = [i for i in involvements if i.start <= day]
    found = []
    if ids.nhs_number is not None and identity.gp is not None:
        found.append(SourceIdentifier(IdentifierScheme.NHS_NUMBER, ids.nhs_number))
    if ids.unique_pupil_number is not None and any(
        i.service is ServiceType.EDUCATION and i.org.kind in CENSUS_KINDS for i in started
    ):
        found.append(SourceIdentifier(IdentifierScheme.UNIQUE_PUPIL_NUMBER, ids.unique_pupil_number))
    if ids.child_benefit is not None:
        found.append(SourceIdentifier(IdentifierScheme.CHILD_BENEFIT_REFERENCE, ids.child_benefit))
    if ids.local_authority is not None and any(i.service is ServiceType.SOCIAL_CARE for i in started):
        found.append(SourceIdentifier(IdentifierScheme.LOCAL_AUTHORITY_REFERENCE, ids.local_authority))
    if ids.youth_justice is not None and any(i.service is ServiceType.YOUTH_OFFENDING for i in started):
        found.append(SourceIdentifier(IdentifierScheme.YOUTH_JUSTICE_REFERENCE, ids.youth_justice))
    return tuple(found)


def to_child_record(
    child: SynthChild, cp_id: ContactPointId, *, generation: int = 0, reference: date = REFERENCE_DATE
) -> ChildRecord:
    """The child's record as the index should hold it at `generation`: true identity, open involvements.

    Shielded children get status SHIELDED. An adopted child's record after the adoption is the adoptive
    identity only (the index gives it a new ContactPoint ID; nothing of the birth identity is carried).
    """
    identity = child.identity_at(generation)
    day = max(FeedCalendar(generation, reference).date_of(generation), child.date_of_birth)
    own = [i for i in child.involvements if i.adoptive == identity.adoptive]
    involvements = [_involvement(i) for i in own if i.active_on(day)]
    if identity.gp is not None:
        involvements.append(
            Involvement(
                ServiceType.GP,
                _organisation(identity.gp),
                min(identity.gp_since, day),
                contact=_org_contact(identity.gp),
            )
        )
    name = identity.name
    return ChildRecord(
        cp_id=cp_id,
        names=ChildNames(
            PersonName(name.given, name.family),
            tuple(PersonName(former.given, former.family) for former in identity.former_names),
        ),
        date_of_birth=child.date_of_birth,
        gender=child.gender,
        whereabouts=_whereabouts(identity),
        la_code=identity.la_code,
        status=RecordStatus.SHIELDED if child.labels.shielded else RecordStatus.ACTIVE,
        carers=_carers(identity.carers),
        involvements=tuple(involvements),
        identifiers=_identifiers(identity, own, day),
    )


def synthetic_children(children: int, seed: int) -> Iterator[SynthChild]:
    """Stream the `children` children of a synthetic population as they are at generation 0."""
    return iter_children(children, seed)


def synthetic_records(children: int, seed: int) -> Iterator[tuple[SynthChild, ChildRecord]]:
    """Each synthetic child with its record under a fresh random ContactPoint ID.

    The store decides what is unique; a collision among fresh IDs is as unlikely here as anywhere.
    """
    for child in iter_children(children, seed):
        yield child, to_child_record(child, ContactPointId.generate())
