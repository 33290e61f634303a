"""A store whose write lock someone else holds (a backup, an operator's command, a transaction left
open) answers 503 with Retry-After on the UI, the API and FHIR alike, not a 500.

The lock is real: on SQLite another connection's `BEGIN IMMEDIATE`, on PostgreSQL another
transaction's exclusive locks on the tables every one of these requests writes (the sign-in
throttle, the audit head). Over real HTTP, SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from contactpoint.app.runtime import Runtime
from contactpoint.settings import Settings
from contactpoint.web.config import PRE_SESSION_COOKIE
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from tests.fhirsupport import organisation
from tests.websupport import PASSWORD, live_server

WAIT = 1.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, waiting a second for a lock rather than ten."""
    return settings.model_copy(update={"store_lock_wait_seconds": WAIT})


@contextmanager
def held_write_lock(runtime: Runtime) -> Iterator[None]:
    """Hold the store's write lock from another connection, as a backup or an open transaction does."""
    url = runtime.engine.url
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(str(url.database), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as holder:
        holder.execute("LOCK TABLE sign_in_throttle, audit_head IN EXCLUSIVE MODE")
        yield
        holder.rollback()


def _api(client: httpx.Client) -> httpx.Response:
    return client.post(
        "/api/v1/sessions", json={"username": "someone", "password": PASSWORD, "code": "000000"}
    )


def _ui(client: httpx.Client) -> httpx.Response:
    pre = client.get("/sign-in").cookies[PRE_SESSION_COOKIE]
    return client.post(
        "/sign-in",
        data={"username": "someone", "password": PASSWORD, "csrf_token": pre},
        headers={"Cookie": f"{PRE_SESSION_COOKIE}={pre}"},
    )


@pytest.mark.parametrize("surface", ["api", "ui", "fhir"])
def test_a_held_write_lock_is_answered_503_with_retry_after_on_every_surface(
    runtime: Runtime, surface: str
) -> None:
    org = organisation(runtime)
    fhir_headers = {
        "Authorization": f"Bearer {org.key}",
        PRACTITIONER_HEADER: org.practitioner.username,
        REASON_HEADER: "assessment",
    }
    requests: dict[str, Callable[[httpx.Client], httpx.Response]] = {
        "api": _api,
        "ui": _ui,
        "fhir": lambda client: client.get(
            "/fhir/Patient", params={"family": "Pemberton", "birthdate": "2016-04-09"}, headers=fhir_headers
        ),
    }
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=30) as client:
        before = requests[surface](client)
        assert before.status_code < 500, before.text
        with held_write_lock(runtime):
            started = time.monotonic()
            answer = requests[surface](client)
            waited = time.monotonic() - started
        after = requests[surface](client)
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["Retry-After"]) > 0
    assert WAIT <= waited < WAIT + 5
    assert after.status_code == before.status_code
    if surface == "fhir":
        assert answer.json()["resourceType"] == "OperationOutcome"
    elif surface == "api":
        assert answer.json()["error"] == "unavailable"
