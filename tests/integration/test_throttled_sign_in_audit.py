"""Sign-in attempts the throttle refuses (429) are audited, once per counter and wait, so a flood
of refused guesses leaves a trail without flooding the log (red team)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from contactpoint.access import throttle
from contactpoint.access.roles import Role
from contactpoint.app.oversight.auditing import verify_audit
from contactpoint.app.runtime import Runtime
from tests.websupport import live_server, make_account


def _throttled(runtime: Runtime) -> int:
    with runtime.unit_of_work() as uow:
        return sum(e.kind == "sessions:sign-in-throttled" for e in uow.audit.iter_entries())


def test_refused_sign_ins_are_audited_once_per_wait(runtime, clock):
    account = make_account(runtime, Role.AUDITOR)
    wrong = {"username": account.username, "password": "not-the-password", "code": "000000"}
    free = throttle.PER_ACCOUNT_AND_ADDRESS.free_attempts
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        counted = [client.post("/api/v1/sessions", json=wrong).status_code for _ in range(free)]
        refused = [client.post("/api/v1/sessions", json=wrong).status_code for _ in range(4)]
        first_wait = _throttled(runtime)
        clock.advance(timedelta(seconds=5))
        later = client.post("/api/v1/sessions", json=wrong).status_code  # counted: a longer wait begins
        refused_again = [client.post("/api/v1/sessions", json=wrong).status_code for _ in range(3)]
    assert counted == [401] * free
    assert refused == [429] * 4
    assert later == 401
    assert refused_again == [429] * 3
    assert first_wait == 1
    assert _throttled(runtime) == 2
    assert verify_audit(runtime).ok
