"""Concurrent sign-in guessing over real HTTP, on SQLite and PostgreSQL.

Guesses sent all at once must not share one throttle check: no more passwords or codes are verified
than the rules allow one after another, and a burst of first failures never collides on a new
counter (no 5xx). A guess is "verified" when the audit log records it as a failed step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from contactpoint.access import throttle, totp
from contactpoint.access.roles import Role
from contactpoint.app.oversight.auditing import query_audit
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.web.config import SESSION_COOKIE
from tests.security.test_sign_in_throttle import _password_stage, _wrong
from tests.websupport import PASSWORD, Account, live_server, make_account, make_principal, next_code

BURST = 16


def _all_at_once(send: Callable[[], int], count: int = BURST) -> list[int]:
    """Run `send` from `count` threads released together; their status codes."""
    start = threading.Barrier(count)

    def one(_: int) -> int:
        start.wait()
        return send()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _verified(runtime: Runtime, account: Account, step: str) -> int:
    auditor = make_principal(runtime, Role.NATIONAL_AUDITOR)
    entries = query_audit(runtime, auditor, user_id=account.user_id)
    return sum(1 for e in entries if e.kind == "sessions:sign-in-failed" and e.details.get("step") == step)


@pytest.mark.parametrize(
    ("step", "limit"),
    [
        ("password", throttle.PER_ACCOUNT_AND_ADDRESS.free_attempts),
        ("code", throttle.CODES_PER_ACCOUNT.free_attempts),
    ],
)
def test_a_burst_of_guesses_verifies_no_more_than_the_rule_allows_and_never_fails_with_a_5xx(
    runtime: Runtime, clock: FixedClock, step: str, limit: int
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    wrong_code = _wrong(totp.code_at(account.secret, clock.now()))
    password = "not the password at all" if step == "password" else PASSWORD
    body = {"username": account.username, "password": password, "code": wrong_code}
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        statuses = _all_at_once(lambda: client.post("/api/v1/sessions", json=body).status_code)

    assert all(s < 500 for s in statuses), statuses
    assert set(statuses) <= {401, 429}, statuses
    assert _verified(runtime, account, step) <= limit
    assert statuses.count(401) <= limit


def test_a_burst_of_codes_on_one_password_stage_verifies_at_most_a_handful(
    runtime: Runtime, clock: FixedClock
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    wrong_code = _wrong(totp.code_at(account.secret, clock.now()))
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        token, csrf = _password_stage(client, account)

        def guess() -> int:
            return client.post(
                "/sign-in/code",
                data={"code": wrong_code, "csrf_token": csrf},
                headers={"Cookie": f"{SESSION_COOKIE}={token}"},
            ).status_code

        statuses = _all_at_once(guess)

    assert all(s < 500 for s in statuses), statuses
    assert _verified(runtime, account, "code") <= throttle.CODES_PER_STAGE.free_attempts


def test_one_code_sent_in_several_sign_ins_at_once_signs_in_once(runtime: Runtime, clock: FixedClock) -> None:
    """A code is usable once even when the sign-ins that carry it race each other."""
    account = make_account(runtime, Role.PRACTITIONER)
    code = next_code(clock, account)
    body = {"username": account.username, "password": account.password, "code": code}
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        statuses = _all_at_once(lambda: client.post("/api/v1/sessions", json=body).status_code, 8)

    assert all(s < 500 for s in statuses), statuses
    assert statuses.count(201) == 1, statuses
