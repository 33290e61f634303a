"""Password change over real HTTP, on SQLite and PostgreSQL.

A password an administrator set is one-time: after both factors the session can do nothing but change
it (the UI sends every page to the change form, the API answers 403 `password_change_required`), and it
stops working when unused for a week. A change is always offered; it needs the current password,
follows NIST SP 800-63B (length, no commonly breached password, not the username), ends every other
session of the account and is audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest

from contactpoint.access import passwords, totp
from contactpoint.access.roles import Role
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditKind
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.web.config import PRE_SESSION_COOKIE, SESSION_COOKIE
from tests.websupport import HOME_LA, api_token, live_server, make_account, released_password, ui_token

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET = re.compile(r'id="totp-secret">([A-Z2-7]+)<')
NEW_PASSWORD = "staple orbit kettle lantern"


@contextmanager
def _served(runtime: Runtime) -> Iterator[httpx.Client]:
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


def _new_practitioner(client: httpx.Client, runtime: Runtime, clock: FixedClock) -> dict[str, str]:
    register_organisation(runtime, "URN123456", "Hilltop Primary School", HOME_LA, [ServiceType.EDUCATION])
    admin = api_token(client, clock, make_account(runtime, Role.LA_USER_ADMIN))
    body = {
        "username": "new.teacher",
        "role": "practitioner",
        "la_code": HOME_LA,
        "org_code": "URN123456",
        "service": "education",
    }
    created = client.post("/api/v1/users", json=body, headers=_bearer(admin))
    assert created.status_code == 201, created.text
    second = api_token(client, clock, make_account(runtime, Role.LA_USER_ADMIN))
    password = released_password(client, created.json(), _bearer(second))
    return {"username": "new.teacher", "password": password, "admin": admin}


def _enrol_in_the_ui(
    client: httpx.Client, clock: FixedClock, username: str, password: str
) -> tuple[str, str]:
    """Password, then enrolment; returns the session token and the TOTP secret."""
    pre = client.get("/sign-in").cookies[PRE_SESSION_COOKIE]
    first = client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": pre},
        headers={"Cookie": f"{PRE_SESSION_COOKIE}={pre}"},
    )
    assert (first.status_code, first.headers.get("location")) == (303, "/sign-in/enrol"), first.text
    pending = first.cookies[SESSION_COOKIE]
    page = client.get("/sign-in/enrol", headers=_cookie(pending))
    secret, csrf = _SECRET.search(page.text), _CSRF.search(page.text)
    assert secret is not None
    assert csrf is not None
    clock.advance(timedelta(seconds=30))
    second = client.post(
        "/sign-in/code",
        data={"code": totp.code_at(secret.group(1), clock.now()), "csrf_token": csrf.group(1)},
        headers=_cookie(pending),
    )
    assert second.status_code == 303, second.text
    assert second.headers["location"] == "/account/password"
    return second.cookies[SESSION_COOKIE], secret.group(1)


def _api_sign_in(
    client: httpx.Client, clock: FixedClock, username: str, password: str, secret: str
) -> httpx.Response:
    clock.advance(timedelta(seconds=30))
    body = {"username": username, "password": password, "code": totp.code_at(secret, clock.now())}
    return client.post("/api/v1/sessions", json=body)


def test_a_one_time_password_buys_a_session_that_can_only_change_it(
    runtime: Runtime, clock: FixedClock
) -> None:
    with _served(runtime) as client:
        made = _new_practitioner(client, runtime, clock)
        ui, secret = _enrol_in_the_ui(client, clock, made["username"], made["password"])
        home = client.get("/", headers=_cookie(ui))
        search = client.get("/search", headers=_cookie(ui))
        form = client.get("/account/password", headers=_cookie(ui))

        signed = _api_sign_in(client, clock, made["username"], made["password"], secret)
        token = signed.json()["token"]
        me = client.get("/api/v1/me", headers=_bearer(token))
        searched = client.post(
            "/api/v1/searches",
            json={"given_name": "Amelia", "family_name": "Smith", "reason": "service_delivery"},
            headers=_bearer(token),
        )
        changed = client.post(
            "/api/v1/me/password",
            json={"current_password": made["password"], "new_password": NEW_PASSWORD},
            headers=_bearer(token),
        )
        me_after = client.get("/api/v1/me", headers=_bearer(token))
        ui_after = client.get("/", headers=_cookie(ui))
        again = _api_sign_in(client, clock, made["username"], NEW_PASSWORD, secret)
        old = _api_sign_in(client, clock, made["username"], made["password"], secret)

    assert (home.status_code, home.headers["location"]) == (303, "/account/password")
    assert (search.status_code, search.headers["location"]) == (303, "/account/password")
    assert form.status_code == 200
    assert "one-time password" in form.text
    assert signed.status_code == 201
    assert signed.json()["password_change_required"] is True
    assert me.status_code == 403
    assert me.json()["error"] == "password_change_required"
    assert searched.status_code == 403
    assert searched.json()["error"] == "password_change_required"
    assert changed.status_code == 204, changed.text
    assert me_after.status_code == 200
    assert (ui_after.status_code, ui_after.headers["location"]) == (303, "/sign-in")  # other session ended
    assert again.status_code == 201
    assert again.json()["password_change_required"] is False
    assert old.status_code == 401
    with runtime.unit_of_work() as uow:
        user = uow.users.by_username(made["username"])
        assert user is not None
        assert not user.password_must_change
        changes = [e for e in uow.audit.iter_entries() if e.kind == AuditKind.PASSWORD_CHANGED]
    assert [e.actor_id for e in changes] == [user.id]


def test_an_unused_one_time_password_expires_after_a_week(runtime: Runtime, clock: FixedClock) -> None:
    with _served(runtime) as client:
        made = _new_practitioner(client, runtime, clock)
        clock.advance(timedelta(days=7, minutes=1))
        pre = client.get("/sign-in").cookies[PRE_SESSION_COOKIE]
        answer = client.post(
            "/sign-in",
            data={"username": made["username"], "password": made["password"], "csrf_token": pre},
            headers={"Cookie": f"{PRE_SESSION_COOKIE}={pre}"},
        )
    assert answer.status_code == 401
    assert "expired" in answer.text


def test_a_change_is_always_offered_needs_the_current_password_and_ends_other_sessions(
    runtime: Runtime, clock: FixedClock
) -> None:
    account = make_account(runtime, Role.PRACTITIONER, username="jo.bloggs")
    with _served(runtime) as client:
        first = api_token(client, clock, account)
        second = api_token(client, clock, account)
        ui = ui_token(client, clock, account)
        page = client.get("/account/password", headers=_cookie(ui))
        csrf = _CSRF.search(page.text)
        assert csrf is not None

        def change(current: str, new: str) -> httpx.Response:
            body = {"current_password": current, "new_password": new}
            return client.post("/api/v1/me/password", json=body, headers=_bearer(first))

        wrong_current = change("not my password", NEW_PASSWORD)
        short = change(account.password, "short one")
        common = change(account.password, "qwerty123456")
        with_name = change(account.password, "bloggs-is-my-password")
        same = change(account.password, account.password)
        ui_wrong = client.post(
            "/account/password",
            data={"current_password": "nope", "new_password": NEW_PASSWORD, "csrf_token": csrf.group(1)},
            headers=_cookie(ui),
        )
        good = change(account.password, NEW_PASSWORD)
        still = client.get("/api/v1/me", headers=_bearer(first))
        ended = client.get("/api/v1/me", headers=_bearer(second))
        ui_ended = client.get("/", headers=_cookie(ui))

    assert page.status_code == 200
    assert wrong_current.status_code == 422
    assert wrong_current.json()["field"] == "current_password"
    for refused in (short, common, with_name, same):
        assert (refused.status_code, refused.json()["field"]) == (422, "new_password"), refused.text
    assert ui_wrong.status_code == 422
    assert good.status_code == 204
    assert still.status_code == 200
    assert ended.status_code == 401
    assert ui_ended.status_code == 303


@pytest.mark.parametrize("password", ["password1234", "Qwerty123456", "iloveyou1234!", "123456789123"])
def test_commonly_breached_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        passwords.check_chosen_password(password, username="someone")


def test_long_passphrases_of_any_characters_are_accepted() -> None:
    passwords.check_chosen_password("ünïcödé correct horse 🐎 battery", username="someone")
    passwords.check_chosen_password("x" * 128, username="someone")
    with pytest.raises(ValidationError):
        passwords.check_chosen_password("x" * 129, username="someone")
