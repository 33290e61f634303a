"""Post/redirect/get over real HTTP: a search and an opened record live at opaque URLs that only their
own session can load, until the session's idle limit; the URLs carry no personal detail, the saved
state is sealed at rest, and signing out deletes it."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from contactpoint.access.roles import Role
from contactpoint.audit.events import AuditKind
from contactpoint.store.access_models import AuditEntryRow, PageStateRow
from tests.websupport import HOME_LA, Account, live_server, make_account, store_children, ui_token


def _session(client: httpx.Client, runtime, clock, account: Account) -> tuple[dict[str, str], str]:
    token = ui_token(client, clock, account)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    assert held is not None
    return {"Cookie": f"__Host-cp_session={token}"}, held.csrf_token


def _search(client: httpx.Client, cookie: dict[str, str], csrf: str, child) -> httpx.Response:
    born = child.date_of_birth
    return client.post(
        "/search",
        headers=cookie,
        data={
            "csrf_token": csrf,
            "family_name": child.names.current.family,
            "dob_day": str(born.day),
            "dob_month": str(born.month),
            "dob_year": str(born.year),
            "reason": "assessment",
        },
    )


def _views(runtime) -> int:
    with runtime.unit_of_work() as uow:
        kinds = uow._session.execute(select(AuditEntryRow.kind)).scalars().all()
    return sum(1 for kind in kinds if kind == AuditKind.VIEW)


def test_a_search_redirects_to_results_only_its_own_session_can_load(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    family = child.names.current.family
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, make_account(runtime, Role.PRACTITIONER))
        posted = _search(client, cookie, csrf, child)
        assert posted.status_code == 303
        results = posted.headers["location"]
        assert results.startswith("/search/results/")
        assert family not in results
        assert child.cp_id.value not in results
        page = client.get(results, headers=cookie)
        assert page.status_code == 200
        assert family in page.text
        with runtime.unit_of_work() as uow:
            sealed = uow._session.execute(select(PageStateRow.sealed)).scalars().all()
        assert sealed
        assert all(family.encode() not in s and child.cp_id.value.encode() not in s for s in sealed)

        other, _ = _session(client, runtime, clock, make_account(runtime, Role.PRACTITIONER))
        stolen = client.get(results, headers=other)
        assert stolen.status_code == 303  # another session's state is unknown to it: a new search
        assert stolen.headers["location"] == "/search"

        clock.advance(timedelta(minutes=14))
        assert client.get(results, headers=cookie).status_code == 200
        clock.advance(timedelta(minutes=2))  # the session is alive (touched), the state has expired
        assert client.get(results, headers=cookie).headers["location"] == "/search"


def test_an_opened_record_is_shown_again_for_its_reason_and_each_showing_is_audited(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, make_account(runtime, Role.PRACTITIONER))
        search_id = _search(client, cookie, csrf, child).headers["location"].rsplit("/", 1)[1]
        before = _views(runtime)
        opened = client.post(
            "/record",
            headers=cookie,
            data={
                "csrf_token": csrf,
                "cp_id": child.cp_id.value,
                "reason": "assessment",
                "search_id": search_id,
            },
        )
        assert opened.status_code == 303
        record = opened.headers["location"]
        assert child.cp_id.value not in record
        assert _views(runtime) == before  # nothing shown yet, so nothing recorded yet
        first = client.get(record, headers=cookie)
        assert first.status_code == 200
        assert f'href="/search/results/{search_id}"' in first.text
        assert client.get(record, headers=cookie).status_code == 200
        assert _views(runtime) == before + 2

        signed_out = client.post("/sign-out", headers=cookie, data={"csrf_token": csrf})
        assert signed_out.headers["location"] == "/signed-out"
        with runtime.unit_of_work() as uow:
            assert uow._session.execute(select(PageStateRow)).first() is None  # gone with the session
