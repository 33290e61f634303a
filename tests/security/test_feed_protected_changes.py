"""A data-source key (leaked, or one insider at a source) cannot move a shielded or sealed child, over
real HTTP on SQLite and PostgreSQL.

A row that links to a protected record and would change its address, names, identifiers or carers is
not applied but held in the owning LA's private review queue, for its team to accept or reject; the
receipt is the same as for a row that changed nothing. Feed rows obey the API's involvement date rule
(within the child's life, none in the future), rejected with a reason whatever record they concern.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from contactpoint.app.feeds.sources import add_source_account
from contactpoint.app.runtime import Runtime
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.synth.sources import nhs_registrations
from tests.factories import ChildFactory
from tests.linkage_support import CHILD_BENEFIT_HEADER, child_benefit_row
from tests.websupport import HOME_LA, live_server, store_children

CB_SUBMIT = "/api/v1/feeds/child_benefit/submissions"
NHS_SUBMIT = "/api/v1/feeds/nhs_registrations/submissions"
NHS_HEADER = ("record_id", *nhs_registrations.COLUMNS)
CSV = {"Content-Type": "text/csv"}


def _csv(header: tuple[str, ...], *rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _key(runtime: Runtime, source: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {add_source_account(runtime, f'{source}-feed', source).key}"} | CSV


def _receipt(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json().items() if k != "reference"}


def _open_items(runtime: Runtime) -> list[tuple[str | None, bool, str | None, str]]:
    with runtime.unit_of_work() as uow:
        return [(i.la_code, i.private, i.candidate_cp_id, i.reason) for i in uow.reviews.all_open()]


@pytest.mark.parametrize("status", [RecordStatus.SHIELDED, RecordStatus.SEALED])
def test_a_row_that_would_move_a_protected_child_is_held_for_its_la_team_and_the_receipt_says_nothing(
    runtime: Runtime, factory: ChildFactory, status: RecordStatus
) -> None:
    child, elsewhere = store_children(
        runtime, [factory.child(status=status, la_code=HOME_LA), factory.child(la_code=HOME_LA)]
    )
    same = child_benefit_row("CB-SAME", child)
    moved = child_benefit_row("CB-MOVED", child) | {
        c: child_benefit_row("x", elsewhere)[c]
        for c in ("ADDRESS_LINE_1", "ADDRESS_LINE_2", "ADDRESS_LINE_3", "TOWN", "POSTCODE")
    }
    carer = same | {"RECORD_ID": "CB-CARER", "CLAIMANT_FORENAMES": "Mallory", "CLAIMANT_SURNAME": "Decoy"}
    headers = _key(runtime, "child_benefit")
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        receipts = [
            _receipt(client.post(CB_SUBMIT, headers=headers, content=_csv(CHILD_BENEFIT_HEADER, row)))
            for row in (same, moved, carer)
        ]

    assert receipts[1] == receipts[2] == receipts[0]
    assert receipts[0]["accepted"] == 1
    with runtime.unit_of_work() as uow:
        record = uow.children.get(child.cp_id).record
        links = dict(uow.ledger.links("child_benefit"))
    assert record.whereabouts == child.whereabouts
    assert record.carers == child.carers
    assert record.status is status
    assert links == {"CB-SAME": child.cp_id.value}
    held = [(la, private, candidate, reason) for la, private, candidate, reason in _open_items(runtime)]
    assert held == [(HOME_LA, True, child.cp_id.value, "protected_change")] * 2


def _nhs_row(key: str, child: ChildRecord, registered: str) -> dict[str, str]:
    address = child.whereabouts.address
    born = child.date_of_birth
    row = dict.fromkeys(NHS_HEADER, "")
    row.update(
        record_id=key,
        event="full",
        event_date="20260601",
        given_name=child.names.current.given,
        family_name=child.names.current.family,
        date_of_birth=born.strftime("%Y%m%d"),
        gender="9",
        address_line_1=address.lines[0] if address else "",
        postcode=address.postcode.value if address else "",
        gp_practice_code="D81015",
        registration_date=registered,
    )
    return row


def test_a_feed_row_with_an_involvement_dated_in_the_future_is_rejected_whatever_child_it_names(
    runtime: Runtime, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [factory.child(status=RecordStatus.SHIELDED, la_code=HOME_LA)])
    nobody = factory.child(la_code=HOME_LA)
    headers = _key(runtime, "nhs_registrations")
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=120) as client:
        about_child = client.post(
            NHS_SUBMIT, headers=headers, content=_csv(NHS_HEADER, _nhs_row("NHS-1", child, "20990101"))
        )
        about_nobody = client.post(
            NHS_SUBMIT, headers=headers, content=_csv(NHS_HEADER, _nhs_row("NHS-2", nobody, "20990101"))
        )

    first, second = _receipt(about_child), _receipt(about_nobody)
    assert (first["accepted"], first["rejected"]) == (0, 1)
    assert [(r["field"], r["rule"]) for r in first["rejects"]] == [
        ("involvement_start", "must not be in the future")
    ]
    assert [(r["field"], r["rule"]) for r in second["rejects"]] == [
        (r["field"], r["rule"]) for r in first["rejects"]
    ]
    with runtime.unit_of_work() as uow:
        assert uow.children.get(child.cp_id).record.involvements == child.involvements
        assert uow.children.count() == 1
