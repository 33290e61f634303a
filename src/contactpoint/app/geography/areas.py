"""From postcode units to the rows of the postcode table: every English unit, plus each sector and
district that lies wholly in one authority.

A sector or district with units in two authorities, or any unit outside England or of an authority
the lookup does not know, gets no row: an unknown unit there must not be guessed into one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from contactpoint.app.geography.ons import UpperTier

_ELSEWHERE = ""  # a unit outside England, or of an authority the lookup does not know

AreaRow = tuple[str, str, str]  # prefix, district (outward code), LA code


def outward_and_sector(unit: str) -> tuple[str, str]:
    """("LS1", "LS1 1") for "LS1 1AA"."""
    outward, _, inward = unit.partition(" ")
    return outward, f"{outward} {inward[:1]}"


@dataclass
class AreaBuilder:
    """Turns units into table rows as they stream past, remembering who owns each sector and district."""

    tiers: dict[str, UpperTier]
    units: int = 0
    unplaced: int = 0
    _owners: dict[str, set[str]] = field(default_factory=dict)
    authorities: dict[str, str] = field(default_factory=dict)  # code -> name of those reached

    def add(self, unit: str, lower: str | None) -> AreaRow | None:
        """The unit's row, or None when it lies in no English authority the lookup knows."""
        if lower is None or " " not in unit:
            return None  # no authority recorded, or not a full unit: says nothing about its sector
        outward, sector = outward_and_sector(unit)
        tier = self.tiers.get(lower)
        owner = tier.code if tier is not None else _ELSEWHERE
        self._owners.setdefault(sector, set()).add(owner)
        self._owners.setdefault(outward, set()).add(owner)
        if tier is None:
            self.unplaced += lower.startswith("E")
            return None
        self.units += 1
        self.authorities[tier.code] = tier.name
        return unit, outward, tier.code

    def shared_rows(self) -> Iterator[AreaRow]:
        """Sector and district rows, for those whose every unit lies in the same English authority."""
        for prefix, owners in sorted(self._owners.items()):
            if len(owners) == 1 and (owner := next(iter(owners))) != _ELSEWHERE:
                yield prefix, prefix.partition(" ")[0], owner
