"""The retention run on a frozen clock: a cohort walked from childhood to purge, on SQLite and PostgreSQL."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from contactpoint.app.operations.retention import run_retention
from contactpoint.domain.errors import NotFound
from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.records import RetentionExtension
from contactpoint.domain.vocabulary import ExtensionBasis, RecordStatus
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.store.feed_models import Merge
from contactpoint.store.provenance_repository import Provenance

JUST_UNDER_18 = date(2008, 12, 1)


@pytest.fixture
def cohort(runtime, factory):
    """Seven children whose lives exercise every retention rule."""
    base = {
        "turns_18": replace(factory.child(), date_of_birth=JUST_UNDER_18),
        "care_leaver": replace(
            factory.child(),
            date_of_birth=JUST_UNDER_18,
            retention_extension=RetentionExtension(ExtensionBasis.CARE_LEAVER, date(2026, 11, 1)),
        ),
        "withdraws": replace(
            factory.child(),
            date_of_birth=date(2008, 6, 1),
            retention_extension=RetentionExtension(
                ExtensionBasis.LEARNING_DIFFICULTY, date(2026, 5, 1), withdrawn_on=date(2027, 1, 10)
            ),
        ),
        "died": replace(
            factory.child(),
            date_of_birth=date(2015, 1, 1),
            status=RecordStatus.DECEASED,
            date_of_death=date(2026, 10, 1),
        ),
        "shielded": replace(factory.child(), date_of_birth=JUST_UNDER_18, status=RecordStatus.SHIELDED),
        "sealed": replace(factory.child(), date_of_birth=JUST_UNDER_18, status=RecordStatus.SEALED),
        "young": replace(factory.child(), date_of_birth=date(2026, 1, 1)),
    }
    with runtime.unit_of_work() as uow:
        ids = uow.children.reserve_ids(len(base))
        records = {name: replace(r, cp_id=i) for (name, r), i in zip(base.items(), ids, strict=True)}
        uow.children.add_many(list(records.values()))
        uow.commit()
    return records


def on(runtime, day: date):
    runtime.clock.at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return run_retention(runtime, batch_size=3)


def status(runtime, record):
    with runtime.unit_of_work() as uow:
        try:
            return uow.children.get(record.cp_id).record.status
        except NotFound:
            return None


def statuses(runtime, cohort):
    return {name: status(runtime, record) for name, record in cohort.items()}


def test_a_cohort_is_archived_and_purged_on_the_right_days(runtime, cohort):
    assert on(runtime, date(2026, 11, 23)).steps == {}

    report = on(runtime, date(2026, 12, 1))
    assert report.steps == {"archive: turned_18": 2}
    assert report.examined == 6  # the sealed record is not under these rules
    assert statuses(runtime, cohort) == {
        "turns_18": RecordStatus.ARCHIVED,
        "care_leaver": RecordStatus.ACTIVE,
        "withdraws": RecordStatus.ACTIVE,
        "died": RecordStatus.DECEASED,
        "shielded": RecordStatus.ARCHIVED,
        "sealed": RecordStatus.SEALED,
        "young": RecordStatus.ACTIVE,
    }
    with runtime.unit_of_work() as uow:
        archival = uow.children.get(cohort["shielded"].cp_id).record.archival
    assert archival is not None
    assert (archival.previous_status, archival.archived_on) == (RecordStatus.SHIELDED, date(2026, 12, 1))

    assert on(runtime, date(2027, 1, 10)).steps == {"archive: consent_withdrawn": 1}
    assert on(runtime, date(2027, 10, 1)).steps == {"archive: died": 1}
    assert on(runtime, date(2032, 11, 30)).steps == {}
    assert on(runtime, date(2032, 12, 1)).steps == {"purge": 2}
    assert on(runtime, date(2033, 1, 10)).steps == {"purge": 1}
    assert on(runtime, date(2033, 10, 1)).steps == {"purge": 1}
    assert on(runtime, date(2033, 12, 1)).steps == {"archive: turned_25": 1}
    assert on(runtime, date(2039, 12, 1)).steps == {"purge": 1}
    assert statuses(runtime, cohort) == {
        "turns_18": None,
        "care_leaver": None,
        "withdraws": None,
        "died": None,
        "shielded": None,
        "sealed": RecordStatus.SEALED,
        "young": RecordStatus.ACTIVE,
    }


def test_a_second_run_on_the_same_day_changes_nothing(runtime, cohort):
    assert on(runtime, date(2026, 12, 1)).archived == 2
    with runtime.unit_of_work() as uow:
        version = uow.children.get(cohort["turns_18"].cp_id).version
    again = on(runtime, date(2026, 12, 1))
    assert (again.archived, again.purged, again.examined) == (0, 0, 6)
    with runtime.unit_of_work() as uow:
        assert uow.children.get(cohort["turns_18"].cp_id).version == version


def test_a_dry_run_reports_what_is_due_and_changes_nothing(runtime, cohort):
    runtime.clock.at = datetime(2026, 12, 1, 12, tzinfo=UTC)
    report = run_retention(runtime, dry_run=True)
    assert report.steps == {"archive: turned_18": 2}
    assert status(runtime, cohort["turns_18"]) is RecordStatus.ACTIVE


def test_archived_children_leave_search_but_remain_linkable(runtime, cohort):
    record = cohort["turns_18"]
    term = next(t.term for t in blocking_terms(record) if t.kind is IndexKind.FAMILY_DOB)
    with runtime.unit_of_work() as uow:
        assert record.cp_id in uow.children.candidates(IndexKind.FAMILY_DOB, [term], for_search=True)
    on(runtime, date(2026, 12, 1))
    with runtime.unit_of_work() as uow:
        assert record.cp_id not in uow.children.candidates(IndexKind.FAMILY_DOB, [term], for_search=True)
        assert record.cp_id in uow.children.candidates(IndexKind.FAMILY_DOB, [term], for_search=False)


def test_a_purged_record_leaves_its_id_issued_and_no_index_entry(runtime, cohort):
    record = cohort["turns_18"]
    on(runtime, date(2026, 12, 1))
    on(runtime, date(2032, 12, 1))
    with runtime.unit_of_work() as uow:
        assert uow.children.is_issued(record.cp_id)
        for term in blocking_terms(record):
            assert record.cp_id not in uow.children.candidates(term.kind, [term.term], for_search=False)
        assert uow.children.counts_by_key_version() == {1: len(cohort) - 2}


def test_a_purge_takes_the_childs_provenance_and_merge_snapshots_with_it(runtime, cohort):
    record, other = cohort["turns_18"], cohort["young"]
    with runtime.unit_of_work() as uow:
        uow.provenance.set(
            {record.cp_id.value: [Provenance("name", "child_benefit", "CB1", date(2020, 1, 1))]}
        )
        uow.merges.add(record.cp_id.value, other.cp_id.value, [], b"both records as they were")
        uow.merges.add(other.cp_id.value, "100000000009", [], b"an unrelated merge")
        uow.commit()
    on(runtime, date(2026, 12, 1))
    on(runtime, date(2032, 12, 1))
    with runtime.unit_of_work() as uow:
        assert uow.provenance.of([record.cp_id.value]) == {}
    with runtime.engine.connect() as connection:
        merges = connection.execute(select(Merge.survivor_cp_id, Merge.absorbed_cp_id)).all()
    assert [tuple(m) for m in merges] == [(other.cp_id.value, "100000000009")]
