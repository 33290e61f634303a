"""The audit log's results page over real HTTP: the count of entries found, fifty a page, GOV.UK
pagination between the pages of one saved query, and every entry on exactly one page."""

from __future__ import annotations

import re

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.children.view import view_child
from tests.websupport import HOME_LA, live_server, make_account, make_principal, store_children, ui_token

VIEWS = 61


def test_a_query_of_many_entries_is_counted_and_paged_fifty_at_a_time(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    practitioner = make_principal(runtime, Role.PRACTITIONER)
    for _ in range(VIEWS):
        view_child(runtime, practitioner, child.cp_id, AccessReason.SERVICE_DELIVERY)
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = ui_token(client, clock, auditor)
        with runtime.unit_of_work() as uow:
            held = uow.sessions.get(runtime.token_hasher.digest(token))
        assert held is not None
        cookie = {"Cookie": f"__Host-cp_session={token}"}
        form = {"csrf_token": held.csrf_token, "user_id": str(practitioner.user_id)}
        asked = client.post("/audit", headers=cookie, data=form)
        assert asked.status_code == 303
        results = asked.headers["location"]
        first = client.get(results, headers=cookie).text
        second = client.get(f"{results}?page=2", headers=cookie).text
    seen = [re.findall(r"Entry (\d+)</span>", page) for page in (first, second)]
    assert [len(entries) for entries in seen] == [50, VIEWS - 50]
    assert not set(seen[0]) & set(seen[1])
    assert f"{VIEWS} entries" in re.sub(r"\s+", " ", first)
    assert "govuk-pagination" in first
    assert f'href="{results}?page=2"' in first
    assert f'href="{results}?page=1"' in second
