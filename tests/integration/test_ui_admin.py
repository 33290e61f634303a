"""The admin screens over real HTTP with a session cookie: the review item page carries its chart as a
data-URI image under the strict CSP, is never cached, and another LA's team gets nothing of it."""

from __future__ import annotations

import httpx

from contactpoint.access.roles import Role
from tests.review_support import hold_for_review
from tests.websupport import HOME_LA, OTHER_LA, Account, live_server, make_account, store_children, ui_token


def _form_session(client: httpx.Client, runtime, clock, account: Account) -> tuple[dict[str, str], str]:
    token = ui_token(client, clock, account)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    assert held is not None
    return {"Cookie": f"__Host-cp_session={token}"}, held.csrf_token


def test_the_review_item_page_draws_its_chart_as_an_image_and_is_never_cached(
    runtime, settings, clock, factory
):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    item_id = hold_for_review(runtime, settings, child, settings.home.parent)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _form_session(client, runtime, clock, admin)
        page = client.post("/review/item", headers=cookie, data={"csrf_token": csrf, "item_id": str(item_id)})

    assert page.status_code == 200, page.text
    assert 'src="data:image/svg+xml;base64,' in page.text
    assert "<script" not in page.text
    assert "style=" not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "img-src 'self' data:" in page.headers["content-security-policy"]
    assert child.names.current.family in page.text  # the team sees its own LA's data


def test_another_las_team_gets_no_part_of_an_item_and_no_decision(runtime, settings, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    item_id = hold_for_review(runtime, settings, child, settings.home.parent)
    stranger = make_account(runtime, Role.LA_DATA_ADMIN, la_code=OTHER_LA)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _form_session(client, runtime, clock, stranger)
        queue = client.get("/review", headers=cookie)
        opened = client.post(
            "/review/item", headers=cookie, data={"csrf_token": csrf, "item_id": str(item_id)}
        )
        decided = client.post(
            "/review/decision",
            headers=cookie,
            data={"csrf_token": csrf, "item_id": str(item_id), "action": "new"},
        )
        forged = client.post(
            "/review/decision",
            headers=cookie,
            data={"csrf_token": "not-the-token", "item_id": str(item_id), "action": "new"},
        )

    assert queue.status_code == 200
    assert child.cp_id.value not in queue.text
    assert (opened.status_code, decided.status_code, forged.status_code) == (404, 404, 403)  # 403: CSRF
    for response in (opened, decided):
        assert child.names.current.family not in response.text
        assert child.cp_id.value not in response.text
    with runtime.unit_of_work() as uow:
        assert [i.item_id for i in uow.reviews.all_open()] == [item_id]
