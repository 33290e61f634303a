"""A store whose children were shielded under the old rule keeps no searchable entry for a former
name, on SQLite and PostgreSQL: any write to a protected record rewrites all its index entries, and
`linkage reindex-protected` fixes the rest once after an upgrade. (Search also leaves former names of
a shielded child out of its scoring, so the stale entries were a second line, not the only one.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import func, select, update

from contactpoint.access.roles import Role
from contactpoint.app.operations.reindex import reindex_protected
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.index_terms import IndexKind
from contactpoint.domain.records import ChildNames, ChildRecord, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store.models import BlindIndexEntry
from contactpoint.store.sealing import KIND_CODES
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children

OLD = PersonName("Maisie", "Featherstonehaugh")
NEW = PersonName("Maisie", "Quartermaine")


def _as_before_the_rule(runtime: Runtime, child: ChildRecord) -> None:
    """What a store shielded before the rule holds: every name entry searchable, former ones too."""
    names = [KIND_CODES[IndexKind.FAMILY_DOB], KIND_CODES[IndexKind.GIVEN_DOB]]
    with runtime.engine.begin() as connection:
        connection.execute(
            update(BlindIndexEntry)
            .where(BlindIndexEntry.cp_id == child.cp_id.value, BlindIndexEntry.kind.in_(names))
            .values(searchable=True)
        )


def _searchable_name_entries(runtime: Runtime, child: ChildRecord) -> int:
    names = [KIND_CODES[IndexKind.FAMILY_DOB], KIND_CODES[IndexKind.GIVEN_DOB]]
    with runtime.engine.connect() as connection:
        return int(
            connection.scalar(
                select(func.count())
                .select_from(BlindIndexEntry)
                .where(
                    BlindIndexEntry.cp_id == child.cp_id.value,
                    BlindIndexEntry.kind.in_(names),
                    BlindIndexEntry.searchable.is_(True),
                )
            )
            or 0
        )


def _found_by(client: httpx.Client, headers: dict[str, str], name: PersonName, child: ChildRecord) -> bool:
    body = {
        "family_name": name.family,
        "given_name": name.given,
        "date_of_birth": child.date_of_birth.isoformat(),
        "reason": "safeguarding_concern",
    }
    response = client.post("/api/v1/searches", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return child.cp_id.value in [hit["cp_id"] for hit in response.json()["results"]]


def _run_the_command(runtime: Runtime, _child: ChildRecord) -> None:
    assert reindex_protected(runtime) >= 1


def _a_source_updates_the_record(runtime: Runtime, child: ChildRecord) -> None:
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(child.cp_id)
        uow.children.replace_many([(stored, replace(stored.record, gender=stored.record.gender))])
        uow.commit()


@pytest.mark.parametrize("repair", [_run_the_command, _a_source_updates_the_record])
def test_a_child_shielded_under_the_old_rule_is_not_found_by_a_former_name_once_repaired(
    runtime: Runtime,
    clock: FixedClock,
    factory: ChildFactory,
    repair: Callable[[Runtime, ChildRecord], None],
) -> None:
    shielded = replace(
        factory.child(status=RecordStatus.SHIELDED, la_code=HOME_LA), names=ChildNames(NEW, (OLD,))
    )
    (child,) = store_children(runtime, [shielded])
    current_name_only = _searchable_name_entries(runtime, child)
    _as_before_the_rule(runtime, child)
    stale = _searchable_name_entries(runtime, child)
    repair(runtime, child)
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        by_former_name = _found_by(client, headers, OLD, child)
        by_current_name = _found_by(client, headers, NEW, child)

    assert stale > current_name_only > 0  # the old store's entries, as they were
    assert _searchable_name_entries(runtime, child) == current_name_only
    assert not by_former_name
    assert by_current_name
