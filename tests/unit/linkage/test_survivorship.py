"""Survivorship: trust ranking per field, then recency; former names kept; involvements upserted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import ChildNames, PersonName, PostalAddress, Whereabouts
from contactpoint.domain.vocabulary import AddressState, RecordStatus, ServiceType
from contactpoint.ingest.feed_row import ChangeKind, FeedRow
from contactpoint.ingest.survivorship import apply_row
from contactpoint.store.provenance_repository import Provenance
from tests.factories import ChildFactory

MOVED = Whereabouts(
    AddressState.KNOWN, PostalAddress(("1 New Road",), Postcode.parse("BL26 6AG"), "Glenlowe")
)


def _row(factory: ChildFactory, source: str, **changes: object) -> FeedRow:
    child = factory.child()
    row = FeedRow(
        source=source,
        row_key="K1",
        line=2,
        content_hash="h",
        change=ChangeKind.AMEND,
        names=child.names,
        date_of_birth=child.date_of_birth,
        gender=child.gender,
        whereabouts=MOVED,
        la_code=None,
        involvements=(factory.involvement(ServiceType.EDUCATION),),
    )
    return replace(row, **changes)  # type: ignore[arg-type]  # test helper: keyword changes of a dataclass


def _lookup(_postcode: str) -> str:
    return "498"


def test_a_more_trusted_source_replaces_the_address_and_moves_the_record_to_its_la(
    factory: ChildFactory,
) -> None:
    record = factory.child(la_code="201")
    held = {"address": Provenance("address", "youth_offending", "Y1", date(2025, 6, 1))}

    updated, changed = apply_row(record, _row(factory, "child_benefit"), held, date(2025, 1, 1), _lookup)

    assert updated.whereabouts == MOVED
    assert updated.la_code == "498"
    assert any(p.field == "address" and p.source == "child_benefit" for p in changed)


def test_a_less_trusted_source_does_not_replace_the_address_even_when_newer(factory: ChildFactory) -> None:
    record = factory.child()
    held = {"address": Provenance("address", "child_benefit", "C1", date(2025, 1, 1))}

    updated, _ = apply_row(record, _row(factory, "youth_offending"), held, date(2025, 9, 1), _lookup)

    assert updated.whereabouts == record.whereabouts


def test_between_equally_trusted_values_the_more_recent_wins(factory: ChildFactory) -> None:
    record = factory.child()
    held = {"address": Provenance("address", "child_benefit", "C1", date(2025, 1, 1))}

    older, _ = apply_row(record, _row(factory, "child_benefit"), held, date(2024, 12, 1), _lookup)
    newer, _ = apply_row(record, _row(factory, "child_benefit"), held, date(2025, 2, 1), _lookup)

    assert older.whereabouts == record.whereabouts
    assert newer.whereabouts == MOVED


def test_a_replaced_name_is_kept_as_a_former_name(factory: ChildFactory) -> None:
    record = factory.child()
    new_name = PersonName(record.names.current.given, "Hartley")
    row = _row(factory, "nhs_registrations", names=ChildNames(new_name))

    updated, _ = apply_row(record, row, {}, date(2025, 1, 1), _lookup)

    assert updated.names.current == new_name
    assert record.names.current in updated.names.former


def test_a_shielded_record_keeps_its_la_when_its_address_changes(factory: ChildFactory) -> None:
    record = factory.child(status=RecordStatus.SHIELDED, la_code="201")

    updated, _ = apply_row(record, _row(factory, "child_benefit"), {}, date(2025, 1, 1), _lookup)

    assert updated.la_code == "201"
    assert updated.status is RecordStatus.SHIELDED


def test_an_involvement_with_the_same_service_and_organisation_is_replaced_not_duplicated(
    factory: ChildFactory,
) -> None:
    record = factory.child()
    school = record.involvements[0]
    ended = replace(school, end=date(2025, 7, 20))
    row = _row(factory, "school_census", involvements=(ended,))

    updated, _ = apply_row(record, row, {}, date(2025, 1, 1), _lookup)

    matching = [i for i in updated.involvements if i.organisation.code == school.organisation.code]
    assert matching == [ended]
