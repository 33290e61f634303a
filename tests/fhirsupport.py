"""Helpers for the FHIR tests: an organisation with a practitioner and a client system, and a real
FHIR client (fhirpy) pointed at a live server."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from fhirpy import SyncFHIRClient

from contactpoint.access.roles import Role
from contactpoint.app.accounts.client_systems import add_client_system, release_client_system
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.runtime import Runtime
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import ChildNames, ChildRecord, PersonName, PostalAddress, Whereabouts
from contactpoint.domain.vocabulary import AddressState, Gender, RecordStatus, ServiceType
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, ORG_CODE, ORG_NAME, Account, make_account, make_principal


@dataclass(frozen=True)
class Organisation:
    """A registered organisation with one practitioner and one client system."""

    practitioner: Account
    client_id: int
    key: str


def organisation(runtime: Runtime, *, code: str = ORG_CODE, la_code: str = HOME_LA) -> Organisation:
    """Register the organisation; its LA's user administrator gives it a client system, a second
    one releases it, and the key is the first administrator's half followed by the second's."""
    register_organisation(runtime, code, ORG_NAME, la_code, [ServiceType.EDUCATION])
    practitioner = make_account(runtime, Role.PRACTITIONER, la_code=la_code, org_code=code)
    admin = make_principal(runtime, Role.LA_USER_ADMIN, la_code=la_code)
    made = add_client_system(runtime, admin, f"mis-{code.lower()}", code)
    second = make_principal(runtime, Role.LA_USER_ADMIN, la_code=la_code)
    released = release_client_system(runtime, second, made.user_id)
    return Organisation(practitioner, made.user_id, made.key_half + released.key_half)


def fhir_client(
    base: str, key: str, practitioner: str, reason: AccessReason = AccessReason.ASSESSMENT
) -> SyncFHIRClient:
    """fhirpy's synchronous client, as a client system acting for `practitioner`."""
    return SyncFHIRClient(
        f"{base}/fhir",
        authorization=f"Bearer {key}",
        extra_headers={PRACTITIONER_HEADER: practitioner, REASON_HEADER: reason.value},
    )


def known_child(
    factory: ChildFactory,
    *,
    given: str = "Oliver",
    family: str = "Pemberton",
    born: date = date(2016, 4, 9),
    status: RecordStatus = RecordStatus.ACTIVE,
) -> ChildRecord:
    """A child whose name, birthday and address the test knows."""
    base = factory.child(la_code=HOME_LA, status=status)
    address = PostalAddress(("1 High Street",), Postcode.parse("LS1 4AB"), "Leeds")
    return replace(
        base,
        names=ChildNames(PersonName(given, family)),
        date_of_birth=born,
        gender=Gender.MALE,
        whereabouts=Whereabouts(AddressState.KNOWN, address),
    )
