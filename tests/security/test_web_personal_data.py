"""No personal data leaks through the web layer: not into the audit log or any table at rest, not
into error responses, not into URLs (invariants 1 and 6, DESIGN section 6)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from contactpoint.access.roles import Role
from contactpoint.web.app import create_app
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from tests.fhirsupport import organisation
from tests.security.needles import found_in, personal_values
from tests.websupport import HOME_LA, api_routes, api_token, live_server, make_account, store_children


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_searches_views_and_involvements_leave_no_plaintext_in_the_store(runtime, clock, factory):
    records = store_children(runtime, [factory.child(la_code=HOME_LA) for _ in range(40)])
    account = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        auth = {"Authorization": f"Bearer {api_token(client, clock, account)}"}
        for record in records:
            searched = client.post(
                "/api/v1/searches",
                headers=auth,
                json={
                    "family_name": record.names.current.family,
                    "given_name": record.names.current.given,
                    "date_of_birth": record.date_of_birth.isoformat(),
                    "reason": "assessment",
                },
            )
            assert searched.status_code == 200
            viewed = client.post(
                f"/api/v1/children/{record.cp_id.value}/views", headers=auth, json={"reason": "assessment"}
            )
            assert viewed.status_code == 200
        added = client.post(
            f"/api/v1/children/{records[0].cp_id.value}/involvements",
            headers=auth,
            json={
                "practitioner_given": "Imogen",
                "practitioner_family": "Quartermaine",
                "start": "2026-09-01",
                "phone": "01632 960999",
                "expected_version": 1,
            },
        )
        assert added.status_code == 201, added.text
    url = make_url(runtime.settings.resolved_database_url())
    runtime.close()
    values = personal_values(records) | {"Quartermaine", "01632 960999"}
    for path in Path(str(url.database)).parent.iterdir():
        if path.is_file() and "contactpoint.db" in path.name:
            assert found_in(path.read_bytes(), values) == set(), f"plaintext in {path.name}"


def test_validation_errors_never_echo_what_was_sent(runtime, clock):
    account = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        auth = {"Authorization": f"Bearer {api_token(client, clock, account)}"}
        response = client.post(
            "/api/v1/searches",
            headers=auth,
            json={
                "family_name": "Zebedee-Quartermaine",
                "date_of_birth": "not a date",
                "reason": "curiosity",
            },
        )
        assert response.status_code == 422
        assert "Zebedee" not in response.text
        assert "curiosity" not in response.text
        assert "not a date" not in response.text


def test_fhir_errors_never_echo_what_was_sent(runtime):
    org = organisation(runtime)
    headers = {
        "Authorization": f"Bearer {org.key}",
        PRACTITIONER_HEADER: org.practitioner.username,
        REASON_HEADER: "assessment",
    }
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        searched = client.get(
            "/fhir/Patient",
            params={"family": "Zebedee-Quartermaine", "birthdate": "2016-13-45"},
            headers=headers,
        )
        matched = client.post(
            "/fhir/Patient/$match",
            headers=headers,
            json={"resourceType": "Patient", "name": [{"family": "Zebedee-Quartermaine"}], "birthDate": "x1"},
        )
        refused = client.get("/fhir/Patient/100000000009", headers={**headers, REASON_HEADER: "curiosity"})
    for response in (searched, matched, refused):
        assert response.status_code == 422
        assert response.json()["resourceType"] == "OperationOutcome"
        for sent in ("Zebedee", "2016-13-45", "x1", "curiosity"):
            assert sent not in response.text


# The only parameters a UI URL takes: the random IDs of saved page states (app/accounts/page_states.py).
OPAQUE_STATE_IDS = re.compile(r"\{(search_id|record_id|query_id|consent_id|report_id)\}")


def test_the_ui_never_puts_names_or_ids_in_urls(runtime):
    ui_paths = [r.path for r in api_routes(create_app(runtime)) if not r.path.startswith(("/api/", "/fhir/"))]
    assert "/search" in ui_paths
    for path in ui_paths:
        assert "{" not in OPAQUE_STATE_IDS.sub("", path), f"{path} takes a parameter in its URL"
