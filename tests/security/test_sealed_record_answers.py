"""Every practitioner operation on a child's ID answers a sealed (adopted) birth record exactly as a
missing ID, over real HTTP on SQLite and PostgreSQL: otherwise someone who knew a child's old ID
could learn that the child was adopted. (A change of lead professional once said "no such
involvement" for a sealed record and "no such record" for a missing one.)"""

from __future__ import annotations

from typing import Any

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.vocabulary import RecordStatus
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children

_INVOLVEMENT = {
    "practitioner_given": "Sam",
    "practitioner_family": "Okafor",
    "start": "2026-11-01",
    "expected_version": 1,
}


def _answers(client: httpx.Client, headers: dict[str, str], cp_id: str) -> list[tuple[int, Any]]:
    child = f"/api/v1/children/{cp_id}"
    calls = [
        client.post(f"{child}/views", json={"reason": "assessment"}, headers=headers),
        client.post(f"{child}/involvements", json=_INVOLVEMENT, headers=headers),
        client.put(f"{child}/involvements/0", json=_INVOLVEMENT, headers=headers),
        client.post(
            f"{child}/involvements/0/end", json={"end": "2026-11-02", "expected_version": 1}, headers=headers
        ),
        client.post(f"{child}/involvements/0/lead", json={"expected_version": 1}, headers=headers),
        client.post(f"{child}/contact-requests", json={"purpose": "education"}, headers=headers),
    ]
    return [(answer.status_code, answer.json()) for answer in calls]


def test_a_sealed_birth_record_is_answered_as_a_missing_id(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    (sealed,) = store_children(runtime, [factory.child(status=RecordStatus.SEALED, la_code=HOME_LA)])
    missing = ContactPointId.generate().value
    practitioner = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        for_sealed = _answers(client, headers, sealed.cp_id.value)
        for_missing = _answers(client, headers, missing)

    assert for_sealed == for_missing
    assert {status for status, _ in for_missing} == {404}
