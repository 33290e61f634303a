"""Synthetic child records for tests: made-up names and addresses from Faker en_GB, seeded."""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.postcodes import Postcode, is_valid_postcode
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
    clean_text,
)
from contactpoint.domain.vocabulary import (
    AddressState,
    Gender,
    IdentifierScheme,
    RecordStatus,
    Relationship,
    SensitiveBasis,
    ServiceType,
)

TODAY = date(2026, 11, 23)
LA_CODES = ("201", "202", "330", "353", "873", "926", "938")


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


class ChildFactory:
    """Builds valid, varied records; the same seed gives the same records."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)

    def _name_part(self, making: str) -> str:
        while True:
            value = clean_text(getattr(self.fake, making)())
            try:
                PersonName(value, value)
            except ValidationError:
                continue
            return value

    def name(self) -> PersonName:
        """A made-up given and family name."""
        return PersonName(self._name_part("first_name"), self._name_part("last_name"))

    def postcode(self) -> Postcode:
        """A postcode of valid format."""
        while True:
            text = self.fake.postcode()
            if is_valid_postcode(text):
                return Postcode.parse(text)

    def address(self) -> PostalAddress:
        """A made-up postal address."""
        line = clean_text(self.fake.street_address().replace("\n", ", "))
        return PostalAddress((line,), self.postcode(), clean_text(self.fake.city()))

    def involvement(self, service: ServiceType) -> Involvement:
        """An open involvement of the given service."""
        return Involvement(
            service=service,
            organisation=Organisation(f"ORG{self.rng.randrange(10_000, 99_999)}", "Riverside Primary School"),
            start=TODAY - timedelta(days=self.rng.randrange(30, 2000)),
            practitioner=self.name(),
            contact=ContactDetails(phone=f"01632 960{self.rng.randrange(100, 999)}"),
            lead_professional=self.rng.random() < 0.2,
            caf_exists=self.rng.random() < 0.1,
            sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON if service.is_sensitive else None,
        )

    def child(
        self,
        cp_id: ContactPointId | None = None,
        *,
        status: RecordStatus = RecordStatus.ACTIVE,
        la_code: str | None = None,
    ) -> ChildRecord:
        """A record with carers, involvements and identifiers."""
        family = self._name_part("last_name")
        given = self._name_part("first_name")
        former = (PersonName(given, self._name_part("last_name")),) if self.rng.random() < 0.1 else ()
        carer_contact = ContactDetails(
            phone=f"07700 900{self.rng.randrange(100, 999)}",
            email=f"carer{self.rng.randrange(10**6)}@example.org",
        )
        born = TODAY - timedelta(days=self.rng.randrange(0, 18 * 365))
        return ChildRecord(
            cp_id=cp_id or ContactPointId.generate(),
            names=ChildNames(PersonName(given, family), former),
            date_of_birth=born,
            gender=self.rng.choice(list(Gender)),
            whereabouts=Whereabouts(AddressState.KNOWN, self.address()),
            la_code=la_code or self.rng.choice(LA_CODES),
            status=status,
            carers=(
                Carer(
                    PersonName(self._name_part("first_name"), family),
                    self.rng.choice([Relationship.MOTHER, Relationship.FATHER, Relationship.GRANDPARENT]),
                    True,
                    carer_contact,
                ),
            ),
            involvements=(
                self.involvement(ServiceType.EDUCATION),
                self.involvement(ServiceType.GP),
                *((self.involvement(ServiceType.CAMHS),) if self.rng.random() < 0.05 else ()),
            ),
            identifiers=(SourceIdentifier(IdentifierScheme.NHS_NUMBER, _nhs_number(self.rng)),),
            date_of_death=max(born, TODAY - timedelta(days=30)) if status is RecordStatus.DECEASED else None,
        )
