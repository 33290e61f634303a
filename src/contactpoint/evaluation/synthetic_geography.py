"""Synthetic England's postcode table and LA names: the stand-in for the ONS geography in tests and demo."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contactpoint.app.feeds.geography import PostcodeAuthorities
from contactpoint.app.runtime import Runtime
from contactpoint.synth.places import england


@cache
def synthetic_postcode_authorities() -> PostcodeAuthorities:
    """Each made-up postcode district of Synthetic England with the synthetic LA it belongs to."""
    return PostcodeAuthorities(
        {district.outward: la.code for la in england().authorities for district in la.districts}
    )


def write_synthetic_postcode_authorities(path: Path) -> Path:
    """Write the table where settings look for it (`postcode-authorities.csv` in a store's folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic_postcode_authorities().save(path)
    return path


def name_synthetic_authorities(runtime: Runtime) -> int:
    """Put Synthetic England's authorities and their made-up names in the store's LA directory."""
    authorities = england().authorities
    with runtime.unit_of_work() as uow:
        uow.authorities.put_names((la.code, la.name) for la in authorities)
        uow.commit()
    return len(authorities)
