"""Who a child lives with: the carers of each kind of household, and the surname the children take."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from contactpoint.domain.vocabulary import Relationship
from contactpoint.synth.contacts import email_address, landline_number, mobile_number
from contactpoint.synth.model import CarerTruth, Contact, Household, Name
from contactpoint.synth.names import Community, NameBook
from contactpoint.synth.places import Address, LocalAuthority, random_address
from contactpoint.synth.weighted import WeightedTable

HOUSEHOLDS: WeightedTable[Household] = WeightedTable(
    [
        (Household.MARRIED_COUPLE, 0.45),
        (Household.COHABITING_COUPLE, 0.19),
        (Household.SAME_SEX_COUPLE, 0.01),
        (Household.LONE_MOTHER, 0.215),
        (Household.LONE_FATHER, 0.025),
        (Household.STEP_FAMILY, 0.08),
        (Household.KINSHIP_CARE, 0.015),
        (Household.FOSTER_CARE, 0.012),
    ]
)
NON_RESIDENT_PARENT_RATE = 0.35


@dataclass(frozen=True, slots=True)
class HouseholdMembers:
    """The carers of a household and the family name its children have."""

    carers: tuple[CarerTruth, ...]
    children_surname: str
    has_mother: bool


def carer(
    name: Name,
    relationship: Relationship,
    responsibility: bool,
    rng: Random,
    *,
    la: LocalAuthority,
    address: Address | None = None,
) -> CarerTruth:
    """A carer with the contact details people typically give."""
    roll = rng.random()
    if roll < 0.8:
        phone: str | None = mobile_number(rng)
    elif roll < 0.92:
        phone = landline_number(rng, la.phone_area)
    else:
        phone = None
    email = email_address(name.first, name.family, rng) if rng.random() < 0.55 else None
    return CarerTruth(name, relationship, responsibility, Contact(phone, email), address)


def _person(community: Community, female: bool, family: str, rng: Random) -> Name:
    return Name(community.adult_given(female, rng), family)


def _joined(first: str, second: str, rng: Random) -> str:
    """A double-barrelled surname: hyphenated, or two words as some families write it."""
    return f"{first}-{second}" if rng.random() < 0.85 else f"{first} {second}"


def compose(
    household: Household, community: Community, book: NameBook, la: LocalAuthority, rng: Random
) -> HouseholdMembers:
    """The carers of a new household of that kind, and the children's surname."""
    surname = community.surnames.pick(rng)
    if household is Household.MARRIED_COUPLE:
        return HouseholdMembers(
            (
                carer(_person(community, True, surname, rng), Relationship.MOTHER, True, rng, la=la),
                carer(_person(community, False, surname, rng), Relationship.FATHER, True, rng, la=la),
            ),
            surname,
            True,
        )
    if household is Household.COHABITING_COUPLE:
        mothers = community.surnames.pick(rng)
        roll = rng.random()
        children = surname if roll < 0.6 else mothers if roll < 0.85 else _joined(surname, mothers, rng)
        return HouseholdMembers(
            (
                carer(_person(community, True, mothers, rng), Relationship.MOTHER, True, rng, la=la),
                carer(_person(community, False, surname, rng), Relationship.FATHER, True, rng, la=la),
            ),
            children,
            True,
        )
    if household is Household.SAME_SEX_COUPLE:
        female = rng.random() < 0.6
        partner = community.surnames.pick(rng) if rng.random() < 0.5 else surname
        first, second = (
            (Relationship.MOTHER, Relationship.PARENT)
            if female
            else (Relationship.FATHER, Relationship.PARENT)
        )
        return HouseholdMembers(
            (
                carer(_person(community, female, surname, rng), first, True, rng, la=la),
                carer(_person(community, female, partner, rng), second, True, rng, la=la),
            ),
            surname,
            female,
        )
    if household in (Household.LONE_MOTHER, Household.LONE_FATHER, Household.STEP_FAMILY):
        return _lone_or_step(household, community, surname, la, rng)
    if household is Household.KINSHIP_CARE:
        guardian = rng.random() < 0.4
        relationship = Relationship.SPECIAL_GUARDIAN if guardian else Relationship.GRANDPARENT
        kin = surname if rng.random() < 0.6 else community.surnames.pick(rng)
        carers = [carer(_person(community, True, kin, rng), relationship, guardian, rng, la=la)]
        if rng.random() < 0.5:
            carers.append(carer(_person(community, False, kin, rng), relationship, guardian, rng, la=la))
        return HouseholdMembers(tuple(carers), surname, False)
    return _foster(book, la, surname, rng)


