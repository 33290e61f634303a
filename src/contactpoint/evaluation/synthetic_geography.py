"""Synthetic England's postcode table: the stand-in for the ONS Postcode Directory in tests and the demo."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contactpoint.app.feeds.geography import PostcodeAuthorities
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
