"""A household's situation over the generations: where it lives, who cares for the children, which
school and GP it uses. Each change (a move, a marriage, leaving England, an adoption) is a new state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from random import Random

from contactpoint.domain.vocabulary import AddressState, IntentToReturn
from contactpoint.synth.model import CarerTruth, Change
from contactpoint.synth.places import Address
from contactpoint.synth.services import LaServices, Org


@dataclass(frozen=True, slots=True)
class SchoolChoice:
    """The settings a family's children go to in one LA (siblings share them)."""

    nursery: Org
    primary: Org
    secondary: Org
    college: Org
    independent: Org

    @classmethod
    def choose(cls, services: LaServices, rng: Random) -> SchoolChoice:
        """A family's choice among the LA's settings."""
        return cls(
            services.pick(services.nurseries, rng),
            services.pick(services.primaries, rng),
            services.pick(services.secondaries, rng),
            services.pick(services.colleges, rng),
            services.pick(services.independents, rng),
        )


@dataclass(frozen=True, slots=True)
class HomeState:
    """A household from generation `since` (the change happened on `day`) until its next state."""

    since: int
    day: date
    cause: Change
    state: AddressState
    address: Address | None
    intent: IntentToReturn | None
    services: LaServices
    carers: tuple[CarerTruth, ...]
    surname: str
    gp: Org | None
    gp_since: date | None  # None: since each child's birth
    schools: SchoolChoice
    adoptive: bool = False

    @property
    def la_code(self) -> str:
        """The LA the household lives (or last lived) in."""
        return self.services.la.code

    @property
    def in_england(self) -> bool:
        """False once the household has left England."""
        return self.state is not AddressState.LEFT_ENGLAND


def home_on(homes: tuple[HomeState, ...], day: date) -> HomeState:
    """The state that applies on `day`."""
    current = homes[0]
    for home in homes[1:]:
        if home.day > day:
            break
        current = home
    return current
