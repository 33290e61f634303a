"""The demo's children: a synthetic population's source feeds taken in through the real pipeline.

The demo shows what the system does with feeds (matching, review, rejects), so it ingests them
rather than loading records directly. Shielding is an LA's decision no feed carries; the demo (and
the linkage benchmark) stand in for it by shielding the records of children the synthetic truth
says are shielded, once the extracts are in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from contactpoint.app.feeds.batch import RunReport
from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import build_linker
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.shielding import change_status
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.synth.feeds import generate
from contactpoint.synth.truth import Truth

# National sources first, so local ones mostly link to records that already exist.
FEED_ORDER = (
    "nhs_registrations",
    "child_benefit",
    "school_census",
    "la_social_care",
    "community_health",
    "youth_offending",
)


@dataclass(frozen=True, slots=True)
class DemoLoad:
    """What loading the demo's feeds did."""

    reports: list[RunReport]
    shielded: int


def feed_links(runtime: Runtime, sources: tuple[str, ...] = FEED_ORDER) -> dict[tuple[str, str], str]:
    """Every (source, row key) the ledger has linked, with its ContactPoint ID."""
    links: dict[tuple[str, str], str] = {}
    with runtime.unit_of_work() as uow:
        for source in sources:
            for row_key, cp_id in uow.ledger.links(source):
                links[(source, row_key)] = cp_id
    return links


def shield_records(runtime: Runtime, cp_ids: Iterable[str]) -> set[str]:
    """Shield these records if active (standing in for the LA's four-eyes decision, which no feed
    carries); returns those shielded now."""
    shielded: set[str] = set()
    with runtime.unit_of_work() as uow:
        for cp_id in sorted(cp_ids):
            stored = uow.children.get(ContactPointId(cp_id))
            if stored.record.status is RecordStatus.ACTIVE:
                change_status(uow, stored, RecordStatus.SHIELDED)
                shielded.add(cp_id)
        uow.commit()
    return shielded


def shield_as_the_las_would(runtime: Runtime, truth: Truth) -> set[str]:
    """Shield the records of children the truth says are shielded (standing in for the LA's decision)."""
    shielded_people = {p.person_id for p in truth.shielded()}
    targets = {
        cp_id
        for (_s, key), cp_id in feed_links(runtime).items()
        if truth.row(key).person_id in shielded_people
    }
    shield_records(runtime, targets)
    return targets


def load_demo_feeds(
    runtime: Runtime,
    folder: Path,
    children: int,
    seed: int,
    *,
    on_feed: Callable[[str, Path], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> DemoLoad:
    """Generate the population's initial extracts under `folder`, ingest each, then shield."""
    generate(folder, children, seed, generations=0, formats=("csv",))
    truth = Truth.load(folder)
    linker = build_linker(runtime)
    reports = []
    for source in FEED_ORDER:
        path = truth.feed_path(source, 0, "csv")
        if not path.is_file():
            continue
        if on_feed is not None:
            on_feed(source, path)
        reports.append(ingest_feed(runtime, path, source, linker, on_batch=on_batch))
    return DemoLoad(reports, len(shield_as_the_las_would(runtime, truth)))
