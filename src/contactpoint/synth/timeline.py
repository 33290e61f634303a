"""What happens to a household during the feed generations: moves, marriages, leaving England,
and the adoption of a looked-after child. Drawn with the family's events generator only, so the
generation-0 population is the same whatever the number of generations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import IntEnum
from random import Random

from contactpoint.domain.vocabulary import AddressState, IntentToReturn
from contactpoint.synth.calendar import FeedCalendar
from contactpoint.synth.homes import HomeState, SchoolChoice
from contactpoint.synth.households import adopters, married_name
from contactpoint.synth.model import Change, Household
from contactpoint.synth.names import Community, NameBook
from contactpoint.synth.places import Geography, random_address
from contactpoint.synth.services import LaServices
from contactpoint.synth.weighted import geometric_month

MOVE_RATE = 0.008  # a month; about one family in ten moves each year
SHIELDED_MOVE_RATE = 0.02
OTHER_LA_SHARE = 0.3
MARRIAGE_RATE = 0.002
LEAVE_RATE = 0.0006
INTENT: tuple[IntentToReturn, ...] = (IntentToReturn.YES, IntentToReturn.NO, IntentToReturn.UNKNOWN)
_MARRYING = frozenset({Household.LONE_MOTHER, Household.COHABITING_COUPLE, Household.STEP_FAMILY})


class _Event(IntEnum):
    MOVE = 0
    MARRIAGE = 1
    LEAVE = 2


class Timeline:
    """Draws the changes of one household over the generations."""

    __slots__ = ("_book", "_calendar", "_geography", "_services")

    def __init__(
        self, geography: Geography, services: dict[str, LaServices], book: NameBook, calendar: FeedCalendar
    ) -> None:
        self._geography = geography
        self._services = services
        self._book = book
        self._calendar = calendar

    def homes(
        self, initial: HomeState, household: Household, community: Community, shielded: bool, events: Random
    ) -> tuple[HomeState, ...]:
        """The household's states, the initial one first."""
        horizon = self._calendar.generations
        plan = [
            (geometric_month(events, SHIELDED_MOVE_RATE if shielded else MOVE_RATE, horizon), _Event.MOVE),
            (
                geometric_month(events, MARRIAGE_RATE, horizon) if household in _MARRYING else 0,
                _Event.MARRIAGE,
            ),
            (geometric_month(events, LEAVE_RATE, horizon), _Event.LEAVE),
        ]
        homes = [initial]
        for month, event in sorted(item for item in plan if item[0]):
            day = self._calendar.day_in(month, events)
            previous = homes[-1]
            if event is _Event.LEAVE:
                homes.append(
                    replace(
                        previous,
                        since=month,
                        day=day,
                        cause=Change.LEFT_ENGLAND,
                        state=AddressState.LEFT_ENGLAND,
                        address=None,
                        gp=None,
                        intent=INTENT[int(events.random() * 3)],
                    )
                )
                break
            if event is _Event.MOVE:
                homes.append(self._moved(previous, month, day, events))
            else:
                carers, surname = married_name(
                    previous.carers, community, previous.services.la, events, previous.surname
                )
                children = surname if events.random() < 0.7 else f"{previous.surname}-{surname}"
                homes.append(
                    replace(
                        previous,
                        since=month,
                        day=day,
                        cause=Change.SURNAME_CHANGE,
                        carers=carers,
                        surname=children,
                    )
                )
        return tuple(homes)

    def _moved(self, previous: HomeState, month: int, day: date, events: Random) -> HomeState:
        if events.random() < OTHER_LA_SHARE:
            services = self._services[self._geography.table.pick(events).code]
        else:
            services = previous.services
        address = random_address(services.la, events)
        if services is previous.services:
            return replace(
                previous, since=month, day=day, cause=Change.MOVE, state=AddressState.KNOWN, address=address
            )
        return replace(
            previous,
            since=month,
            day=day,
            cause=Change.MOVE,
            state=AddressState.KNOWN,
            address=address,
            services=services,
            gp=services.pick(services.gp_practices, events),
            gp_since=day,
            schools=SchoolChoice.choose(services, events),
        )

    def adoptive_home(self, birth_home: HomeState, month: int, events: Random) -> HomeState:
        """The adopters' household: new carers, a new surname, a new address (often another LA)."""
        if events.random() < 0.5:
            services = birth_home.services
        else:
            services = self._services[self._geography.table.pick(events).code]
        members = adopters(self._book, services.la, events)
        day = self._calendar.day_in(month, events)
        return HomeState(
            month,
            day,
            Change.ADOPTION,
            AddressState.KNOWN,
            random_address(services.la, events),
            None,
            services,
            members.carers,
            members.children_surname,
            services.pick(services.gp_practices, events),
            day,
            SchoolChoice.choose(services, events),
            adoptive=True,
        )
