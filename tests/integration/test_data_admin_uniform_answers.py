"""An LA data administrator cannot tell a missing ContactPoint ID from another LA's child or a sealed
birth record, over real HTTP on SQLite and PostgreSQL: every route that takes an ID answers alike."""

from __future__ import annotations

from typing import Any

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import RecordStatus
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, OTHER_LA, api_token, live_server, make_account, store_children


def _calls(cp_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    shielding = {
        "cp_id": cp_id,
        "change": "shield",
        "reason": "domestic_abuse",
        "requested_by": "police",
        "review_on": "2027-03-01",
    }
    adoption = {
        "cp_id": cp_id,
        "given_name": "Rowan",
        "family_name": "Ashdown",
        "address_lines": ["1 Mill Lane"],
        "postcode": "LS6 2QT",
        "la_code": HOME_LA,
        "parents": [{"given_name": "Alex", "family_name": "Ashdown"}],
    }
    return [
        ("POST", "/api/v1/shielding-requests", shielding),
        ("POST", "/api/v1/adoption-requests", adoption),
        ("GET", f"/api/v1/children/{cp_id}/consents", None),
        ("POST", f"/api/v1/children/{cp_id}/views", {"reason": "assessment"}),
        (
            "POST",
            f"/api/v1/children/{cp_id}/retention-consent",
            {"basis": "care_leaver", "consented_on": "2026-11-01", "expected_version": 1},
        ),
        (
            "POST",
            f"/api/v1/children/{cp_id}/retention-consent/withdrawal",
            {"withdrawn_on": "2026-11-01", "expected_version": 1},
        ),
        (
            "POST",
            f"/api/v1/children/{cp_id}/involvements/0/consent-withdrawal",
            {"expected_version": 1},
        ),
    ]


def test_a_missing_id_another_las_child_and_a_sealed_record_get_the_same_answer(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    other, sealed = store_children(
        runtime,
        [factory.child(la_code=OTHER_LA), factory.child(status=RecordStatus.SEALED, la_code=HOME_LA)],
    )
    missing = ContactPointId.generate().value
    admin = make_account(runtime, Role.LA_DATA_ADMIN, la_code=HOME_LA)
    answers: dict[str, list[tuple[int, str]]] = {}
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}
        for name, cp_id in (
            ("missing", missing),
            ("other", other.cp_id.value),
            ("sealed", sealed.cp_id.value),
        ):
            answers[name] = []
            for method, path, body in _calls(cp_id):
                response = client.request(
                    method, path.replace(cp_id, "{id}").replace("{id}", cp_id), json=body, headers=headers
                )
                answers[name].append((response.status_code, response.text.replace(cp_id, "{id}")))

    assert answers["other"] == answers["missing"]
    assert answers["sealed"] == answers["missing"]
    assert all(status == 404 for status, _ in answers["missing"]), answers["missing"]
