"""Shielding over the JSON API and real HTTP: four eyes, and the practitioner's view changes at once."""

from __future__ import annotations

from datetime import timedelta

import httpx

from contactpoint.access.roles import Role
from contactpoint.domain.vocabulary import RecordStatus
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children

REQUEST_FIELDS = {
    "id",
    "cp_id",
    "change",
    "reason",
    "requested_by",
    "review_on",
    "state",
    "requester_id",
    "requested_at",
}


def test_two_administrators_shield_a_child_and_a_practitioner_sees_the_limited_view(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    first, second = make_account(runtime, Role.LA_DATA_ADMIN), make_account(runtime, Role.LA_DATA_ADMIN)
    practitioner = make_account(runtime, Role.PRACTITIONER)
    review_on = (clock.now().date() + timedelta(days=90)).isoformat()
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        as_first = {"Authorization": f"Bearer {api_token(client, clock, first)}"}
        as_second = {"Authorization": f"Bearer {api_token(client, clock, second)}"}
        as_practitioner = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        body = {
            "cp_id": child.cp_id.value,
            "change": "shield",
            "reason": "domestic_abuse",
            "requested_by": "police",
            "review_on": review_on,
        }
        created = client.post("/api/v1/shielding-requests", json=body, headers=as_first)
        assert created.status_code == 201, created.text
        request_id = created.json()["id"]

        queue = client.get("/api/v1/shielding-requests", headers=as_second).json()
        assert [(r["id"], r["cp_id"], r["state"]) for r in queue] == [
            (request_id, child.cp_id.value, "pending")
        ]
        assert set(queue[0]) == REQUEST_FIELDS

        own = client.post(
            f"/api/v1/shielding-requests/{request_id}/decision", json={"approve": True}, headers=as_first
        )
        assert own.status_code == 403
        decided = client.post(
            f"/api/v1/shielding-requests/{request_id}/decision", json={"approve": True}, headers=as_second
        )
        assert decided.status_code == 204, decided.text

        view = client.post(
            f"/api/v1/children/{child.cp_id.value}/views",
            json={"reason": "assessment"},
            headers=as_practitioner,
        )
        assert view.status_code == 200, view.text
        assert view.json()["level"] == "limited"
        assert view.json()["address_lines"] is None
        unknown = client.post("/api/v1/shielding-requests", json={**body, "notes": "x"}, headers=as_first)
        assert unknown.status_code == 422
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.status is RecordStatus.SHIELDED
