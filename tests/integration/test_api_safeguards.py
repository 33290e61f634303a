"""Adoption and consent over the JSON API and real HTTP: four eyes, the new ID given once, the birth
identity no longer found, and consent read and changed by the owning LA team only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import httpx

from contactpoint.access.roles import Role
from contactpoint.domain.vocabulary import ServiceType
from tests.websupport import HOME_LA, OTHER_LA, api_token, live_server, make_account, store_children


def adoption_body(cp_id: str) -> dict[str, object]:
    return {
        "cp_id": cp_id,
        "given_name": "Robin",
        "family_name": "Quillfeather",
        "address_lines": ["4 Orchard Row"],
        "town": "Exampleton",
        "postcode": "LS1 4QR",
        "la_code": OTHER_LA,
        "parents": [{"given_name": "Sam", "family_name": "Quillfeather", "phone": "01632 960111"}],
    }


def test_two_administrators_record_an_adoption_and_the_birth_identity_is_gone(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    first, second = make_account(runtime, Role.LA_DATA_ADMIN), make_account(runtime, Role.LA_DATA_ADMIN)
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        as_first = {"Authorization": f"Bearer {api_token(client, clock, first)}"}
        as_second = {"Authorization": f"Bearer {api_token(client, clock, second)}"}
        as_practitioner = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        body = adoption_body(child.cp_id.value)
        assert (
            client.post(
                "/api/v1/adoption-requests", json={**body, "notes": "x"}, headers=as_first
            ).status_code
            == 422
        )
        created = client.post("/api/v1/adoption-requests", json=body, headers=as_first)
        assert created.status_code == 201, created.text
        request_id = created.json()["id"]

        (pending,) = client.get("/api/v1/adoption-requests", headers=as_second).json()
        assert (pending["id"], pending["birth_cp_id"], pending["family_name"]) == (
            request_id,
            child.cp_id.value,
            "Quillfeather",
        )
        assert pending["parents"][0]["phone"] == "01632 960111"

        own = client.post(
            f"/api/v1/adoption-requests/{request_id}/decision", json={"approve": True}, headers=as_first
        )
        assert own.status_code == 403
        decided = client.post(
            f"/api/v1/adoption-requests/{request_id}/decision", json={"approve": True}, headers=as_second
        )
        assert decided.status_code == 200, decided.text
        new_id = decided.json()["new_cp_id"]
        assert new_id not in (None, child.cp_id.value)
        assert client.get("/api/v1/adoption-requests", headers=as_second).json() == []

        birth_name = child.names.current
        search = {
            "family_name": birth_name.family,
            "given_name": birth_name.given,
            "date_of_birth": child.date_of_birth.isoformat(),
            "reason": "assessment",
        }
        found = client.post("/api/v1/searches", json=search, headers=as_practitioner)
        assert found.status_code == 200, found.text
        assert found.json()["results"] == []
        old = client.post(
            f"/api/v1/children/{child.cp_id.value}/views",
            json={"reason": "assessment"},
            headers=as_practitioner,
        )
        assert old.status_code == 404
        new = client.post(
            f"/api/v1/children/{new_id}/views", json={"reason": "assessment"}, headers=as_practitioner
        )
        assert new.status_code == 200
        assert new.json()["family_name"] == "Quillfeather"


def test_the_la_team_reads_and_changes_consent_and_nobody_else_does(runtime, clock, factory):
    young = replace(factory.child(la_code=HOME_LA), date_of_birth=date(2009, 3, 1))
    young = replace(young, involvements=(*young.involvements, factory.involvement(ServiceType.SEXUAL_HEALTH)))
    (child,) = store_children(runtime, [young])
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    stranger = make_account(runtime, Role.LA_DATA_ADMIN, la_code=OTHER_LA)
    url = f"/api/v1/children/{child.cp_id.value}"
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        as_admin = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}
        as_stranger = {"Authorization": f"Bearer {api_token(client, clock, stranger)}"}
        assert client.get(f"{url}/consents", headers=as_stranger).status_code == 404
        consents = client.get(f"{url}/consents", headers=as_admin).json()
        assert consents["extension_basis"] is None
        (sensitive,) = consents["sensitive"]
        assert (sensitive["service"], sensitive["withdrawable"]) == ("sexual_health", True)

        kept = client.post(
            f"{url}/retention-consent",
            json={
                "basis": "care_leaver",
                "consented_on": "2026-11-20",
                "expected_version": consents["version"],
            },
            headers=as_admin,
        )
        assert kept.status_code == 200, kept.text
        stale = client.post(
            f"{url}/involvements/{sensitive['index']}/consent-withdrawal",
            json={"expected_version": consents["version"]},
            headers=as_admin,
        )
        assert stale.status_code == 409
        removed = client.post(
            f"{url}/involvements/{sensitive['index']}/consent-withdrawal",
            json={"expected_version": kept.json()["version"]},
            headers=as_admin,
        )
        assert removed.status_code == 200, removed.text
        after = client.get(f"{url}/consents", headers=as_admin).json()
        assert (after["extension_basis"], after["kept_until"], after["sensitive"]) == (
            "care_leaver",
            "2034-03-01",
            [],
        )
