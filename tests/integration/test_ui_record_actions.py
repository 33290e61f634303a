"""The LA team's actions start from a child's record over real HTTP: its own LA's data administrator
is offered shielding, adoption and consent, each opening its form with the child's ID filled in; a
practitioner, or another LA's administrator, is offered none."""

from __future__ import annotations

import httpx

from contactpoint.access.roles import Role
from tests.websupport import HOME_LA, Account, live_server, make_account, store_children, ui_token

ACTIONS = ("Request shielding or unshielding", "Record an adoption", "Record consent")


def _session(client: httpx.Client, runtime, clock, account: Account) -> tuple[dict[str, str], str]:
    token = ui_token(client, clock, account)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    assert held is not None
    return {"Cookie": f"__Host-cp_session={token}"}, held.csrf_token


def _record(client: httpx.Client, cookie: dict[str, str], csrf: str, cp_id: str) -> httpx.Response:
    opened = client.post(
        "/record", headers=cookie, data={"csrf_token": csrf, "cp_id": cp_id, "reason": "assessment"}
    )
    assert opened.status_code == 303
    return client.get(opened.headers["location"], headers=cookie)


def test_a_practitioner_is_offered_none_of_the_la_teams_actions(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, make_account(runtime, Role.PRACTITIONER))
        page = _record(client, cookie, csrf, child.cp_id.value)
        assert page.status_code == 200
        assert child.names.current.family in page.text
        for action in ACTIONS:
            assert action not in page.text
        for route in ("/shielding/request/form", "/adoptions/form"):
            refused = client.post(
                route, headers=cookie, data={"csrf_token": csrf, "cp_id": child.cp_id.value}
            )
            assert refused.status_code == 403


def test_the_childs_la_data_administrator_starts_each_action_with_the_id_filled_in(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    cp_id = child.cp_id.value
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, make_account(runtime, Role.LA_DATA_ADMIN))
        page = _record(client, cookie, csrf, cp_id)
        assert page.status_code == 200
        for action in ACTIONS:
            assert action in page.text
        for route, heading in (
            ("/shielding/request/form", "Record a shielding request"),
            ("/adoptions/form", "Record an adoption"),
            ("/consent", "Keeping the record to 25"),
        ):
            form = client.post(route, headers=cookie, data={"csrf_token": csrf, "cp_id": cp_id})
            if form.status_code == 303:  # post/redirect/get: the page at an opaque URL
                form = client.get(form.headers["location"], headers=cookie)
            assert form.status_code == 200, route
            assert heading in form.text, route
            assert cp_id in form.text, route
            assert cp_id not in str(form.url), route


def test_another_las_data_administrator_is_offered_nothing(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    other = make_account(runtime, Role.LA_DATA_ADMIN, la_code="E09000033")
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, other)
        page = _record(client, cookie, csrf, child.cp_id.value)
        assert page.status_code < 500
        assert child.names.current.family not in page.text
        for action in ACTIONS:
            assert action not in page.text
