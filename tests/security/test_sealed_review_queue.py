"""Adoption severs (invariant 4) in the review queue and `$match`, over real HTTP on SQLite and
PostgreSQL.

A feed row held privately against a sealed birth record may carry the adoptive name beside the
birth address. If the LA team could decide it `new`, or link it to another record, the mix would
become a visible record that `$match` returns for the birth identity; and a queue showing the sealed
candidate's ID would tie that ID to whatever the row said. The queue says "a sealed record", allows
only absorbing the row into it or rejecting it, and `$match` leaves out a record made from such a row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from contactpoint.access.roles import Role
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.ingest.codec import decode_row
from contactpoint.ingest.survivorship import new_record
from tests.fhirsupport import fhir_client, known_child, organisation
from tests.review_support import hold_for_review
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children


def _decide(client: httpx.Client, headers: dict[str, str], item_id: int, **body: Any) -> httpx.Response:
    return client.post(f"/api/v1/review-items/{item_id}/decision", json=body, headers=headers)


def test_a_row_held_against_a_sealed_record_is_only_absorbed_or_rejected_and_its_id_never_shown(
    runtime, settings, clock, factory, tmp_path: Path
):
    sealed, other = store_children(
        runtime,
        [known_child(factory, status=RecordStatus.SEALED), factory.child(la_code=HOME_LA)],
    )
    item_id = hold_for_review(runtime, settings, sealed, tmp_path)
    admin = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}
        listed = client.get("/api/v1/review-items", headers=headers)
        opened = client.get(f"/api/v1/review-items/{item_id}", headers=headers)
        made_new = _decide(client, headers, item_id, action="new")
        elsewhere = _decide(client, headers, item_id, action="link", link_to=other.cp_id.value)
        still_open = client.get("/api/v1/review-items", headers=headers).json()
        absorbed = _decide(client, headers, item_id, action="link")

    assert listed.status_code == opened.status_code == 200
    (item,) = listed.json()
    assert (item["candidate_cp_id"], item["candidate_sealed"], item["private"]) == (None, True, True)
    assert (opened.json()["candidate_cp_id"], opened.json()["candidate_sealed"]) == (None, True)
    assert sealed.cp_id.value not in listed.text + opened.text
    assert made_new.status_code == 422, made_new.text
    assert elsewhere.status_code == 422, elsewhere.text
    assert [i["id"] for i in still_open] == [item_id]
    assert absorbed.status_code == 200, absorbed.text
    assert absorbed.json() == {"cp_id": None}
    with runtime.unit_of_work() as uow:
        assert uow.children.count() == 2  # no record was made of the row
        assert uow.children.get(sealed.cp_id).record.status is RecordStatus.SEALED
        assert uow.children.get(other.cp_id).version == 1


def test_match_never_returns_a_record_made_from_a_row_held_against_a_sealed_record(
    runtime, settings, factory, tmp_path: Path
):
    org = organisation(runtime)
    (sealed,) = store_children(runtime, [known_child(factory, status=RecordStatus.SEALED)])
    item_id = hold_for_review(runtime, settings, sealed, tmp_path)
    with runtime.unit_of_work() as uow:  # what deciding the row `new` did before the queue refused it
        item, plaintext = uow.reviews.get(item_id)
        row = decode_row(plaintext)
        (made_id,) = uow.children.reserve_ids(1)
        made, _ = new_record(row, made_id, HOME_LA, runtime.clock.now().date())
        uow.children.add_many([made])
        assert uow.reviews.resolve(item.item_id, "new", made_id.value)
        uow.commit()
    birth = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "resource",
                "resource": {
                    "resourceType": "Patient",
                    "name": [{"family": "Pemberton", "given": ["Oliver"]}],
                    "birthDate": "2016-04-09",
                    "address": [{"postalCode": "LS1 4AB"}],
                },
            }
        ],
    }
    with live_server(runtime) as base:
        client = fhir_client(base, org.key, org.practitioner.username)
        bundle = client.execute("Patient/$match", method="post", data=birth)

    found = {entry["resource"]["id"] for entry in bundle.get("entry", [])}
    assert made_id.value not in found
    assert sealed.cp_id.value not in found
    with runtime.unit_of_work() as uow:  # the record itself is there, visible, and otherwise found
        assert uow.children.get(ContactPointId(made_id.value)).record.status is RecordStatus.ACTIVE
