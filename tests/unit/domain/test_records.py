from dataclasses import replace
from datetime import date

import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    ContactDetails,
    Involvement,
    Organisation,
    PersonName,
    PostalAddress,
    SourceIdentifier,
    Whereabouts,
)
from contactpoint.domain.vocabulary import (
    AddressState,
    IdentifierScheme,
    IntentToReturn,
    SensitiveBasis,
    ServiceType,
)

SCHOOL = Organisation("100001", "Riverside Primary School")


@pytest.mark.parametrize("given", ["Zoë", "Mary-Jane", "D'Arcy", "Siân", "Jean Paul", "St. John", "Ōkubo"])
def test_names_of_many_traditions_are_accepted(given):
    assert PersonName.of(given, "Smith").given == given


@pytest.mark.parametrize(
    "given",
    ["", "x" * 71, "Child at risk: see notes", "Bob1", "Ann (mum says)", "<script>", "...", "Ann\nnotes"],
)
def test_names_reject_anything_like_free_text(given):
    with pytest.raises(ValidationError, match="given_name"):
        PersonName(given, "Smith")


def test_names_are_cleaned_of_extra_white_space():
    assert PersonName.of("  Amy   Rose ", " Smith ") == PersonName("Amy Rose", "Smith")


def test_a_known_address_needs_an_address_and_others_refuse_one():
    address = PostalAddress(("1 High Street",), Postcode.parse("M1 1AE"))
    assert Whereabouts(AddressState.KNOWN, address).postcode == Postcode.parse("M1 1AE")
    assert Whereabouts(AddressState.NO_KNOWN_ADDRESS).postcode is None
    with pytest.raises(ValidationError):
        Whereabouts(AddressState.KNOWN)
    with pytest.raises(ValidationError):
        Whereabouts(AddressState.NO_KNOWN_ADDRESS, address)


def test_left_england_requires_intent_to_return_and_only_then():
    assert Whereabouts(AddressState.LEFT_ENGLAND, intent_to_return=IntentToReturn.UNKNOWN)
    with pytest.raises(ValidationError, match="intent_to_return"):
        Whereabouts(AddressState.LEFT_ENGLAND)
    with pytest.raises(ValidationError, match="intent_to_return"):
        Whereabouts(AddressState.NO_KNOWN_ADDRESS, intent_to_return=IntentToReturn.YES)


def test_address_lines_refuse_notes():
    with pytest.raises(ValidationError):
        PostalAddress(("1 High Street; dad violent, do not disclose!",), Postcode.parse("M1 1AE"))


def test_sensitive_services_need_a_basis_and_others_refuse_one():
    start = date(2025, 1, 1)
    Involvement(ServiceType.SEXUAL_HEALTH, SCHOOL, start, sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON)
    with pytest.raises(ValidationError, match="sensitive_basis"):
        Involvement(ServiceType.SEXUAL_HEALTH, SCHOOL, start)
    with pytest.raises(ValidationError, match="sensitive_basis"):
        Involvement(ServiceType.EDUCATION, SCHOOL, start, sensitive_basis=SensitiveBasis.SIGNIFICANT_HARM)


def test_an_involvement_cannot_end_before_it_starts():
    with pytest.raises(ValidationError, match="end"):
        Involvement(ServiceType.GP, SCHOOL, date(2025, 1, 2), end=date(2025, 1, 1))


@pytest.mark.parametrize(
    "written",
    ["9434765918", "943 476 5919", "943-476-5919", "943476591", "94347659190", "\u0669434765919", ""],
)
def test_nhs_numbers_are_ten_plain_digits_with_a_valid_check_digit(written):
    assert SourceIdentifier(IdentifierScheme.NHS_NUMBER, "9434765919")
    with pytest.raises(ValidationError, match="nhs_number"):
        SourceIdentifier(IdentifierScheme.NHS_NUMBER, written)


def test_contact_details_are_validated():
    with pytest.raises(ValidationError, match="phone"):
        ContactDetails(phone="call after 6pm")
    with pytest.raises(ValidationError, match="email"):
        ContactDetails(email="not an email")


def test_a_record_holds_one_identifier_per_scheme(factory):
    child = factory.child()
    with pytest.raises(ValidationError, match="identifiers"):
        replace(child, identifiers=child.identifiers * 2)


def test_la_codes_are_three_digits(factory):
    with pytest.raises(ValidationError, match="la_code"):
        replace(factory.child(), la_code="Leeds")
