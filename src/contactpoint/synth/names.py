"""Samplers for the names of England's children and carers, skewed as real name frequencies are."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from random import Random

from faker.providers.person.en_GB import Provider as EnGbPerson

from contactpoint.domain.vocabulary import Gender
from contactpoint.synth.name_data import (
    ENGLISH_BOYS,
    ENGLISH_GIRLS,
    ENGLISH_SURNAME_EXTRAS,
    OTHER_COMMUNITIES,
    WHITE_BRITISH_SHARE,
    CommunityNames,
)
from contactpoint.synth.weighted import WeightedTable

MIXED_NAMING_RATE = 0.06  # families whose children's given names come from another community


@dataclass(frozen=True, slots=True)
class Community:
    """Weighted name tables of one community."""

    key: str
    surnames: WeightedTable[str]
    boys: WeightedTable[str]
    girls: WeightedTable[str]
    men: WeightedTable[str]
    women: WeightedTable[str]

    def child_given(self, gender: Gender, rng: Random) -> str:
        """A child's first name for that gender (either list when gender is not specified)."""
        if gender is Gender.MALE or (gender is Gender.NOT_SPECIFIED and rng.random() < 0.5):
            return self.boys.pick(rng)
        return self.girls.pick(rng)

    def adult_given(self, female: bool, rng: Random) -> str:
        """A parent's or carer's first name."""
        return (self.women if female else self.men).pick(rng)


def _white_british() -> Community:
    surnames = [(name, float(weight)) for name, weight in EnGbPerson.last_names.items()]
    surnames += [(name, 0.02) for name in ENGLISH_SURNAME_EXTRAS]
    return Community(
        "white_british",
        WeightedTable(surnames),
        WeightedTable.zipf(ENGLISH_BOYS, offset=3.0),
        WeightedTable.zipf(ENGLISH_GIRLS, offset=3.0),
        WeightedTable.zipf(EnGbPerson.first_names_male, offset=5.0),
        WeightedTable.zipf(EnGbPerson.first_names_female, offset=5.0),
    )


def _from_lists(names: CommunityNames) -> Community:
    return Community(
        names.key,
        WeightedTable.zipf(names.surnames, offset=1.5),
        WeightedTable.zipf(names.boys, offset=2.0),
        WeightedTable.zipf(names.girls, offset=2.0),
        WeightedTable.zipf(names.men, offset=2.0),
        WeightedTable.zipf(names.women, offset=2.0),
    )


class NameBook:
    """Every community's tables, built once per process (building them is the slow part)."""

    __slots__ = ("common_given", "common_surnames", "communities", "white_british")

    def __init__(self) -> None:
        self.white_british = _white_british()
        others = [(_from_lists(names), names.share) for names in OTHER_COMMUNITIES]
        self.communities: WeightedTable[Community] = WeightedTable(
            [(self.white_british, WHITE_BRITISH_SHARE), *others]
        )
        ranked = sorted(EnGbPerson.last_names.items(), key=lambda item: -item[1])
        self.common_surnames = frozenset(name for name, _ in ranked[:10]) | {"Khan", "Patel", "Ahmed", "Ali"}
        self.common_given = frozenset(ENGLISH_BOYS[:10] + ENGLISH_GIRLS[:10])

    def community(self, rng: Random) -> Community:
        """The community a family's names come from."""
        return self.communities.pick(rng)

    def given_names_source(self, community: Community, rng: Random) -> Community:
        """The community the children's given names come from: usually the family's own."""
        return self.community(rng) if rng.random() < MIXED_NAMING_RATE else community

    def is_common(self, given: str, family: str) -> bool:
        """A very common name pair: the hardest to match on name and date of birth alone."""
        return family in self.common_surnames and given in self.common_given


@cache
def name_book() -> NameBook:
    """The process-wide name book."""
    return NameBook()
