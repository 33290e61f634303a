"""A session row written into the database by someone without the keys signs nobody in.

Someone who can write the database but holds no key inserts a `user_sessions` row for the
child-protection account, keyed by the hash of a token they chose, and presents that token. The
row's key is HMAC under a keyring-derived key, so their row is never found: the API and the UI
answer as to anyone signed out. A session the application started still works. SQLite and
PostgreSQL, over real HTTP.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import httpx
import pytest
from sqlalchemy import text

from contactpoint.access.roles import Role
from contactpoint.access.tokens import Channel, new_session_token
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.web.config import SESSION_COOKIE
from tests.websupport import api_token, live_server, make_account


def _plant_session(runtime: Runtime, user_id: int, digest: bytes, now: datetime) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO user_sessions (token_hash, user_id, stage, csrf_token, created_at, last_seen_at)"
                " VALUES (:digest, :user_id, 'full', :csrf, :now, :now)"
            ),
            {"digest": digest, "user_id": user_id, "csrf": "x" * 43, "now": now},
        )


@pytest.mark.parametrize("channel", [Channel.API, Channel.UI])
def test_a_session_row_planted_with_a_chosen_tokens_hash_signs_nobody_in(
    runtime: Runtime, clock: FixedClock, channel: Channel
) -> None:
    victim = make_account(runtime, Role.CHILD_PROTECTION)
    token = new_session_token(channel)
    _plant_session(runtime, victim.user_id, hashlib.sha256(token.encode()).digest(), clock.now())
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        if channel is Channel.API:
            answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 401
        else:
            answer = client.get("/", headers={"Cookie": f"{SESSION_COOKIE}={token}"}, follow_redirects=False)
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/sign-in")


def test_the_database_keeps_no_plain_hash_of_a_real_session_token(
    runtime: Runtime, clock: FixedClock
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = api_token(client, clock, account)
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    with runtime.engine.connect() as connection:
        kept = set(connection.scalars(text("SELECT token_hash FROM user_sessions")).all())
    assert hashlib.sha256(token.encode()).digest() not in kept
    assert runtime.token_hasher.digest(token) in kept
    assert runtime.token_hasher.digest(f"api.{secrets.token_urlsafe(32)}") not in kept
