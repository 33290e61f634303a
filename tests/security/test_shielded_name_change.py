"""A shielded child's change of name does not leak, over real HTTP on SQLite and PostgreSQL.

After a source renamed a shielded child (a new family name, the old one kept as a former name, a
new carer beside the old one), a search on the old name must not find the child, and the limited
view shows neither former names nor the carer who came later. A child who is not shielded is still
found by a former name.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from contactpoint.access.roles import Role
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.records import Carer, ChildNames, ChildRecord, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children

OLD = PersonName("Maisie", "Featherstonehaugh")
NEW = PersonName("Maisie", "Quartermaine")


def _renamed(factory: ChildFactory, status: RecordStatus) -> ChildRecord:
    """A child as the index holds it after a source's rename: new name current, old name former."""
    child = factory.child(status=status, la_code=HOME_LA)
    later = factory.child()
    new_carer = replace(later.carers[0], name=PersonName("Roderick", "Quartermaine"))
    carers: tuple[Carer, ...] = (child.carers[0], new_carer)
    return replace(child, names=ChildNames(NEW, (OLD,)), carers=carers)


def _search(client: httpx.Client, headers: dict[str, str], name: PersonName, child: ChildRecord) -> list[str]:
    body = {
        "family_name": name.family,
        "given_name": name.given,
        "date_of_birth": child.date_of_birth.isoformat(),
        "reason": "safeguarding_concern",
    }
    response = client.post("/api/v1/searches", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return [hit["cp_id"] for hit in response.json()["results"]]


def _view(client: httpx.Client, headers: dict[str, str], cp_id: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=headers)
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.CHILD_PROTECTION])
def test_a_search_on_a_shielded_childs_old_name_does_not_find_them_and_the_view_hides_the_change(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory, role: Role
) -> None:
    (child,) = store_children(runtime, [_renamed(factory, RecordStatus.SHIELDED)])
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, make_account(runtime, role))}"}
        by_old = _search(client, headers, OLD, child)
        by_new = _search(client, headers, NEW, child)
        view = _view(client, headers, child.cp_id.value)

    assert child.cp_id.value not in by_old
    assert child.cp_id.value in by_new
    assert view["level"] == "limited"
    assert view["other_names"] == []
    assert [(c["given_name"], c["family_name"]) for c in view["carers"]] == [
        (child.carers[0].name.given, child.carers[0].name.family)
    ]
    assert "Roderick" not in str(view)
    assert OLD.family not in str(view)


def test_a_child_who_is_not_shielded_is_still_found_by_a_former_name(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [_renamed(factory, RecordStatus.ACTIVE)])
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        account = make_account(runtime, Role.PRACTITIONER)
        headers = {"Authorization": f"Bearer {api_token(client, clock, account)}"}
        by_old = _search(client, headers, OLD, child)
        view = _view(client, headers, child.cp_id.value)

    assert child.cp_id.value in by_old
    assert view["other_names"] == [f"{OLD.given} {OLD.family}"]
    assert len(view["carers"]) == 2


def test_the_limited_view_does_not_show_the_record_version_which_moves_when_a_source_updates_the_child(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [factory.child(status=RecordStatus.SHIELDED, la_code=HOME_LA)])
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        account = make_account(runtime, Role.PRACTITIONER)
        headers = {"Authorization": f"Bearer {api_token(client, clock, account)}"}
        view = _view(client, headers, child.cp_id.value)
    assert view["level"] == "limited"
    assert view["version"] is None
