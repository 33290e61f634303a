"""Helpers shared by the review-queue tests: a feed row held for review through the real pipeline."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.runtime import Runtime
from contactpoint.domain.records import ChildRecord, PersonName
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load
from contactpoint.linkage.scoring import SplinkScorer
from contactpoint.settings import Settings
from tests.linkage_support import child_benefit_row, write_child_benefit
from tests.websupport import HOME_LA


@cache
def scorer() -> SplinkScorer:
    """The shipped model, loaded once per test process."""
    return SplinkScorer(load())


def make_linker(settings: Settings) -> Linker:
    """Thresholds from the settings; every postcode placed in the home LA."""
    return Linker(
        scorer(),
        Thresholds(settings.link_upper_weight, settings.link_lower_weight),
        la_for=lambda _p: HOME_LA,
    )


def close_variant(record: ChildRecord, key: str = "CBR1") -> dict[str, str]:
    """A row whose given name has two letters more: close to the record's, yet neither a plain slip
    (one edit) nor a name in common use, so twin or typo cannot be told apart and it is held for review."""
    given = record.names.current.given
    altered = given + "ae"
    current = PersonName(altered, record.names.current.family)
    return child_benefit_row(key, replace(record, names=replace(record.names, current=current)))


def hold_rows(runtime: Runtime, linker: Linker, rows: list[dict[str, str]], folder: Path) -> list[int]:
    """Ingest rows as a child benefit feed; returns the open review items' numbers."""
    feed = write_child_benefit(folder / f"feed-{rows[0]['RECORD_ID']}.csv", rows)
    ingest_feed(runtime, feed, "child_benefit", linker)
    with runtime.unit_of_work() as uow:
        return [item.item_id for item in uow.reviews.all_open()]


def hold_for_review(
    runtime: Runtime, settings: Settings, record: ChildRecord, folder: Path, key: str = "CBR1"
) -> int:
    """Hold a close variant of a stored record for review; returns the new item's number."""
    with runtime.unit_of_work() as uow:
        known = {item.item_id for item in uow.reviews.all_open()}
    held = set(hold_rows(runtime, make_linker(settings), [close_variant(record, key)], folder)) - known
    (item_id,) = held
    return item_id
