"""Survivorship of names through real feed runs on SQLite and PostgreSQL: a row that spells the
record's name another way (case, spaces) or gives it swapped (given and family exchanged) links to
the record and leaves its name as it was; a swapped pair is never kept as a former name."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from contactpoint.app.feeds.ingest import ingest_feed
from contactpoint.app.runtime import Runtime
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.settings import Settings
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit
from tests.review_support import make_linker
from tests.websupport import HOME_LA, store_children


def test_a_name_spelt_another_way_or_swapped_keeps_the_records_spelling_and_no_swapped_former_name(
    runtime: Runtime, settings: Settings, factory: ChildFactory, tmp_path: Path
) -> None:
    base = factory.child(la_code=HOME_LA)
    (child,) = store_children(runtime, [replace(base, names=ChildNames(PersonName("Poppy", "Smyth")))])
    row = child_benefit_row("CBN1", child)
    swapped = row | {"RECORD_ID": "CBN1", "CHILD_FORENAMES": "Smyth", "CHILD_SURNAME": "Poppy"}
    mangled = row | {"RECORD_ID": "CBN2", "CHILD_FORENAMES": "  POPPY ", "CHILD_SURNAME": " smyth  "}
    linker = make_linker(settings)

    for n, sent in enumerate((swapped, mangled)):
        ingest_feed(runtime, write_child_benefit(tmp_path / f"feed{n}.csv", [sent]), "child_benefit", linker)

    with runtime.unit_of_work() as uow:
        links = dict(uow.ledger.links("child_benefit"))
        names = uow.children.get(child.cp_id).record.names
    assert links == {"CBN1": child.cp_id.value, "CBN2": child.cp_id.value}
    assert (names.current.given, names.current.family) == ("Poppy", "Smyth")
    assert names.former == ()
