"""The operator's merge, unmerge and link export change or hand out child data: each is audited
(red team: they wrote no entry), a shielded record never merges into another LA's ownership, and an
unmerge puts the records' review holds back in the queues they were in."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from contactpoint.app.children.records import register_children
from contactpoint.app.oversight.auditing import verify_audit
from contactpoint.app.runtime import Runtime
from contactpoint.cli.main import app
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.settings import Settings
from tests.factories import ChildFactory
from tests.review_support import hold_for_review


def _cli(settings: Settings, *arguments: str) -> str:
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(settings.home), *arguments],
        env={"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()},
    )
    assert result.exit_code == 0, result.output
    return result.output


def _store(runtime: Runtime, records: list[ChildRecord]) -> list[ChildRecord]:
    kept: list[ChildRecord] = []

    def keep(item: ChildRecord, cp_id: ContactPointId) -> ChildRecord:
        kept.append(replace(item, cp_id=cp_id))
        return kept[-1]

    register_children(runtime, records, keep)
    return kept


def _entries(runtime: Runtime) -> list[str]:
    with runtime.unit_of_work() as uow:
        return [e.kind for e in uow.audit.iter_entries()]


def _holds(runtime: Runtime) -> list[tuple[int, str | None, str | None, bool]]:
    with runtime.unit_of_work() as uow:
        return sorted((i.item_id, i.candidate_cp_id, i.la_code, i.private) for i in uow.reviews.all_open())


def test_merge_unmerge_and_link_export_are_audited_and_unmerge_puts_the_holds_back(
    runtime: Runtime, settings: Settings, factory: ChildFactory, tmp_path: Path
) -> None:
    survivor, absorbed = _store(runtime, [factory.child(la_code="201"), factory.child(la_code="201")])
    hold_for_review(runtime, settings, survivor, tmp_path, key="CBR1")
    hold_for_review(runtime, settings, absorbed, tmp_path, key="CBR2")
    with runtime.unit_of_work() as uow:  # the absorbed record is shielded: the merged one will be
        stored = uow.children.get(absorbed.cp_id)
        uow.children.replace(replace(stored.record, status=RecordStatus.SHIELDED), stored.version)
        uow.reviews.make_private(absorbed.cp_id, "201")
        uow.commit()
    before = _holds(runtime)
    start = len(_entries(runtime))

    merged = _cli(settings, "review", "merge", survivor.cp_id.value, absorbed.cp_id.value)
    merge_id = re.search(r"merge (\d+)", merged)
    assert merge_id is not None
    assert all(private for *_, private in _holds(runtime))  # while merged, every hold is private
    _cli(settings, "review", "unmerge", merge_id[1])
    _cli(settings, "feeds", "export-links", "--source", "child_benefit", "--out", str(tmp_path / "links.csv"))

    assert _entries(runtime)[start:] == ["children:merge", "children:unmerge", "feeds:export-links"]
    assert _holds(runtime) == before
    assert verify_audit(runtime).ok


def test_a_shielded_record_never_merges_with_another_las_record(
    runtime: Runtime, settings: Settings, factory: ChildFactory
) -> None:
    shielded, elsewhere = _store(
        runtime,
        [factory.child(la_code="201", status=RecordStatus.SHIELDED), factory.child(la_code="202")],
    )
    for first, second in ((elsewhere, shielded), (shielded, elsewhere)):
        result = CliRunner().invoke(
            app,
            ["--data-dir", str(settings.home), "review", "merge", first.cp_id.value, second.cp_id.value],
            env={"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()},
        )
        assert result.exit_code != 0
        assert "another LA" in result.output
    with runtime.unit_of_work() as uow:
        assert uow.children.get(shielded.cp_id).record.la_code == "201"
        assert uow.children.get(elsewhere.cp_id).record.status is RecordStatus.ACTIVE