def _lone_or_step(
    household: Household, community: Community, surname: str, la: LocalAuthority, rng: Random
) -> HouseholdMembers:
    mother_lives_in = household is not Household.LONE_FATHER
    resident_surname = community.surnames.pick(rng) if rng.random() < 0.45 else surname
    absent_surname = surname
    resident = carer(
        _person(community, mother_lives_in, resident_surname, rng),
        Relationship.MOTHER if mother_lives_in else Relationship.FATHER,
        True,
        rng,
        la=la,
    )
    roll = rng.random()
    children = (
        absent_surname
        if roll < 0.5
        else resident_surname
        if roll < 0.9
        else _joined(absent_surname, resident_surname, rng)
    )
    carers = [resident]
    if household is Household.STEP_FAMILY:
        step_surname = community.surnames.pick(rng)
        carers.append(
            carer(
                _person(community, False, step_surname, rng),
                Relationship.STEP_PARENT,
                rng.random() < 0.3,
                rng,
                la=la,
            )
        )
        if rng.random() < 0.2:
            children = step_surname
    if rng.random() < NON_RESIDENT_PARENT_RATE:
        elsewhere = random_address(la, rng)
        carers.append(
            carer(
                _person(community, not mother_lives_in, absent_surname, rng),
                Relationship.FATHER if mother_lives_in else Relationship.MOTHER,
                True,
                rng,
                la=la,
                address=elsewhere,
            )
        )
    return HouseholdMembers(tuple(carers), children, mother_lives_in)


def _foster(book: NameBook, la: LocalAuthority, birth_surname: str, rng: Random) -> HouseholdMembers:
    fosterers = book.community(rng)
    surname = fosterers.surnames.pick(rng)
    carers = [carer(_person(fosterers, True, surname, rng), Relationship.FOSTER_CARER, False, rng, la=la)]
    if rng.random() < 0.6:
        carers.append(
            carer(_person(fosterers, False, surname, rng), Relationship.FOSTER_CARER, False, rng, la=la)
        )
    return HouseholdMembers(tuple(carers), birth_surname, False)


def adopters(book: NameBook, la: LocalAuthority, rng: Random) -> HouseholdMembers:
    """The adoptive parents of a child: always a new surname."""
    community = book.community(rng)
    surname = community.surnames.pick(rng)
    carers = [carer(_person(community, True, surname, rng), Relationship.MOTHER, True, rng, la=la)]
    if rng.random() < 0.8:
        carers.append(carer(_person(community, False, surname, rng), Relationship.FATHER, True, rng, la=la))
    return HouseholdMembers(tuple(carers), surname, True)


def married_name(
    members: tuple[CarerTruth, ...], community: Community, la: LocalAuthority, rng: Random, current: str
) -> tuple[tuple[CarerTruth, ...], str]:
    """The resident parent marries: takes the new spouse's surname (not the `current` one: that would
    change no name), and the spouse joins the household."""
    new_surname = community.surnames.pick(rng)
    while new_surname == current:
        new_surname = community.surnames.pick(rng)
    carers = []
    marrying_female = True
    for member in members:
        if member.relationship is Relationship.STEP_PARENT:
            continue
        if member.relationship in (Relationship.MOTHER, Relationship.FATHER) and member.address is None:
            marrying_female = member.relationship is Relationship.MOTHER
            carers.append(
                CarerTruth(
                    Name(member.name.given, new_surname),
                    member.relationship,
                    member.parental_responsibility,
                    member.contact,
                    None,
                )
            )
        else:
            carers.append(member)
    spouse = carer(
        _person(community, not marrying_female, new_surname, rng),
        Relationship.STEP_PARENT,
        rng.random() < 0.3,
        rng,
        la=la,
    )
    return (*carers, spouse), new_surname
