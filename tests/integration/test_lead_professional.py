"""A change of lead professional needs the current lead's or the LA team's agreement, over real HTTP
on SQLite and PostgreSQL: a practitioner cannot take the role from someone else by ticking a box."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditKind
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.records import ChildRecord, Organisation
from contactpoint.domain.vocabulary import ServiceType
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, api_token, live_server, make_account, store_children, ui_token

LEAD_ORG = "URN300001"


def _child_with_a_lead(factory: ChildFactory) -> ChildRecord:
    child = factory.child(la_code=HOME_LA)
    lead = replace(
        factory.involvement(ServiceType.HEALTH_VISITING),
        organisation=Organisation(LEAD_ORG, "Riverside Health Visiting"),
        lead_professional=True,
        end=None,
    )
    return replace(child, involvements=(lead,))


def _involvement(lead: bool, version: int) -> dict[str, Any]:
    return {
        "practitioner_given": "Sam",
        "practitioner_family": "Okafor",
        "start": "2026-11-01",
        "lead_professional": lead,
        "expected_version": version,
    }


def _leads(client: httpx.Client, headers: dict[str, str], cp_id: str) -> tuple[list[bool], int]:
    view = client.post(
        f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=headers
    ).json()
    return [i["lead_professional"] for i in view["involvements"]], view["version"]


def _bearer(client: httpx.Client, clock: FixedClock, account: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(client, clock, account)}"}


def test_a_practitioner_cannot_take_the_lead_from_another_without_agreement(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [_child_with_a_lead(factory)])
    cp_id = child.cp_id.value
    newcomer = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        mine = _bearer(client, clock, newcomer)
        _, version = _leads(client, mine, cp_id)
        claimed = client.post(
            f"/api/v1/children/{cp_id}/involvements", json=_involvement(True, version), headers=mine
        )
        added = client.post(
            f"/api/v1/children/{cp_id}/involvements", json=_involvement(False, version), headers=mine
        )
        leads, version = _leads(client, mine, cp_id)
        updated = client.put(
            f"/api/v1/children/{cp_id}/involvements/1", json=_involvement(True, version), headers=mine
        )
        handed = client.post(
            f"/api/v1/children/{cp_id}/involvements/1/lead", json={"expected_version": version}, headers=mine
        )
        after, _ = _leads(client, mine, cp_id)

    assert claimed.status_code == 403
    assert added.status_code == 201
    assert leads == [True, False]
    assert updated.status_code == 403
    assert handed.status_code == 403
    assert after == [True, False]


def test_the_current_lead_or_the_la_team_hands_the_role_over_and_it_is_recorded(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [_child_with_a_lead(factory)])
    cp_id = child.cp_id.value
    newcomer = make_account(runtime, Role.PRACTITIONER)
    lead = make_account(
        runtime,
        Role.PRACTITIONER,
        username="the-lead",
        service=ServiceType.HEALTH_VISITING,
        org_code=LEAD_ORG,
    )
    team = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        mine, theirs, teams = (_bearer(client, clock, a) for a in (newcomer, lead, team))
        _, version = _leads(client, mine, cp_id)
        client.post(f"/api/v1/children/{cp_id}/involvements", json=_involvement(False, version), headers=mine)
        _, version = _leads(client, mine, cp_id)
        by_lead = client.post(
            f"/api/v1/children/{cp_id}/involvements/1/lead",
            json={"expected_version": version},
            headers=theirs,
        )
        handed, version = _leads(client, mine, cp_id)
        by_team = client.post(
            f"/api/v1/children/{cp_id}/involvements/0/lead", json={"expected_version": version}, headers=teams
        )
        back, _ = _leads(client, mine, cp_id)

    assert by_lead.status_code == 200, by_lead.text
    assert handed == [False, True]
    assert by_team.status_code == 200, by_team.text
    assert back == [True, False]
    with runtime.unit_of_work() as uow:
        changes = [e for e in uow.audit.iter_entries() if e.kind == AuditKind.LEAD_PROFESSIONAL_CHANGED]
    assert [e.actor_id for e in changes] == [lead.user_id, team.user_id]


def test_the_service_that_held_the_lead_and_the_la_team_are_told_in_the_service(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [_child_with_a_lead(factory)])
    cp_id = child.cp_id.value
    newcomer = make_account(runtime, Role.PRACTITIONER)
    lead = make_account(
        runtime,
        Role.PRACTITIONER,
        username="the-lead",
        service=ServiceType.HEALTH_VISITING,
        org_code=LEAD_ORG,
    )
    team = make_account(runtime, Role.LA_DATA_ADMIN)
    elsewhere = make_account(runtime, Role.PRACTITIONER, org_code="URN399999")
    other_team = make_account(runtime, Role.LA_DATA_ADMIN, la_code="202")
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        mine, theirs = _bearer(client, clock, newcomer), _bearer(client, clock, lead)
        _, version = _leads(client, mine, cp_id)
        client.post(f"/api/v1/children/{cp_id}/involvements", json=_involvement(False, version), headers=mine)
        _, version = _leads(client, mine, cp_id)
        handed = client.post(
            f"/api/v1/children/{cp_id}/involvements/1/lead",
            json={"expected_version": version},
            headers=theirs,
        )
        told = {
            name: client.get("/api/v1/notifications", headers=_bearer(client, clock, account)).json()
            for name, account in (
                ("lead", lead),
                ("newcomer", newcomer),
                ("team", team),
                ("elsewhere", elsewhere),
                ("other_team", other_team),
            )
        }
        home = client.get("/", headers={"Cookie": f"__Host-cp_session={ui_token(client, clock, lead)}"})

    assert handed.status_code == 200, handed.text
    assert [(n["cp_id"], n["kind"], n["to_la_team"]) for n in told["lead"]] == [
        (cp_id, "lead_professional_changed", False)
    ]
    assert [(n["cp_id"], n["to_la_team"]) for n in told["team"]] == [(cp_id, True)]
    assert told["newcomer"] == []  # the service that took the role is not told it lost it
    assert told["elsewhere"] == []
    assert told["other_team"] == []
    assert home.status_code == 200
    assert cp_id in home.text
    with runtime.unit_of_work() as uow:
        entries = list(uow.audit.iter_entries())
    assert sum(e.kind == AuditKind.LEAD_PROFESSIONAL_CHANGED for e in entries) == 1
    assert sum(e.kind == AuditKind.NOTIFICATIONS_READ for e in entries) >= 3
