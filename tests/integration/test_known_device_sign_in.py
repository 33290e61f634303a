"""Strangers' failed guesses at an account, from many addresses, must not keep its holder out (red
team: denial of sign-in). A client that has signed in to the account before brings its known-device
token and is not counted per account; strangers still are, and are still slowed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import httpx

from contactpoint.access import throttle, totp
from contactpoint.access.roles import Role
from tests.websupport import Account, live_server, make_account

WRONG = "not-the-password"


def _attempt(base: str, address: str, body: Mapping[str, str | None]) -> httpx.Response:
    """A sign-in over the API from one loopback address (a botnet's, or an IPv6 /64's, in life)."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, base_url=base) as client:
        return client.post("/api/v1/sessions", json=body)


def _owner(account: Account, code: str, device: str | None = None) -> dict[str, str | None]:
    return {"username": account.username, "password": account.password, "code": code, "device": device}


def test_strangers_failures_do_not_keep_the_owners_known_client_out_but_still_slow_strangers(runtime, clock):
    owner = make_account(runtime, Role.AUDITOR)
    other = make_account(runtime, Role.AUDITOR)
    strangers = throttle.PER_ACCOUNT.free_attempts + 6  # the per-account wait is at its ceiling
    with live_server(runtime) as base:
        first = _attempt(base, "127.0.0.1", _owner(owner, totp.code_at(owner.secret, clock.now())))
        assert first.status_code == 201, first.text
        device = first.json()["device"]
        their_device = _attempt(base, "127.0.0.1", _owner(other, totp.code_at(other.secret, clock.now())))
        answers = []
        for n in range(strangers):
            wrong = {"username": owner.username, "password": WRONG, "code": "000000"}
            answers.append(_attempt(base, f"127.0.0.{n + 2}", wrong).status_code)
            clock.advance(timedelta(seconds=throttle.PER_ACCOUNT.max_wait_seconds))
        clock.advance(timedelta(seconds=-throttle.PER_ACCOUNT.max_wait_seconds + 5))
        code = totp.code_at(owner.secret, clock.now())
        unknown = _attempt(base, "127.0.0.1", _owner(owner, code))
        forged = _attempt(base, "127.0.0.1", _owner(owner, code, their_device.json()["device"]))
        known = _attempt(base, "127.0.0.1", _owner(owner, code, device))
        stranger = _attempt(
            base, "127.0.0.200", {"username": owner.username, "password": WRONG, "code": "000000"}
        )
        stolen = _attempt(
            base,
            "127.0.0.201",
            {"username": owner.username, "password": WRONG, "code": "000000", "device": device},
        )
    assert answers == [401] * strangers  # each counted, none kept waiting (the clock moved on)
    assert unknown.status_code == 429  # an unknown device waits, the owner's unremembered one too
    assert forged.status_code == 429  # another account's device token is an unknown device here
    assert known.status_code == 201, known.text
    assert stranger.status_code == 429  # strangers are still slowed
    assert stolen.status_code == 401  # a stolen token is held to its thief's own address's counters
