"""The synthetic population: a seeded, streaming generator of England's families and children.

Each family is drawn from its own generator, seeded by (seed, family index), so memory stays constant
at any size and the same seed always gives the same people. A second generator per family draws what
happens during the feed generations; the generation-0 population does not depend on how many
generations are asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from contactpoint.domain.vocabulary import AddressState, Gender, ServiceType
from contactpoint.synth.calendar import REFERENCE_DATE, FeedCalendar, add_years, age_on, school_year_age
from contactpoint.synth.homes import HomeState, SchoolChoice, home_on
from contactpoint.synth.households import HOUSEHOLDS, HouseholdMembers, compose
from contactpoint.synth.identifiers import (
    Identifiers,
    child_benefit_reference,
    local_authority_reference,
    nhs_number,
    unique_pupil_number,
    youth_justice_reference,
)
from contactpoint.synth.involvements import (
    ChildCircumstances,
    Schooling,
    bounded,
    education_spells,
    existing_involvements,
    involvement_changes,
    newborn_involvements,
)
from contactpoint.synth.model import (
    Change,
    ChildLabels,
    Family,
    Household,
    Identity,
    InvolvementTruth,
    Name,
    SynthChild,
)
from contactpoint.synth.names import Community, NameBook, name_book
from contactpoint.synth.places import Address, Geography, england, random_address
from contactpoint.synth.services import LaServices, build_services
from contactpoint.synth.timeline import Timeline
from contactpoint.synth.weighted import WeightedTable, geometric_month, seeded

MAX_CHILDREN = 11_500_000
SLOTS_PER_FAMILY = 12  # key slots: 0-5 children at the extract, 6-8 later births, 9-11 adoptive identities
MAX_INITIAL_CHILDREN = 6
TWIN_RATE = 0.015  # of maternities: about 3% of children are twins
TRIPLET_RATE = 0.0002
SHIELDED_RATE = {Household.LONE_MOTHER: 0.016}
SHIELDED_RATE_OTHERWISE = 0.002
ADOPTION_RATE = 0.15  # of looked-after children under ten, within the generations
SHARED_ADDRESS_RATE = 0.01
MOVED_BEFORE_EXTRACT_RATE = 0.08
BIRTH_RATE = 0.0085  # a month, for families that can have another child
MIDDLE_NAME_RATE = 0.45
NHS_REGISTERED_RATE = 0.99
CHILD_BENEFIT_RATE = 0.95
NO_KNOWN_ADDRESS_RATE = 0.001
LAST_KNOWN_ADDRESS_RATE = 0.001

_MATERNITIES = WeightedTable([(1, 0.42), (2, 0.38), (3, 0.13), (4, 0.05), (5, 0.02)])
_GAPS = WeightedTable([(1, 0.08), (2, 0.3), (3, 0.28), (4, 0.16), (5, 0.1), (6, 0.05), (7, 0.03)])
_YOUNGEST = WeightedTable((age, 1.0 + (17 - age) * 0.2) for age in range(18))
_GENDERS = WeightedTable([(Gender.MALE, 0.512), (Gender.FEMALE, 0.4875), (Gender.NOT_SPECIFIED, 0.0005)])
_CHILD_BENEFIT_HOUSEHOLDS = {Household.FOSTER_CARE: 0.0, Household.KINSHIP_CARE: 0.8}


@dataclass(frozen=True, slots=True)
class _Draft:
    """A child before the generations happen to it."""

    slot: int
    given: str
    gender: Gender
    born: date
    born_generation: int
    twin_group: str | None
    schooling: Schooling
    nhs_registered: bool
    to_be_adopted: bool


class Population:
    """Synthetic England for `children` children at generation 0, and what happens over `generations`."""

    def __init__(self, children: int, seed: int, generations: int = 0, reference: date = REFERENCE_DATE) -> None:
        if not 1 <= children <= MAX_CHILDREN:
            raise ValueError(f"children must be between 1 and {MAX_CHILDREN:,}")
        if seed < 0:
            raise ValueError("seed must not be negative")
        self.children = children
        self.seed = seed
        self.calendar = FeedCalendar(generations, reference)
        self.geography: Geography = england()
        self.services: dict[str, LaServices] = build_services(self.geography, children)
        self.book: NameBook = name_book()
        self._timeline = Timeline(self.geography, self.services, self.book, self.calendar)
        self._salt = seed * 7919

    def families(self) -> Iterator[Family]:
        """Every family in order; their children at generation 0 add up to exactly `children`."""
        remaining = self.children
        index = 0
        previous: Address | None = None
        while remaining > 0:
            family, address = self._family(index, remaining, previous)
            remaining -= sum(1 for child in family.children if child.born_generation == 0)
            previous = address or previous
            index += 1
            yield family

    def _family(self, index: int, remaining: int, previous: Address | None) -> tuple[Family, Address | None]:
        rng = seeded(self.seed, index, 0)
        book = self.book
        household = HOUSEHOLDS.pick(rng)
        community = book.community(rng)
        given_from = book.given_names_source(community, rng)
        shared = previous is not None and rng.random() < SHARED_ADDRESS_RATE
        if shared and previous is not None:
            services = self.services[previous.la_code]
            address: Address | None = previous
        else:
            services = self.services[self.geography.table.pick(rng).code]
            address = random_address(services.la, rng)
        members = compose(household, community, book, services.la, rng)
        shielded = household is not Household.FOSTER_CARE and rng.random() < SHIELDED_RATE.get(
            household, SHIELDED_RATE_OTHERWISE)
        state = AddressState.KNOWN
        roll = rng.random()
        if roll < NO_KNOWN_ADDRESS_RATE and not shared:
            state, address = AddressState.NO_KNOWN_ADDRESS, None
        elif roll < NO_KNOWN_ADDRESS_RATE + LAST_KNOWN_ADDRESS_RATE:
            state = AddressState.LAST_KNOWN
        moved_before = rng.random() < (0.5 if shielded else MOVED_BEFORE_EXTRACT_RATE)
        previous_address = None
        gp_since: date | None = None
        if moved_before and address is not None:
            other = rng.random() < 0.3
            previous_la = self.geography.table.pick(rng) if other else services.la
            previous_address = random_address(previous_la, rng)
            gp_since = self.calendar.reference - timedelta(days=1 + rng.randrange(365)) if other else None
        home = HomeState(0, self.calendar.reference, Change.INITIAL, state, address, None, services,
                         members.carers, members.children_surname, services.pick(services.gp_practices, rng),
                         gp_since, SchoolChoice.choose(services, rng))
        drafts = self._drafts(index, household, given_from, remaining, rng)
        claims = rng.random() < _CHILD_BENEFIT_HOUSEHOLDS.get(household, CHILD_BENEFIT_RATE)
        looked_after = household is Household.FOSTER_CARE
        initial = [
            (draft, existing_involvements(self._circumstances(draft, looked_after, shielded), home,
                                          self.calendar, rng))
            for draft in drafts
        ]
        homes: tuple[HomeState, ...] = (home,)
        adoptions: dict[int, HomeState] = {}
        if self.calendar.generations > 0:
            events = seeded(self.seed, index, 1)
            homes = self._timeline.homes(home, household, community, shielded, events)
            drafts.extend(self._births(index, homes, members, household, given_from, drafts, events))
            initial.extend((draft, newborn_involvements(draft.born, home_on(homes, draft.born), events))
                           for draft in drafts[len(initial):])
            for draft, _ in initial:
                if draft.to_be_adopted:
                    month = 1 + events.randrange(self.calendar.generations)
                    if all(h.in_england for h in homes if h.since <= month):
                        adoptions[draft.slot] = self._timeline.adoptive_home(home_on(homes, date.max), month,
                                                                             events)
        else:
            events = rng
        family_id = f"F{index:08d}"
        children = tuple(
            self._child(index, family_id, draft, involvements, homes, adoptions.get(draft.slot), household,
                        community, shielded, looked_after, claims, shared, previous_address, events)
            for draft, involvements in initial
        )
        return Family(family_id, index, household, children), address

    def _circumstances(self, draft: _Draft, looked_after: bool, shielded: bool) -> ChildCircumstances:
        return ChildCircumstances(draft.born, looked_after, shielded, add_years(draft.born, 18))

    def _drafts(self, index: int, household: Household, names: Community, remaining: int,
                rng: Random) -> list[_Draft]:
        reference = self.calendar.reference
        if household is Household.FOSTER_CARE:
            maternities, youngest = (1 if rng.random() < 0.7 else 2), rng.randrange(16)
        else:
            maternities, youngest = _MATERNITIES.pick(rng), _YOUNGEST.pick(rng)
        limit = min(remaining, 3 if household is Household.FOSTER_CARE else MAX_INITIAL_CHILDREN)
        drafts: list[_Draft] = []
        taken: set[str] = set()
        age = youngest
        for maternity in range(maternities):
            if age > 17 or len(drafts) >= limit:
                break
            born = reference - timedelta(days=int((age + rng.random()) * 365.2425))
            if age_on(born, reference) > 17:
                born = add_years(reference, -18) + timedelta(days=1)
            roll = rng.random()
            size = 3 if roll < TRIPLET_RATE else 2 if roll < TRIPLET_RATE + TWIN_RATE else 1
            size = min(size, limit - len(drafts))
            group = f"T{index:08d}{maternity}" if size > 1 else None
            for _ in range(size):
                drafts.append(self._draft(len(drafts), names, born, 0, group, taken, household, rng))
            age += _GAPS.pick(rng)
        return drafts

    def _draft(self, slot: int, names: Community, born: date, born_generation: int, twin_group: str | None,
               taken: set[str], household: Household, rng: Random) -> _Draft:
        gender = _GENDERS.pick(rng)
        first = names.child_given(gender, rng)
        while first in taken:
            first = names.child_given(gender, rng)
        taken.add(first)
        given = first
        if rng.random() < MIDDLE_NAME_RATE:
            middle = names.child_given(gender, rng)
            if middle != first:
                given = f"{first} {middle}"
        schooling = Schooling.draw(rng)
        registered = rng.random() < NHS_REGISTERED_RATE
        adoptable = (household is Household.FOSTER_CARE and slot < 3 and born_generation == 0
                     and age_on(born, self.calendar.reference) < 10)
        return _Draft(slot, given, gender, born, born_generation, twin_group, schooling, registered,
                      adoptable and rng.random() < ADOPTION_RATE)

    def _births(self, index: int, homes: tuple[HomeState, ...], members: HouseholdMembers,
                household: Household, names: Community, drafts: list[_Draft], events: Random) -> list[_Draft]:
        if not members.has_mother or household in (Household.FOSTER_CARE, Household.KINSHIP_CARE):
            return []
        month = geometric_month(events, BIRTH_RATE, self.calendar.generations)
        if not month or not home_on(homes, self.calendar.date_of(month)).in_england:
            return []
        born = self.calendar.day_in(month, events)
        roll = events.random()
        size = 3 if roll < TRIPLET_RATE else 2 if roll < TRIPLET_RATE + TWIN_RATE else 1
        group = f"T{index:08d}b" if size > 1 else None
        taken = {draft.given.split(" ", 1)[0] for draft in drafts}
        return [self._draft(MAX_INITIAL_CHILDREN + n, names, born, month, group, taken, household, events)
                for n in range(size)]

    def _child(self, index: int, family_id: str, draft: _Draft, initial: list[InvolvementTruth],
               family_homes: tuple[HomeState, ...], adoptive: HomeState | None, household: Household,
               community: Community, shielded: bool, looked_after: bool, claims: bool, shared: bool,
               previous_address: Address | None, events: Random) -> SynthChild:
        key = index * SLOTS_PER_FAMILY + draft.slot
        calendar = self.calendar
        born_day = max(draft.born, calendar.reference)
        homes = tuple(h for h in family_homes if h.day > born_day or h is home_on(family_homes, born_day))
        if adoptive is not None:
            homes = (*(h for h in homes if h.day < adoptive.day), adoptive)
        circumstances = self._circumstances(draft, looked_after, shielded)
        involvements = list(initial)
        if calendar.generations > 0:
            involvements = involvement_changes(circumstances, involvements, homes, calendar, events)
        involvements = bounded(involvements, circumstances, homes, calendar)
        involvements += education_spells(draft.born, draft.schooling, homes, born_day, calendar)
        birth_ids = self._identifiers(key, index, draft, homes[0], claims, involvements, adoptive=False)
        identities = []
        former: tuple[Name, ...] = ()
        new_given = draft.given
        if adoptive is not None and events.random() < 0.15:
            new_given = self.book.given_names_source(self.book.community(events), events).child_given(
                draft.gender, events)
        for home in homes:
            given = new_given if home.adoptive else draft.given
            name = Name(given, home.surname)
            if identities and not home.adoptive and name != identities[-1].name:
                former = (*former, identities[-1].name)
            identifiers = birth_ids
            if home.adoptive:
                former = ()
                identifiers = self._identifiers(index * SLOTS_PER_FAMILY + 9 + draft.slot, index, draft, home,
                                                True, involvements, adoptive=True)
            identities.append(Identity(
                max(home.since, draft.born_generation), Change.BIRTH if home.day <= born_day and
                draft.born_generation else home.cause, name, former, home.state, home.address, home.la_code,
                home.intent, home.carers, identifiers, home.gp if draft.nhs_registered else None,
                home.gp_since or draft.born, home.adoptive))
        leave = next((h.since for h in homes if not h.in_england), None)
        eighteenth = calendar.generation_of(circumstances.eighteenth)
        first = identities[0].name
        labels = ChildLabels(
            household=household, community=community.key, shielded=shielded, looked_after=looked_after,
            twin_group=draft.twin_group,
            adopted_generation=adoptive.since if adoptive is not None else None,
            turns_18_generation=eighteenth if 0 < eighteenth <= calendar.generations else None,
            left_england_generation=leave, moved_before_extract=previous_address is not None,
            shared_address=shared, common_name=self.book.is_common(first.first, first.family),
        )
        person_id = f"P{index:08d}{draft.slot:02d}"
        return SynthChild(person_id, key, family_id, draft.born, draft.gender, draft.born_generation,
                          tuple(identities), tuple(involvements), labels, previous_address, claims)

    def _identifiers(self, key: int, index: int, draft: _Draft, home: HomeState, claims: bool,
                     involvements: list[InvolvementTruth], *, adoptive: bool) -> Identifiers:
        salt = self._salt
        services = {involvement.service for involvement in involvements if involvement.adoptive == adoptive}
        schooled = (not draft.schooling.independent and not draft.schooling.home_educated
                    and school_year_age(draft.born, self.calendar.last_date) >= 2)
        if adoptive:
            benefit = child_benefit_reference(key, 0, salt + 3, adoptive=True)
        else:
            benefit = child_benefit_reference(index, draft.slot, salt + 3) if claims else None
        return Identifiers(
            nhs_number(key, salt + 1) if draft.nhs_registered else None,
            unique_pupil_number(key, home.la_code, salt + 2) if schooled else None,
            benefit,
            None if adoptive or ServiceType.SOCIAL_CARE not in services else local_authority_reference(
                key, home.la_code, salt + 4),
            None if adoptive or ServiceType.YOUTH_OFFENDING not in services else youth_justice_reference(
                key, salt + 5),
        )


def iter_families(children: int, seed: int, generations: int = 0) -> Iterator[Family]:
    """Stream the families of a synthetic population."""
    return Population(children, seed, generations).families()


def iter_children(children: int, seed: int, generations: int = 0, *,
                  include_later_births: bool = False) -> Iterator[SynthChild]:
    """Stream exactly `children` synthetic children (those alive at generation 0), in family order.

    With `include_later_births`, babies born during the generations follow their siblings.
    """
    for family in iter_families(children, seed, generations):
        for child in family.children:
            if include_later_births or child.born_generation == 0:
                yield child
