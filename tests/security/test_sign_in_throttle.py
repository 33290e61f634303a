"""Sign-in guessing over real HTTP, served as `contactpoint serve` serves it, on SQLite and PostgreSQL.

A client cannot choose the address the throttle counts (forwarded headers count only from proxies
named in settings); the second factor is limited per password-stage session and per account, so
guessing a code means giving the password again and again; and the throttle slows the attacker,
not the office whose staff share an address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx

from contactpoint.access import totp
from contactpoint.access.roles import Role
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.settings import Settings
from contactpoint.web.config import PRE_SESSION_COOKIE, SESSION_COOKIE
from tests.websupport import Account, live_server, make_account, next_code

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def _served(runtime: Runtime) -> Iterator[httpx.Client]:
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client


def _api_sign_in(
    client: httpx.Client, username: str, password: str, code: str, forwarded: str | None = None
) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    body = {"username": username, "password": password, "code": code}
    return client.post("/api/v1/sessions", json=body, headers=headers).status_code


def _guess(client: httpx.Client, clock: FixedClock, username: str, forwarded: str | None = None) -> int:
    """A wrong password from a guesser who waits out every delay asked of them."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    body = {"username": username, "password": "wrong password", "code": "000000"}
    response = client.post("/api/v1/sessions", json=body, headers=headers)
    if response.status_code == 429:
        clock.advance(timedelta(seconds=int(response.headers["Retry-After"])))
    return response.status_code


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _password_stage(client: httpx.Client, account: Account, forwarded: str | None = None) -> tuple[str, str]:
    """The web UI's first step: returns the password-stage session token and its form token."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    form = client.get("/sign-in", headers=headers)
    pre = form.cookies[PRE_SESSION_COOKIE]
    stage = client.post(
        "/sign-in",
        data={"username": account.username, "password": account.password, "csrf_token": pre},
        headers=headers | {"Cookie": f"{PRE_SESSION_COOKIE}={pre}"},
    )
    assert stage.status_code == 303, stage.text
    token = stage.cookies[SESSION_COOKIE]
    page = client.get("/sign-in/code", headers=headers | {"Cookie": f"{SESSION_COOKIE}={token}"})
    match = _CSRF.search(page.text)
    assert match is not None
    return token, match.group(1)


def _code_step(
    client: httpx.Client, token: str, csrf: str, code: str, forwarded: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/sign-in/code",
        data={"code": code, "csrf_token": csrf},
        headers=headers | {"Cookie": f"{SESSION_COOKIE}={token}"},
    )


def _signed_in(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"] == "/"


def _trusting(runtime: Runtime, proxies: list[str]) -> None:
    runtime.settings = Settings.model_validate(
        runtime.settings.model_dump() | {"forwarded_allow_ips": proxies}
    )


def test_a_forwarded_for_header_from_a_peer_not_named_as_a_proxy_does_not_move_the_throttle(
    runtime: Runtime, clock: FixedClock
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    with _served(runtime) as client:
        failed = n = 0
        while failed < 12:
            n += 1
            failed += _guess(client, clock, account.username, f"198.51.100.{n}") == 401
        right = _api_sign_in(
            client, account.username, account.password, next_code(clock, account), "198.51.100.200"
        )

    assert right == 429


def test_forwarded_addresses_count_when_the_peer_is_a_proxy_named_in_settings(
    runtime: Runtime, clock: FixedClock
) -> None:
    _trusting(runtime, ["127.0.0.1"])
    account = make_account(runtime, Role.PRACTITIONER)
    with _served(runtime) as client:
        failed = 0
        while failed < 12:
            failed += _guess(client, clock, account.username, "198.51.100.7") == 401
        guesser = _api_sign_in(
            client, account.username, account.password, next_code(clock, account), "198.51.100.7"
        )
        colleague = _api_sign_in(
            client, account.username, account.password, next_code(clock, account), "198.51.100.8"
        )

    assert guesser == 429
    assert colleague == 201


def test_a_password_stage_session_allows_a_handful_of_codes_then_ends(
    runtime: Runtime, clock: FixedClock
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    with _served(runtime) as client:
        token, csrf = _password_stage(client, account)
        for _ in range(3):
            wrong = _code_step(client, token, csrf, _wrong(next_code(clock, account)))
            assert not _signed_in(wrong)
        late = _code_step(client, token, csrf, next_code(clock, account))
        token, csrf = _password_stage(client, account)  # the password again: a new stage
        again = _code_step(client, token, csrf, next_code(clock, account))

    assert not _signed_in(late)
    assert _signed_in(again)


def test_codes_are_limited_per_account_whatever_the_address_with_growing_waits(
    runtime: Runtime, clock: FixedClock
) -> None:
    _trusting(runtime, ["127.0.0.1"])
    account = make_account(runtime, Role.PRACTITIONER)
    statuses = []
    with _served(runtime) as client:
        for n in range(4):
            token, csrf = _password_stage(client, account, f"203.0.113.{n}")
            for _ in range(2):
                code = _wrong(totp.code_at(account.secret, clock.now()))
                statuses.append(_code_step(client, token, csrf, code, f"203.0.113.{n}").status_code)
        token, csrf = _password_stage(client, account, "203.0.113.99")
        now = totp.code_at(account.secret, clock.now())  # the right code, unused so far
        right = _code_step(client, token, csrf, now, "203.0.113.99")

    assert statuses[:5] == [401] * 5
    assert 429 in statuses
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) >= 1


def test_many_failures_from_one_address_do_not_block_other_people_behind_it(
    runtime: Runtime, clock: FixedClock
) -> None:
    colleague = make_account(runtime, Role.PRACTITIONER)
    with _served(runtime) as client:
        for n in range(40):
            _guess(client, clock, f"made-up-name-{n}")
        signs_in = _api_sign_in(client, colleague.username, colleague.password, next_code(clock, colleague))

    assert signs_in == 201


def test_many_failures_against_one_colleague_do_not_block_the_others_behind_the_same_address(
    runtime: Runtime, clock: FixedClock
) -> None:
    guessed = make_account(runtime, Role.PRACTITIONER)
    colleague = make_account(runtime, Role.PRACTITIONER)
    with _served(runtime) as client:
        failed = 0
        while failed < 12:
            failed += _guess(client, clock, guessed.username) == 401
        signs_in = _api_sign_in(client, colleague.username, colleague.password, next_code(clock, colleague))

    assert signs_in == 201
