import httpx

from contactpoint.access.roles import Role
from contactpoint.domain.vocabulary import RecordStatus
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children


def test_a_practitioner_signs_in_searches_and_opens_a_record_over_http(runtime, clock, factory):
    child = store_children(runtime, [factory.child(la_code=HOME_LA)])[0]
    shielded = store_children(runtime, [factory.child(la_code=HOME_LA, status=RecordStatus.SHIELDED)])[0]
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = api_token(client, clock, practitioner)
        auth = {"Authorization": f"Bearer {token}"}
        found = client.post(
            "/api/v1/searches",
            headers=auth,
            json={
                "family_name": child.names.current.family,
                "date_of_birth": child.date_of_birth.isoformat(),
                "reason": "assessment",
            },
        )
        assert found.status_code == 200, found.text
        assert child.cp_id.value in [r["cp_id"] for r in found.json()["results"]]
        opened = client.post(
            f"/api/v1/children/{child.cp_id.value}/views", headers=auth, json={"reason": "assessment"}
        )
        assert opened.status_code == 200, opened.text
        assert opened.json()["level"] == "full"
        limited = client.post(
            f"/api/v1/children/{shielded.cp_id.value}/views", headers=auth, json={"reason": "assessment"}
        )
        assert limited.json()["level"] == "limited"
        assert limited.json()["involvements"] == []
        assert limited.json()["address_lines"] is None
