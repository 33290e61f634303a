"""Sessions over real HTTP with a frozen clock: 15-minute idle and 12-hour absolute limits, ended at
once by suspension or sign-out; CSRF on every form; strict security headers."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import set_suspended
from tests.websupport import PASSWORD, api_token, live_server, make_account, next_code, ui_token


@pytest.fixture
def server(runtime):
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        yield client


def _me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_session_idles_out_after_15_minutes_without_activity(runtime, clock, server):
    token = api_token(server, clock, make_account(runtime, Role.PRACTITIONER))
    clock.advance(timedelta(minutes=14))
    assert _me(server, token).status_code == 200
    clock.advance(timedelta(minutes=14))
    assert _me(server, token).status_code == 200
    clock.advance(timedelta(minutes=15))
    assert _me(server, token).status_code == 401
    clock.advance(timedelta(seconds=1))
    assert _me(server, token).status_code == 401  # ended, not merely idle


def test_a_session_ends_after_12_hours_however_active(runtime, clock, server):
    token = api_token(server, clock, make_account(runtime, Role.PRACTITIONER))
    for _ in range(12 * 6 - 1):
        clock.advance(timedelta(minutes=10))
        assert _me(server, token).status_code == 200
    clock.advance(timedelta(minutes=10))
    assert _me(server, token).status_code == 401


def test_suspension_ends_every_session_at_once(runtime, clock, server):
    admin = make_account(runtime, Role.LA_USER_ADMIN)
    practitioner = make_account(runtime, Role.PRACTITIONER)
    token = api_token(server, clock, practitioner)
    admin_token = api_token(server, clock, admin)
    response = server.post(
        f"/api/v1/users/{practitioner.user_id}/suspension", headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert response.status_code == 204
    assert _me(server, token).status_code == 401
    with runtime.unit_of_work() as uow:
        assert uow.sessions.get(runtime.token_hasher.digest(token)) is None
    code = next_code(clock, practitioner)
    again = server.post(
        "/api/v1/sessions", json={"username": practitioner.username, "password": PASSWORD, "code": code}
    )
    assert again.status_code == 401


def test_signing_out_ends_the_token(runtime, clock, server):
    token = api_token(server, clock, make_account(runtime, Role.AUDITOR))
    assert (
        server.delete("/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}).status_code
        == 204
    )
    assert _me(server, token).status_code == 401


def test_a_password_alone_does_not_make_a_session(runtime, clock, server):
    account = make_account(runtime, Role.PRACTITIONER)
    wrong = server.post(
        "/api/v1/sessions", json={"username": account.username, "password": PASSWORD, "code": "000000"}
    )
    assert wrong.status_code == 401
    assert "token" not in wrong.text


def test_a_ui_form_without_the_csrf_token_is_refused(runtime, clock, server):
    token = ui_token(server, clock, make_account(runtime, Role.PRACTITIONER))
    cookie = {"Cookie": f"__Host-cp_session={token}"}
    form = {
        "family_name": "Smith",
        "dob_day": "1",
        "dob_month": "2",
        "dob_year": "2015",
        "reason": "assessment",
    }
    refused = server.post("/search", data={**form, "csrf_token": "forged"}, headers=cookie)
    assert refused.status_code == 403
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    assert held is not None
    accepted = server.post("/search", data={**form, "csrf_token": held.csrf_token}, headers=cookie)
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith("/search/results/")


def test_a_ui_session_token_is_no_api_bearer_token_and_an_api_token_no_ui_cookie(runtime, clock, server):
    account = make_account(runtime, Role.PRACTITIONER)
    from_ui, from_api = ui_token(server, clock, account), api_token(server, clock, account)
    assert server.get("/", headers={"Cookie": f"__Host-cp_session={from_ui}"}).status_code == 200
    assert _me(server, from_api).status_code == 200
    assert _me(server, from_ui).status_code == 401
    as_cookie = server.get("/", headers={"Cookie": f"__Host-cp_session={from_api}"})
    assert as_cookie.status_code != 200
    assert account.username not in as_cookie.text


def test_pages_and_api_responses_carry_strict_security_headers(runtime, clock, server):
    for response in (server.get("/sign-in"), server.get("/api/v1/openapi.json")):
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "script-src" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["strict-transport-security"].startswith("max-age=")
        assert headers["cache-control"] == "no-store"
        assert headers["referrer-policy"] == "no-referrer"


def test_the_session_cookie_is_host_prefixed_secure_httponly_and_same_site_strict(runtime, clock, server):
    account = make_account(runtime, Role.PRACTITIONER)
    token = server.get("/sign-in").cookies["__Host-cp_presession"]
    response = server.post(
        "/sign-in",
        data={"username": account.username, "password": PASSWORD, "csrf_token": token},
        headers={"Cookie": f"__Host-cp_presession={token}"},
    )
    assert response.status_code == 303
    set_cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "cp_session" in v)
    assert set_cookie.startswith("__Host-cp_session=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=strict", "Secure"):
        assert attribute.lower() in set_cookie.lower()
    assert "domain" not in set_cookie.lower()


def test_suspending_is_refused_for_another_las_accounts(runtime, clock):
    from contactpoint.access.errors import PermissionDenied  # noqa: PLC0415
    from contactpoint.app.accounts.accounts import principal_of  # noqa: PLC0415

    admin = make_account(runtime, Role.LA_USER_ADMIN, la_code="201")
    other = make_account(runtime, Role.PRACTITIONER, la_code="202")
    with runtime.unit_of_work() as uow:
        principal = principal_of(uow.users.get(admin.user_id))
    with pytest.raises(PermissionDenied):
        set_suspended(runtime, principal, other.user_id, suspended=True)
