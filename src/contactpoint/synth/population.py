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

from contactpoint.domain.vocabulary import AddressState, Gender
from contactpoint.synth.calendar import REFERENCE_DATE, FeedCalendar, add_years, age_on
from contactpoint.synth.homes import HomeState, SchoolChoice, home_on
from contactpoint.synth.households import HOUSEHOLDS, compose
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
    adoptive_involvements,
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
from contactpoint.synth.weighted import BLOCK, WeightedTable, block_rng, geometric_month

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
# Age of a family's youngest child, fitted so that children of every age 0-17 are about equally many.
_YOUNGEST = WeightedTable(
    enumerate(
        (
            1.0,
            0.95,
            0.78,
            0.64,
            0.57,
            0.52,
            0.52,
            0.52,
            0.52,
            0.53,
            0.53,
            0.54,
            0.54,
            0.53,
            0.53,
            0.53,
            0.54,
            0.52,
        )
    )
)
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


@dataclass(frozen=True, slots=True)
class _FamilyContext:
    """What a family's children share."""

    index: int
    family_id: str
    household: Household
    community: Community
    shielded: bool
    looked_after: bool
    claims: bool
    shared: bool
    previous_address: Address | None
    homes: tuple[HomeState, ...]


class Population:
    """Synthetic England for `children` children at generation 0, and what happens over `generations`."""

    def __init__(
        self, children: int, seed: int, generations: int = 0, reference: date = REFERENCE_DATE
    ) -> None:
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
        block = 0
        while remaining > 0:
            for family in self.block(block, remaining):
                remaining -= sum(1 for child in family.children if child.born_generation == 0)
                yield family
            block += 1

    def block(self, block: int, remaining: int = MAX_CHILDREN) -> Iterator[Family]:
        """The families of one block (see `block_rng`), stopping once `remaining` children are made."""
        first = block * BLOCK
        identity_rng, events_rng = block_rng(self.seed, first, 0), block_rng(self.seed, first, 1)
        previous: Address | None = None
        for index in range(first, first + BLOCK):
            if remaining <= 0:
                return
            family, previous = self._family(index, remaining, previous, identity_rng, events_rng)
            remaining -= sum(1 for child in family.children if child.born_generation == 0)
            yield family

    def _family(
        self, index: int, remaining: int, previous: Address | None, rng: Random, events: Random
    ) -> tuple[Family, Address | None]:
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
            household, SHIELDED_RATE_OTHERWISE
        )
        state = AddressState.KNOWN
        roll = rng.random()
        if roll < NO_KNOWN_ADDRESS_RATE and not shared:
            state, address = AddressState.NO_KNOWN_ADDRESS, None
        elif roll < NO_KNOWN_ADDRESS_RATE + LAST_KNOWN_ADDRESS_RATE:
            state = AddressState.LAST_KNOWN
        previous_address, gp_since = self._earlier_move(address, services, shielded, rng)
        home = HomeState(
            0,
            self.calendar.reference,
            Change.INITIAL,
            state,
            address,
            None,
            services,
            members.carers,
            members.children_surname,
            services.pick(services.gp_practices, rng),
            gp_since,
            SchoolChoice.choose(services, rng),
        )
        drafts = self._drafts(index, household, given_from, remaining, rng)
        claims = rng.random() < _CHILD_BENEFIT_HOUSEHOLDS.get(household, CHILD_BENEFIT_RATE)
        looked_after = household is Household.FOSTER_CARE
        initial = [
            (
                draft,
                existing_involvements(
                    self._circumstances(draft, looked_after, shielded), home, self.calendar, rng
                ),
            )
            for draft in drafts
        ]
        homes: tuple[HomeState, ...] = (home,)
        adoptions: dict[int, HomeState] = {}
        if self.calendar.generations > 0:
            homes = self._timeline.homes(home, household, community, shielded, events)
            if members.has_mother and household not in (Household.FOSTER_CARE, Household.KINSHIP_CARE):
                drafts.extend(
                    self._births(index, homes, given_from, drafts, household=household, events=events)
                )
            initial.extend(
                (draft, newborn_involvements(draft.born, home_on(homes, draft.born), events))
                for draft in drafts[len(initial) :]
            )
            adoptions = self._adoptions(drafts, homes, events)
        family = _FamilyContext(
            index,
            f"F{index:08d}",
            household,
            community,
            shielded,
            looked_after,
            claims,
            shared,
            previous_address,
            homes,
        )
        children = tuple(
            self._child(family, draft, involvements, adoptions.get(draft.slot), events)
            for draft, involvements in initial
        )
        return Family(family.family_id, index, household, children), address or previous

    def _earlier_move(
        self, address: Address | None, services: LaServices, shielded: bool, rng: Random
    ) -> tuple[Address | None, date | None]:
        """A move in the year before the extract: the old address, and when a new GP began if one did."""
        moved = rng.random() < (0.5 if shielded else MOVED_BEFORE_EXTRACT_RATE)
        if not moved or address is None:
            return None, None
        other = rng.random() < 0.3
        previous_la = self.geography.table.pick(rng) if other else services.la
        previous_address = random_address(previous_la, rng)
        gp_since = self.calendar.reference - timedelta(days=1 + int(rng.random() * 365)) if other else None
        return previous_address, gp_since

    def _adoptions(
        self, drafts: list[_Draft], homes: tuple[HomeState, ...], events: Random
    ) -> dict[int, HomeState]:
        adoptions = {}
        for draft in drafts:
            if draft.to_be_adopted:
                month = 1 + int(events.random() * self.calendar.generations)
                birth_home = home_on(homes, self.calendar.date_of(month))
                if birth_home.in_england:
                    adoptions[draft.slot] = self._timeline.adoptive_home(birth_home, month, events)
        return adoptions

    def _circumstances(self, draft: _Draft, looked_after: bool, shielded: bool) -> ChildCircumstances:
        return ChildCircumstances(draft.born, looked_after, shielded, add_years(draft.born, 18))

    def _drafts(
        self, index: int, household: Household, names: Community, remaining: int, rng: Random
    ) -> list[_Draft]:
        reference = self.calendar.reference
        if household is Household.FOSTER_CARE:
            maternities, youngest = (1 if rng.random() < 0.7 else 2), int(rng.random() * 16)
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
                drafts.append(
                    self._draft(
                        rng,
                        slot=len(drafts),
                        names=names,
                        born=born,
                        born_generation=0,
                        twin_group=group,
                        taken=taken,
                        household=household,
                    )
                )
            age += _GAPS.pick(rng)
        return drafts

    def _draft(
        self,
        rng: Random,
        *,
        slot: int,
        names: Community,
        born: date,
        born_generation: int,
        twin_group: str | None,
        taken: set[str],
        household: Household,
    ) -> _Draft:
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
        adoptable = (
            household is Household.FOSTER_CARE
            and slot < 3
            and born_generation == 0
            and age_on(born, self.calendar.reference) < 10
        )
        return _Draft(
            slot,
            given,
            gender,
            born,
            born_generation,
            twin_group,
            schooling,
            registered,
            adoptable and rng.random() < ADOPTION_RATE,
        )

    def _births(
        self,
        index: int,
        homes: tuple[HomeState, ...],
        names: Community,
        drafts: list[_Draft],
        *,
        household: Household,
        events: Random,
    ) -> list[_Draft]:
        month = geometric_month(events, BIRTH_RATE, self.calendar.generations)
        if not month or not home_on(homes, self.calendar.date_of(month)).in_england:
            return []
        born = self.calendar.day_in(month, events)
        roll = events.random()
        size = 3 if roll < TRIPLET_RATE else 2 if roll < TRIPLET_RATE + TWIN_RATE else 1
        group = f"T{index:08d}b" if size > 1 else None
        taken = {draft.given.split(" ", 1)[0] for draft in drafts}
        return [
            self._draft(
                events,
                slot=MAX_INITIAL_CHILDREN + n,
                names=names,
                born=born,
                born_generation=month,
                twin_group=group,
                taken=taken,
                household=household,
            )
            for n in range(size)
        ]

    def _child(
        self,
        family: _FamilyContext,
        draft: _Draft,
        initial: list[InvolvementTruth],
        adoptive: HomeState | None,
        events: Random,
    ) -> SynthChild:
        calendar = self.calendar
        born_day = max(draft.born, calendar.reference)
        at_birth = home_on(family.homes, born_day)
        homes = tuple(h for h in family.homes if h.day > born_day or h is at_birth)
        if adoptive is not None:
            homes = (*(h for h in homes if h.day < adoptive.day), adoptive)
        circumstances = self._circumstances(draft, family.looked_after, family.shielded)
        involvements = list(initial)
        if calendar.generations > 0:
            involvements = involvement_changes(circumstances, involvements, homes, calendar, events)
        if adoptive is not None:
            involvements += adoptive_involvements(draft.born, adoptive, events)
        involvements = bounded(involvements, circumstances, homes, calendar)
        involvements += education_spells(draft.born, draft.schooling, homes, born_day, calendar)
        adoptive_given = draft.given
        if adoptive is not None and events.random() < 0.15:
            adoptive_given = self.book.community(events).child_given(draft.gender, events)
        identities = self._identities(family, draft, homes, adoptive_given)
        first = identities[0].name
        eighteenth = calendar.generation_of(circumstances.eighteenth)
        labels = ChildLabels(
            household=family.household,
            community=family.community.key,
            shielded=family.shielded,
            looked_after=family.looked_after,
            twin_group=draft.twin_group,
            adopted_generation=adoptive.since if adoptive is not None else None,
            turns_18_generation=eighteenth if 0 < eighteenth <= calendar.generations else None,
            left_england_generation=next((h.since for h in homes if not h.in_england), None),
            moved_before_extract=family.previous_address is not None,
            shared_address=family.shared,
            common_name=self.book.is_common(first.first, first.family),
        )
        return SynthChild(
            f"P{family.index:08d}{draft.slot:02d}",
            family.index * SLOTS_PER_FAMILY + draft.slot,
            family.family_id,
            draft.born,
            draft.gender,
            draft.born_generation,
            identities,
            tuple(involvements),
            labels,
            family.previous_address,
            family.claims,
        )

    def _identities(
        self,
        family: _FamilyContext,
        draft: _Draft,
        homes: tuple[HomeState, ...],
        adoptive_given: str,
    ) -> tuple[Identity, ...]:
        """One identity version per home; the adoptive one drops every trace of the birth identity."""
        index, slot = family.index, draft.slot
        birth_ids = self._identifiers(
            index * SLOTS_PER_FAMILY + slot,
            index,
            draft,
            homes[0],
            claims=family.claims,
            adoptive=False,
        )
        identities: list[Identity] = []
        former: tuple[Name, ...] = ()
        born_later = draft.born_generation > 0
        for position, home in enumerate(homes):
            identifiers = birth_ids
            if home.adoptive:
                former = ()
                name = Name(adoptive_given, home.surname)
                identifiers = self._identifiers(
                    index * SLOTS_PER_FAMILY + 9 + slot,
                    index,
                    draft,
                    home,
                    claims=True,
                    adoptive=True,
                )
            else:
                name = Name(draft.given, home.surname)
                if identities and name != identities[-1].name:
                    former = (*former, identities[-1].name)
            cause = Change.BIRTH if born_later and position == 0 else home.cause
            identities.append(
                Identity(
                    max(home.since, draft.born_generation),
                    cause,
                    name,
                    former,
                    home.state,
                    home.address,
                    home.la_code,
                    home.intent,
                    home.carers,
                    identifiers,
                    home.gp if draft.nhs_registered else None,
                    home.gp_since or draft.born,
                    home.adoptive,
                )
            )
        return tuple(identities)

    def _identifiers(
        self, key: int, index: int, draft: _Draft, home: HomeState, *, claims: bool, adoptive: bool
    ) -> Identifiers:
        """The identifiers each source would use for the child if it knew the child.

        Issued whether or not a source knows the child yet, so that they do not depend on how many
        generations are drawn; sources and records use one only once the child is known there.
        """
        salt = self._salt
        number = self.geography.by_code(home.la_code).number
        schooled = not draft.schooling.independent and not draft.schooling.home_educated
        if adoptive:
            benefit: str | None = child_benefit_reference(key, 0, salt + 3, adoptive=True)
        else:
            benefit = child_benefit_reference(index, draft.slot, salt + 3) if claims else None
        return Identifiers(
            nhs_number(key, salt + 1) if draft.nhs_registered else None,
            unique_pupil_number(key, number, salt + 2) if schooled else None,
            benefit,
            local_authority_reference(key, number, salt + 4),
            youth_justice_reference(key, salt + 5),
        )


def iter_families(children: int, seed: int, generations: int = 0) -> Iterator[Family]:
    """Stream the families of a synthetic population."""
    return Population(children, seed, generations).families()


def iter_children(
    children: int, seed: int, generations: int = 0, *, include_later_births: bool = False
) -> Iterator[SynthChild]:
    """Stream exactly `children` synthetic children (those alive at generation 0), in family order.

    With `include_later_births`, babies born during the generations follow their siblings.
    """
    for family in iter_families(children, seed, generations):
        for child in family.children:
            if include_later_births or child.born_generation == 0:
                yield child
