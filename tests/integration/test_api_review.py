"""The review queue over the JSON API and real HTTP: list, open, decide; own LA only."""

from __future__ import annotations

from pathlib import Path

import httpx

from contactpoint.access.roles import Role
from contactpoint.domain.vocabulary import RecordStatus
from tests.review_support import hold_for_review
from tests.websupport import HOME_LA, OTHER_LA, api_token, live_server, make_account, store_children

ITEM_FIELDS = {
    "id",
    "source",
    "row_key",
    "reason",
    "private",
    "la_code",
    "candidate_cp_id",
    "candidate_sealed",
    "match_weight",
    "explanation",
}


def test_an_la_data_administrator_lists_opens_and_links_an_item(
    runtime, settings, clock, factory, tmp_path: Path
):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    item_id = hold_for_review(runtime, settings, child, tmp_path)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}

        listed = client.get("/api/v1/review-items", headers=headers)
        assert listed.status_code == 200, listed.text
        (item,) = listed.json()
        assert set(item) == ITEM_FIELDS
        assert (item["id"], item["candidate_cp_id"], item["private"]) == (item_id, child.cp_id.value, False)
        assert {f["field"] for f in item["explanation"]} >= {"given_name", "dob"}
        assert child.names.current.family not in listed.text

        opened = client.get(f"/api/v1/review-items/{item_id}", headers=headers)
        assert opened.status_code == 200, opened.text
        body = opened.json()
        assert set(body) == ITEM_FIELDS | {"candidate_shown", "fields"}
        assert body["candidate_shown"] is True
        names = next(f for f in body["fields"] if f["label"] == "Name")
        assert names["record_value"] == f"{child.names.current.given} {child.names.current.family}"
        assert opened.headers["cache-control"] == "no-store"

        decided = client.post(
            f"/api/v1/review-items/{item_id}/decision", json={"action": "link"}, headers=headers
        )
        assert decided.status_code == 200, decided.text
        assert decided.json() == {"cp_id": child.cp_id.value}
        again = client.post(
            f"/api/v1/review-items/{item_id}/decision", json={"action": "reject"}, headers=headers
        )
        assert again.status_code == 422
        assert client.get("/api/v1/review-items", headers=headers).json() == []


def test_another_las_team_sees_no_item_and_may_not_open_or_decide_one(
    runtime, settings, clock, factory, tmp_path: Path
):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA, status=RecordStatus.SHIELDED)])
    item_id = hold_for_review(runtime, settings, child, tmp_path)
    stranger = make_account(runtime, Role.LA_DATA_ADMIN, la_code=OTHER_LA)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, stranger)}"}
        assert client.get("/api/v1/review-items", headers=headers).json() == []
        opened = client.get(f"/api/v1/review-items/{item_id}", headers=headers)
        missing = client.get(f"/api/v1/review-items/{item_id + 1000}", headers=headers)
        # Answered exactly as an item number that does not exist: numbering tells nothing of other LAs
        assert (opened.status_code, opened.json()) == (missing.status_code, missing.json())
        assert opened.status_code == 404
        assert child.names.current.family not in opened.text
        decided = client.post(
            f"/api/v1/review-items/{item_id}/decision", json={"action": "new"}, headers=headers
        )
        undecided = client.post(
            f"/api/v1/review-items/{item_id + 1000}/decision", json={"action": "new"}, headers=headers
        )
        assert (decided.status_code, decided.json()) == (undecided.status_code, undecided.json())
    with runtime.unit_of_work() as uow:
        assert [i.item_id for i in uow.reviews.all_open()] == [item_id]


def test_a_decision_takes_only_the_listed_actions_and_fields(runtime, settings, clock, factory, tmp_path):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    item_id = hold_for_review(runtime, settings, child, tmp_path)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}
        url = f"/api/v1/review-items/{item_id}/decision"
        assert client.post(url, json={"action": "merge"}, headers=headers).status_code == 422
        assert client.post(url, json={"action": "link", "note": "x"}, headers=headers).status_code == 422
        assert client.post(url, json={"action": "link", "link_to": "12"}, headers=headers).status_code == 422
        assert client.get("/api/v1/review-items/999999", headers=headers).status_code == 404


def test_linking_to_another_las_child_answers_as_for_an_id_never_issued(
    runtime, settings, clock, factory, tmp_path
):
    """Otherwise the queue would tell an administrator whether any ID exists anywhere in England."""
    child, elsewhere = store_children(
        runtime, [factory.child(la_code=HOME_LA), factory.child(la_code=OTHER_LA)]
    )
    item_id = hold_for_review(runtime, settings, child, tmp_path)
    never_issued = factory.child().cp_id
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}
        url = f"/api/v1/review-items/{item_id}/decision"
        answers = [
            client.post(url, json={"action": "link", "link_to": cp_id.value}, headers=headers)
            for cp_id in (elsewhere.cp_id, never_issued)
        ]

    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
