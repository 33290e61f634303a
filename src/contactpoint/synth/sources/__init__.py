"""The data sources of Synthetic England, each with its own identifiers, columns, timeliness and errors."""

from __future__ import annotations

from contactpoint.synth.sources import (
    child_benefit,
    community_health,
    la_social_care,
    nhs_registrations,
    school_census,
    youth_offending,
)
from contactpoint.synth.sources.base import SourceSpec

SOURCES: tuple[SourceSpec, ...] = (
    child_benefit.SPEC,
    nhs_registrations.SPEC,
    school_census.SPEC,
    la_social_care.SPEC,
    youth_offending.SPEC,
    community_health.SPEC,
)
SOURCES_BY_NAME = {spec.name: spec for spec in SOURCES}

__all__ = ["SOURCES", "SOURCES_BY_NAME", "SourceSpec"]
