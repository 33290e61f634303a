"""Helpers for the web tests: a real uvicorn server in a thread, accounts with known TOTP secrets,
children in the store. Nothing is mocked: requests go over real HTTP to the real app and database."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute

from contactpoint.access import totp
from contactpoint.access.policy import Principal
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import principal_of, provision_account
from contactpoint.app.children.records import register_children
from contactpoint.app.runtime import Runtime
from contactpoint.cli.serve import uvicorn_options
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.web.app import create_app
from contactpoint.web.config import WebConfig

PASSWORD = "correct horse battery staple"
HOME_LA = "201"
OTHER_LA = "202"
ORG_CODE = "URN100001"
ORG_NAME = "Riverside Primary School"


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(runtime: Runtime) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread, as `contactpoint serve` serves it (the
    same uvicorn options); yields its base URL."""
    port = free_port()
    options = uvicorn_options(runtime.settings)
    config = uvicorn.Config(
        create_app(runtime, WebConfig()),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        **options,  # type: ignore[arg-type]  # uvicorn's keyword types, from a dict
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass(frozen=True)
class Account:
    """A test account with everything needed to sign in."""

    user_id: int
    username: str
    password: str
    secret: str
    role: Role
    la_code: str | None


def make_account(
    runtime: Runtime,
    role: Role,
    *,
    la_code: str | None = HOME_LA,
    username: str | None = None,
    service: ServiceType = ServiceType.EDUCATION,
    org_code: str = ORG_CODE,
    enrolled: bool = True,
) -> Account:
    """An account of a role (already enrolled unless asked otherwise), with a known TOTP secret."""
    secret = totp.new_secret()
    la = None if role.is_national else la_code
    name = username or f"{role.value.replace('_', '-')}-{(la or 'national').lower()}-{secret[:6].lower()}"
    with runtime.unit_of_work() as uow:
        user_id = provision_account(
            runtime,
            uow,
            username=name,
            role=role,
            la_code=la,
            org_code=org_code if role.needs_service else None,
            org_name=ORG_NAME if role.needs_service else None,
            service=service if role.needs_service else None,
            password=PASSWORD,
            totp_secret=secret,
            enrolled=enrolled,
        )
        uow.commit()
    return Account(user_id, name, PASSWORD, secret, role, la)


def make_principal(
    runtime: Runtime,
    role: Role,
    *,
    la_code: str | None = HOME_LA,
    service: ServiceType = ServiceType.EDUCATION,
    org_code: str = ORG_CODE,
) -> Principal:
    """A new account of a role, as the policy sees it (for calling use cases directly)."""
    account = make_account(runtime, role, la_code=la_code, service=service, org_code=org_code)
    with runtime.unit_of_work() as uow:
        return principal_of(uow.users.get(account.user_id))


def next_code(clock: FixedClock, account: Account) -> str:
    """A fresh TOTP code: the clock moves on one step first, since a step's code is accepted once."""
    clock.advance(timedelta(seconds=30))
    return totp.code_at(account.secret, clock.now())


def released_password(client: httpx.Client, issued: dict[str, object], second_admin: dict[str, str]) -> str:
    """A second administrator releases a created or reset account (`issued`, the first administrator's
    answer); returns the whole one-time password its holder types: the first half, then the second."""
    released = client.post(f"/api/v1/users/{issued['id']}/approval", headers=second_admin)
    assert released.status_code == 200, released.text
    return f"{issued['password_half']}{released.json()['password_half']}"


def api_token(client: httpx.Client, clock: FixedClock, account: Account) -> str:
    """Sign in over the API; returns the bearer token."""
    response = client.post(
        "/api/v1/sessions",
        json={"username": account.username, "password": account.password, "code": next_code(clock, account)},
    )
    assert response.status_code == 201, response.text
    token: str = response.json()["token"]
    return token


def ui_token(client: httpx.Client, clock: FixedClock, account: Account) -> str:
    """Sign in through the web UI's two forms; returns the session cookie's token."""
    pre = client.get("/sign-in").cookies["__Host-cp_presession"]
    first = client.post(
        "/sign-in",
        data={"username": account.username, "password": account.password, "csrf_token": pre},
        headers={"Cookie": f"__Host-cp_presession={pre}"},
    )
    assert first.status_code == 303, first.text
    pending = first.cookies["__Host-cp_session"]
    cookie = {"Cookie": f"__Host-cp_session={pending}"}
    form = client.get("/sign-in/code", headers=cookie)
    csrf = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    second = client.post(
        "/sign-in/code", data={"code": next_code(clock, account), "csrf_token": csrf}, headers=cookie
    )
    assert second.status_code == 303, second.text
    token: str = second.cookies["__Host-cp_session"]
    return token


def store_children(runtime: Runtime, records: list[ChildRecord]) -> list[ChildRecord]:
    """Register records (new IDs are issued); returns them with their IDs."""
    stored: list[ChildRecord] = []

    def with_id(record: ChildRecord, cp_id: ContactPointId) -> ChildRecord:
        made = replace(record, cp_id=cp_id)
        stored.append(made)
        return made

    register_children(runtime, records, with_id)
    return stored


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app, inside included routers too (FastAPI keeps those as wrappers)."""

    def walk(routes: Iterable[object]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif (inner := getattr(route, "original_router", None)) is not None:
                yield from walk(inner.routes)

    return list(walk(app.routes))
