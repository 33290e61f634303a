"""User administration over HTTP: LA user administrators create and suspend practitioners of their own
LA only; national administrators create administrators and auditors; new accounts enrol TOTP first."""

from __future__ import annotations

import httpx
import pytest

from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import begin_sign_in
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.domain.vocabulary import ServiceType
from tests.websupport import api_token, live_server, make_account, released_password


@pytest.fixture
def client(runtime):
    register_organisation(runtime, "URN123456", "Hilltop Primary School", "201", [ServiceType.EDUCATION])
    with live_server(runtime) as base, httpx.Client(base_url=base) as http:
        yield http


def _bearer(client, clock, account):
    return {"Authorization": f"Bearer {api_token(client, clock, account)}"}


def test_an_la_user_administrator_creates_a_practitioner_who_must_enrol_first(runtime, clock, client):
    admin = _bearer(client, clock, make_account(runtime, Role.LA_USER_ADMIN, la_code="201"))
    second = _bearer(client, clock, make_account(runtime, Role.LA_USER_ADMIN, la_code="201"))
    created = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "new.teacher",
            "role": "practitioner",
            "la_code": "201",
            "org_code": "URN123456",
            "org_name": "Hilltop Primary School",
            "service": "education",
            "family_name": "Hilltop",
            "home_postcode": "LS6 2QT",
        },
    )
    assert created.status_code == 201, created.text
    with runtime.unit_of_work() as uow:
        holder = uow.users.by_username("new.teacher")
    assert holder is not None
    assert holder.affinity is not None
    assert holder.affinity.surname_key is not None
    assert holder.affinity.postcode_key is not None
    password = released_password(client, created.json(), second)
    grant = begin_sign_in(runtime, "new.teacher", password, "127.0.0.1")
    assert grant.stage == "enrol"
    listed = client.get("/api/v1/users", headers=admin).json()
    assert "new.teacher" in [u["username"] for u in listed]
    assert all(u["la_code"] == "201" for u in listed)


@pytest.mark.parametrize(
    ("role", "la_code"),
    [("practitioner", "202"), ("auditor", "201"), ("national_admin", None), ("la_user_admin", "201")],
)
def test_an_la_user_administrator_creates_nothing_outside_their_la_or_above_practitioners(
    runtime, clock, client, role, la_code
):
    admin = _bearer(client, clock, make_account(runtime, Role.LA_USER_ADMIN, la_code="201"))
    body = {"username": "someone.else", "role": role, "la_code": la_code}
    if role == "practitioner":
        body |= {"org_code": "URN123456", "org_name": "Hilltop Primary School", "service": "education"}
    assert client.post("/api/v1/users", headers=admin, json=body).status_code == 403


def test_the_national_administrator_creates_la_administrators_and_auditors_but_no_practitioners(
    runtime, clock, client
):
    national = _bearer(client, clock, make_account(runtime, Role.NATIONAL_ADMIN))
    for role in ("la_user_admin", "la_data_admin", "auditor"):
        body = {"username": f"{role.replace('_', '-')}-201", "role": role, "la_code": "201"}
        assert client.post("/api/v1/users", headers=national, json=body).status_code == 201
    practitioner = {
        "username": "not-allowed",
        "role": "practitioner",
        "la_code": "201",
        "org_code": "URN123456",
        "org_name": "Hilltop Primary School",
        "service": "education",
    }
    assert client.post("/api/v1/users", headers=national, json=practitioner).status_code == 403


def test_unknown_fields_are_rejected_not_dropped(runtime, clock, client):
    admin = _bearer(client, clock, make_account(runtime, Role.LA_USER_ADMIN, la_code="201"))
    body = {"username": "new.nurse", "role": "practitioner", "la_code": "201", "notes": "case information"}
    response = client.post("/api/v1/users", headers=admin, json=body)
    assert response.status_code == 422
    assert "case information" not in response.text


def test_a_reset_gives_a_new_password_ends_sessions_and_requires_enrolment_again(runtime, clock, client):
    admin = _bearer(client, clock, make_account(runtime, Role.LA_USER_ADMIN, la_code="201"))
    second = _bearer(client, clock, make_account(runtime, Role.LA_USER_ADMIN, la_code="201"))
    practitioner = make_account(runtime, Role.PRACTITIONER, la_code="201")
    token = api_token(client, clock, practitioner)
    reset = client.post(f"/api/v1/users/{practitioner.user_id}/reset", headers=admin)
    assert reset.status_code == 200, reset.text
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    password = released_password(client, reset.json(), second)
    grant = begin_sign_in(runtime, practitioner.username, password, "127.0.0.1")
    assert grant.stage == "enrol"
