"""Merge and unmerge on SQLite and PostgreSQL: full history, exact restore, and what arrived since kept."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from contactpoint.app.children.records import register_children
from contactpoint.app.feeds.ingest import export_links, ingest_feed
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.feeds.merges import merge_records, unmerge_records
from contactpoint.app.feeds.relink import relink_index
from contactpoint.app.runtime import Runtime
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import IdentifierScheme, RecordStatus
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load
from contactpoint.linkage.scoring import SplinkScorer
from contactpoint.settings import Settings
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit
from tests.review_support import hold_for_review


@pytest.fixture(scope="module")
def scorer() -> SplinkScorer:
    """The shipped model."""
    return SplinkScorer(load())


@pytest.fixture
def linker(scorer: SplinkScorer, settings: Settings) -> Linker:
    """Thresholds from the settings; factory postcodes all placed in LA 201."""
    return Linker(
        scorer, Thresholds(settings.link_upper_weight, settings.link_lower_weight), la_for=lambda _p: "201"
    )


def _store(runtime: Runtime, records: list[ChildRecord]) -> list[ChildRecord]:
    kept: list[ChildRecord] = []

    def keep(item: ChildRecord, cp_id: ContactPointId) -> ChildRecord:
        kept.append(replace(item, cp_id=cp_id))
        return kept[-1]

    register_children(runtime, records, keep)
    return kept


def _get(runtime: Runtime, cp_id: ContactPointId) -> ChildRecord:
    with runtime.unit_of_work() as uow:
        return uow.children.get(cp_id).record


def test_a_merge_then_unmerge_restores_both_records_and_keeps_what_arrived_since(
    runtime: Runtime, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    survivor, absorbed = _store(runtime, [factory.child(la_code="201"), factory.child(la_code="201")])
    feed = write_child_benefit(tmp_path / "absorbed.csv", [child_benefit_row("CB-ABS", absorbed)])
    ingest_feed(runtime, feed, "child_benefit", linker)
    absorbed_before = _get(runtime, absorbed.cp_id)
    survivor_before = _get(runtime, survivor.cp_id)

    merge_id = merge_records(runtime, survivor.cp_id, absorbed.cp_id)

    merged = _get(runtime, survivor.cp_id)
    assert {i.scheme for i in merged.identifiers} >= {i.scheme for i in absorbed_before.identifiers}
    assert absorbed_before.names.current in merged.names.former
    with pytest.raises(NotFound):
        _get(runtime, absorbed.cp_id)
    assert dict(export_links(runtime, "child_benefit")) == {"CB-ABS": survivor.cp_id.value}

    arriving = {**child_benefit_row("CB-NEW", survivor_before), "CHILD_REF": "CHB0009Z"}
    ingest_feed(runtime, write_child_benefit(tmp_path / "later.csv", [arriving]), "child_benefit", linker)

    unmerge_records(runtime, merge_id)

    assert _get(runtime, absorbed.cp_id) == absorbed_before
    restored = _get(runtime, survivor.cp_id)
    expected_identifiers = (
        *survivor_before.identifiers,
        *(i for i in restored.identifiers if i.scheme is IdentifierScheme.CHILD_BENEFIT_REFERENCE),
    )
    assert restored.identifiers == expected_identifiers
    assert any(i.value == "CHB0009Z" for i in restored.identifiers)
    assert restored.names == survivor_before.names
    assert dict(export_links(runtime, "child_benefit")) == {
        "CB-ABS": absorbed.cp_id.value,
        "CB-NEW": survivor.cp_id.value,
    }


def test_a_sealed_record_never_merges(runtime: Runtime, factory: ChildFactory) -> None:
    sealed, other = _store(
        runtime, [factory.child(status=RecordStatus.SEALED, la_code="201"), factory.child(la_code="201")]
    )

    with pytest.raises(ValidationError):
        merge_records(runtime, other.cp_id, sealed.cp_id)


def test_a_merge_with_a_shielded_record_stays_shielded(runtime: Runtime, factory: ChildFactory) -> None:
    active, shielded = _store(
        runtime, [factory.child(la_code="201"), factory.child(status=RecordStatus.SHIELDED, la_code="201")]
    )

    merge_records(runtime, active.cp_id, shielded.cp_id)

    assert _get(runtime, active.cp_id).status is RecordStatus.SHIELDED


def test_a_merge_cannot_be_undone_twice(runtime: Runtime, factory: ChildFactory) -> None:
    first, second = _store(runtime, [factory.child(la_code="201"), factory.child(la_code="201")])
    merge_id = merge_records(runtime, first.cp_id, second.cp_id)
    unmerge_records(runtime, merge_id)

    with pytest.raises(ValidationError):
        unmerge_records(runtime, merge_id)


def test_relinking_the_index_proposes_duplicates_but_never_a_sealed_record(
    runtime: Runtime, linker: Linker, factory: ChildFactory
) -> None:
    original = factory.child(la_code="201")
    other = factory.child(la_code="201")
    first, copy, _, sealed_copy = _store(
        runtime, [original, original, other, replace(original, status=RecordStatus.SEALED)]
    )

    pairs = relink_index(runtime, linker.scorer, linker.thresholds)

    assert [(p.first, p.second) for p in pairs] == [tuple(sorted((first.cp_id.value, copy.cp_id.value)))]
    assert all(sealed_copy.cp_id.value not in (p.first, p.second) for p in pairs)


def test_items_held_about_the_absorbed_record_follow_the_merge_into_the_private_queue(
    runtime: Runtime, factory: ChildFactory, settings: Settings, tmp_path: Path
) -> None:
    absorbed, survivor = _store(runtime, [factory.child(la_code="201"), factory.child(la_code="201")])
    item_id = hold_for_review(runtime, settings, absorbed, tmp_path)
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(survivor.cp_id)
        uow.children.replace(replace(stored.record, status=RecordStatus.SHIELDED), stored.version)
        uow.commit()

    merge_records(runtime, survivor.cp_id, absorbed.cp_id)

    with runtime.unit_of_work() as uow:
        (item,) = [i for i in uow.reviews.all_open() if i.item_id == item_id]
    assert (item.candidate_cp_id, item.private) == (survivor.cp_id.value, True)
