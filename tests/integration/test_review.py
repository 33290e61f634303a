"""The review queue on SQLite and PostgreSQL: private items stay private; link, new child and reject."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contactpoint.app.children import register_children
from contactpoint.app.feeds import Linker, ingest_feed
from contactpoint.app.review import ReviewAction, decide_review, list_reviews
from contactpoint.app.services import Services
from contactpoint.cli.main import app
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.decisions import Thresholds
from contactpoint.linkage.model import load
from contactpoint.linkage.scoring import SplinkScorer
from contactpoint.settings import Settings
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit


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


def _store(services: Services, record: ChildRecord) -> ChildRecord:
    kept: list[ChildRecord] = []

    def keep(item: ChildRecord, cp_id: ContactPointId) -> ChildRecord:
        kept.append(replace(item, cp_id=cp_id))
        return kept[-1]

    register_children(services, [record], keep)
    return kept[0]


def _close_variant(record: ChildRecord) -> dict[str, str]:
    """A row whose given name is one letter off: a possible twin, so it is held for review."""
    given = record.names.current.given
    altered = given[:-1] + ("a" if given[-1] != "a" else "e")
    return child_benefit_row(
        "CBR1",
        replace(
            record, names=replace(record.names, current=PersonName(altered, record.names.current.family))
        ),
    )


def _hold_one(services: Services, linker: Linker, record: ChildRecord, tmp_path: Path) -> int:
    feed = write_child_benefit(tmp_path / "feed.csv", [_close_variant(record)])
    report = ingest_feed(services, feed, "child_benefit", linker)
    assert report.outcomes["review"] == 1
    with services.unit_of_work() as uow:
        (item,) = uow.feeds.all_open()
    return item.item_id


def test_an_item_about_a_shielded_child_is_listed_only_in_the_private_queue(
    services: Services, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    shielded = _store(services, factory.child(status=RecordStatus.SHIELDED, la_code="201"))
    _hold_one(services, linker, shielded, tmp_path)

    assert list_reviews(services, "201") == []
    (item,) = list_reviews(services, "201", private=True)
    assert item.private
    assert item.candidate_cp_id == shielded.cp_id.value
    assert {entry["field"] for entry in item.explanation} >= {"given_name", "dob", "postcode"}


def test_linking_an_item_applies_the_row_to_the_candidate(
    services: Services, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = _store(services, factory.child(la_code="201"))
    item_id = _hold_one(services, linker, child, tmp_path)

    cp_id = decide_review(services, item_id, ReviewAction.LINK)

    assert cp_id == child.cp_id.value
    with services.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).version == 2
        assert uow.feeds.all_open() == []
        assert dict(uow.feeds.links("child_benefit")) == {"CBR1": cp_id}


def test_a_new_child_decision_creates_a_record_and_a_reject_creates_none(
    services: Services, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = _store(services, factory.child(la_code="201"))
    item_id = _hold_one(services, linker, child, tmp_path)

    cp_id = decide_review(services, item_id, ReviewAction.NEW_CHILD)

    with services.unit_of_work() as uow:
        assert uow.children.count() == 2
        assert cp_id is not None
        assert uow.children.get(ContactPointId(cp_id)).record.names.current != child.names.current


def test_a_rejected_item_changes_no_record(
    services: Services, linker: Linker, factory: ChildFactory, tmp_path: Path
) -> None:
    child = _store(services, factory.child(la_code="201"))
    item_id = _hold_one(services, linker, child, tmp_path)

    assert decide_review(services, item_id, ReviewAction.REJECT) is None

    with services.unit_of_work() as uow:
        assert uow.children.count() == 1
        assert uow.children.get(child.cp_id).version == 1
        assert uow.feeds.outcome_counts().get("rejected") == 1


def test_the_review_and_feeds_commands_show_ids_codes_and_levels_but_no_personal_values(
    services: Services, linker: Linker, settings: Settings, factory: ChildFactory, tmp_path: Path
) -> None:
    child = _store(services, factory.child(la_code="201"))
    _hold_one(services, linker, child, tmp_path)
    runner = CliRunner()
    environment = {"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url(), "COLUMNS": "200"}
    base = ["--data-dir", str(settings.home)]

    listed = runner.invoke(app, [*base, "review", "list", "--la", "201"], env=environment)
    links = tmp_path / "links.csv"
    exported = runner.invoke(
        app,
        [*base, "feeds", "export-links", "--source", "child_benefit", "--out", str(links)],
        env=environment,
    )

    assert listed.exit_code == 0, listed.output
    assert "possible_twin" in listed.output
    assert "Exact match on dob" in listed.output
    assert child.names.current.family not in listed.output
    assert child.cp_id.value in listed.output
    assert exported.exit_code == 0, exported.output
    assert links.read_text(encoding="utf-8").splitlines() == [
        "row_key,contactpoint_id"
    ]  # held rows have no ID
