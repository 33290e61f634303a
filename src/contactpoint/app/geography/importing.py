"""`import_geography`: rebuild the store's postcode table and the LA directory's names from the ONS data.

One transaction replaces the whole table, so a lookup never sees half an import; the directory keeps
the contact details the national administrator set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from contactpoint.app.geography.areas import AreaBuilder, AreaRow
from contactpoint.app.geography.ons import package_versions, postcode_units, upper_tiers
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind

CHUNK = 50_000


@dataclass(frozen=True, slots=True)
class GeographyImport:
    """What an import wrote, for the operator and the audit log."""

    units: int
    shared: int  # sector and district rows
    unplaced: int  # English units whose authority neither lookup knows
    authorities: int
    versions: dict[str, str]


def import_geography(
    runtime: Runtime, units: Iterable[tuple[str, str | None]] | None = None
) -> GeographyImport:
    """Replace the postcode table with the installed packages' units (or those given) and name the
    authorities they reach in the directory (audited)."""
    builder = AreaBuilder(upper_tiers())
    placed = (
        row
        for unit, lower in (units if units is not None else postcode_units())
        if (row := builder.add(unit, lower))
    )
    with runtime.unit_of_work() as uow:
        uow.postcode_areas.clear()
        while chunk := list(islice(placed, CHUNK)):
            uow.postcode_areas.add_many(chunk)
        shared: list[AreaRow] = list(builder.shared_rows())
        uow.postcode_areas.add_many(shared)
        uow.authorities.put_names(builder.authorities.items())
        report = GeographyImport(
            builder.units, len(shared), builder.unplaced, len(builder.authorities), package_versions()
        )
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.GEOGRAPHY_IMPORTED,
                None,
                (),
                {"units": report.units, "shared": report.shared, "authorities": report.authorities}
                | {f"version:{name}": v for name, v in report.versions.items()},
            )
        )
        uow.commit()
    return report
