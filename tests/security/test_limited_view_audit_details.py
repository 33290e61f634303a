"""An auditor reading the entries of limited views of a shielded child learns nothing of the hidden
record: not its version, which moves with every update a source sends about the child.

A practitioner opens a shielded child's record (the limited view) before and after a change to the
record; the LA auditor's query over the API shows the views, with no version in their details. A
full view still records the version it showed. SQLite and PostgreSQL, over real HTTP.
"""

from __future__ import annotations

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import RecordStatus
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _bump_version(runtime: Runtime, cp_id: ContactPointId) -> None:
    """A source writes the child's record again: a new record version."""
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(cp_id)
        uow.children.replace(stored.record, stored.version)
        uow.commit()


def test_limited_views_of_a_shielded_child_are_audited_without_the_records_version(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    shielded, visible = store_children(
        runtime,
        [factory.child(la_code=HOME_LA, status=RecordStatus.SHIELDED), factory.child(la_code=HOME_LA)],
    )
    practitioner = make_account(runtime, Role.PRACTITIONER)
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        seen = _bearer(api_token(client, clock, practitioner))
        for cp_id in (shielded.cp_id.value, visible.cp_id.value):
            opened = client.post(
                f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=seen
            )
            assert opened.status_code == 200, opened.text
        _bump_version(runtime, shielded.cp_id)
        again = client.post(
            f"/api/v1/children/{shielded.cp_id.value}/views", json={"reason": "assessment"}, headers=seen
        )
        assert again.status_code == 200
        reads = _bearer(api_token(client, clock, auditor))
        limited = client.post("/api/v1/audit/queries", json={"cp_id": shielded.cp_id.value}, headers=reads)
        full = client.post("/api/v1/audit/queries", json={"cp_id": visible.cp_id.value}, headers=reads)
    views = [entry for entry in limited.json() if entry["kind"] == "children:view"]
    assert len(views) == 2
    assert all(entry["details"]["level"] == "limited" for entry in views)
    assert all("version" not in entry["details"] for entry in views)
    (shown,) = [entry for entry in full.json() if entry["kind"] == "children:view"]
    assert shown["details"]["version"] == 1
