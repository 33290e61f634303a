"""The API's schema says what it accepts, and every refusal or failure has the API's shape, over real
HTTP on SQLite and PostgreSQL: an ID whose check digit fails is a 422 like any invalid field (and the
OpenAPI document says so), only ISO 8601 strings are dates, a 405 names every method the path serves,
and a failure nothing handled is a JSON (API) or HTML (UI) 500, never plain text or a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from contactpoint.access.roles import Role
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.web.config import PRE_SESSION_COOKIE
from tests.websupport import api_token, live_server, make_account


@contextmanager
def _served(runtime: Runtime) -> Iterator[httpx.Client]:
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client


def _failing_check_digit() -> str:
    good = ContactPointId.generate().value
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def _is_request_validation_error(response: httpx.Response) -> bool:
    body = response.json()
    return response.status_code == 422 and body["error"] == "invalid" and bool(body.get("problems"))


def test_an_id_failing_its_check_digit_is_a_422_of_one_shape_in_paths_and_bodies(
    runtime: Runtime, clock: FixedClock
) -> None:
    bad = _failing_check_digit()
    practitioner = make_account(runtime, Role.PRACTITIONER)
    auditor = make_account(runtime, Role.AUDITOR)
    data_admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with _served(runtime) as client:
        as_practitioner = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        as_auditor = {"Authorization": f"Bearer {api_token(client, clock, auditor)}"}
        as_data_admin = {"Authorization": f"Bearer {api_token(client, clock, data_admin)}"}
        answers = [
            client.post(
                f"/api/v1/children/{bad}/views", json={"reason": "service_delivery"}, headers=as_practitioner
            ),
            client.post("/api/v1/audit/queries", json={"cp_id": bad}, headers=as_auditor),
            client.post("/api/v1/audit/queries", json={"cp_id": "abcdefghijkl"}, headers=as_auditor),
            client.post(
                "/api/v1/subject-access-reports",
                json={"cp_id": bad, "requester": "child"},
                headers=as_auditor,
            ),
            client.post(
                "/api/v1/shielding-requests",
                json={"cp_id": bad, "action": "shield", "reason": "risk of harm"},
                headers=as_data_admin,
            ),
        ]
        document = client.get("/api/v1/openapi.json").json()

    for answer in answers:
        assert _is_request_validation_error(answer), answer.text
    view = document["paths"]["/api/v1/children/{cp_id}/views"]["post"]
    (param,) = [p for p in view["parameters"] if p["name"] == "cp_id"]
    assert param["schema"]["pattern"] == r"^[0-9]{12}$"
    assert param["schema"]["x-check-digit"] == "damm"
    assert "check digit" in param["schema"]["description"]
    subject_access = document["components"]["schemas"]["SubjectAccessCreate"]["properties"]["cp_id"]
    assert subject_access["x-check-digit"] == "damm"


@pytest.mark.parametrize("value", [0, 1_700_000_000, 1.5, True, "yesterday", "2024-13-01", ""])
def test_only_iso_8601_strings_are_dates_or_times(runtime: Runtime, clock: FixedClock, value: Any) -> None:
    auditor = make_account(runtime, Role.AUDITOR)
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with _served(runtime) as client:
        as_auditor = {"Authorization": f"Bearer {api_token(client, clock, auditor)}"}
        as_practitioner = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        until = client.post("/api/v1/audit/queries", json={"until": value}, headers=as_auditor)
        since = client.post("/api/v1/audit/queries", json={"since": value}, headers=as_auditor)
        born = client.post(
            "/api/v1/searches",
            json={"family_name": "Smith", "date_of_birth": value, "reason": "service_delivery"},
            headers=as_practitioner,
        )
        fine = client.post(
            "/api/v1/audit/queries", json={"until": "2026-01-01T00:00:00Z"}, headers=as_auditor
        )

    for refused in (until, since, born):
        assert _is_request_validation_error(refused), refused.text
    assert fine.status_code == 200, fine.text


def test_a_405_names_every_method_the_path_serves(runtime: Runtime) -> None:
    with _served(runtime) as client:
        api = client.patch("/api/v1/users", json={})
        ui = client.put("/users")
        sessions = client.get("/api/v1/sessions")

    assert api.status_code == 405
    assert set(api.headers["allow"].split(", ")) == {"GET", "POST"}
    assert api.json()["error"] == "http"
    assert ui.status_code == 405
    assert set(ui.headers["allow"].split(", ")) == {"GET", "POST"}
    assert sessions.status_code == 405
    assert sessions.headers["allow"] == "POST"


def test_a_failure_nothing_handled_is_a_json_or_html_500_never_plain_text(runtime: Runtime) -> None:
    with _served(runtime) as client:
        pre = client.get("/sign-in").cookies[PRE_SESSION_COOKIE]
        with runtime.engine.begin() as connection:  # a store broken under the running service
            connection.execute(text("DROP TABLE sign_in_throttle"))
        api = client.post(
            "/api/v1/sessions", json={"username": "someone", "password": "x" * 12, "code": "123456"}
        )
        ui = client.post(
            "/sign-in",
            data={"username": "someone", "password": "x" * 12, "csrf_token": pre},
            headers={"Cookie": f"{PRE_SESSION_COOKIE}={pre}"},
        )

    assert api.status_code == 500
    assert api.headers["content-type"].startswith("application/json")
    assert api.json()["error"] == "server_error"
    assert "Traceback" not in api.text
    assert "sign_in_throttle" not in api.text
    assert ui.status_code == 500
    assert ui.headers["content-type"].startswith("text/html")
    assert "Traceback" not in ui.text
    assert "sign_in_throttle" not in ui.text
    assert ui.headers["content-security-policy"]  # the security headers still apply
