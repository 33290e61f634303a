"""Which local authority a postcode lies in, for children a feed introduces without naming their LA.

Production would load the ONS Postcode Directory; this system is built and tested on Synthetic
England only, whose made-up postcode districts each belong to one synthetic LA.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from contactpoint.synth.places import england

LaLookup = Callable[[str], str | None]


@cache
def _district_owners() -> dict[str, str]:
    return {district.outward: la.code for la in england().authorities for district in la.districts}


def synthetic_la_lookup(postcode: str) -> str | None:
    """The synthetic LA owning the postcode's district, or None for a district outside Synthetic England."""
    outward = postcode.split(" ", 1)[0].upper()
    return _district_owners().get(outward)
