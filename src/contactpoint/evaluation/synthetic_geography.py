"""Synthetic England's geography for a test, demo or benchmark store: the real ONS data, cut to what
places every synthetic postcode.

Synthetic England puts its homes only in postcode sectors that lie wholly in one authority, so the
ONS table's sector and district rows (a few thousand, against two million units) place every
synthetic postcode exactly as the whole table would. A store that holds them answers through the
app's own `StoredPostcodeAuthorities`; `geography import` still loads the whole table for real feeds.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contactpoint.app.feeds.geography import PostcodeAuthorities
from contactpoint.app.runtime import Runtime
from contactpoint.synth.places import england


@cache
def synthetic_postcode_authorities() -> PostcodeAuthorities:
    """The ONS postcode sectors and districts wholly in one authority, as a CSV-style table."""
    return PostcodeAuthorities({prefix: la_code for prefix, _district, la_code in england().areas})


def write_synthetic_postcode_authorities(path: Path) -> Path:
    """Write that table where settings look for a deployment's CSV (`postcode-authorities.csv`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    synthetic_postcode_authorities().save(path)
    return path


def import_synthetic_geography(runtime: Runtime) -> int:
    """Replace the store's postcode table with the ONS sector and district rows and name England's
    authorities in the LA directory (keeping contacts already set); returns the rows written.

    Standing in for the national administrator's `geography import`, which a test or demo store
    would spend most of its set-up time on."""
    geography = england()
    with runtime.unit_of_work() as uow:
        uow.postcode_areas.clear()
        uow.postcode_areas.add_many(geography.areas)
        uow.authorities.put_names((la.code, la.name) for la in geography.authorities)
        uow.commit()
    return len(geography.areas)
