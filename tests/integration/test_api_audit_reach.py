"""Oversight follows the child: the owning LA's auditors see, over the API, what practitioners of
other LAs did to its children (searches that returned them, views, overrides), and no more."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import httpx

from contactpoint.access.roles import Role
from contactpoint.domain.records import ChildNames, PersonName
from contactpoint.domain.vocabulary import RecordStatus
from tests.websupport import HOME_LA, OTHER_LA, api_token, live_server, make_account, store_children

BORN = date(2015, 6, 3)


def test_the_owning_las_auditor_sees_other_las_searches_views_and_overrides_of_its_children(
    runtime, clock, factory
):
    name = ChildNames(PersonName("Amelia", "Thistlewood"))
    ours, shielded, theirs = store_children(
        runtime,
        [
            replace(factory.child(la_code=HOME_LA), names=name, date_of_birth=BORN),
            replace(
                factory.child(la_code=HOME_LA, status=RecordStatus.SHIELDED),
                names=ChildNames(PersonName("Rowan", "Thistlewood")),
                date_of_birth=BORN,
            ),
            replace(factory.child(la_code=OTHER_LA), names=name, date_of_birth=BORN),  # a namesake there
        ],
    )
    outsider = make_account(runtime, Role.PRACTITIONER, la_code=OTHER_LA)
    protector = make_account(runtime, Role.CHILD_PROTECTION, la_code=OTHER_LA)
    auditor = make_account(runtime, Role.AUDITOR, la_code=HOME_LA)
    their_auditor = make_account(runtime, Role.AUDITOR, la_code=OTHER_LA)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        as_outsider = {"Authorization": f"Bearer {api_token(client, clock, outsider)}"}
        found = client.post(
            "/api/v1/searches",
            headers=as_outsider,
            json={"family_name": "Thistlewood", "date_of_birth": BORN.isoformat(), "reason": "assessment"},
        )
        assert found.status_code == 200, found.text
        assert {ours.cp_id.value, theirs.cp_id.value} <= {r["cp_id"] for r in found.json()["results"]}
        viewed = client.post(
            f"/api/v1/children/{ours.cp_id.value}/views", headers=as_outsider, json={"reason": "assessment"}
        )
        assert viewed.status_code == 200, viewed.text
        as_protector = {"Authorization": f"Bearer {api_token(client, clock, protector)}"}
        overridden = client.post(
            f"/api/v1/children/{shielded.cp_id.value}/views",
            headers=as_protector,
            json={"reason": "safeguarding_concern", "override": True},
        )
        assert overridden.status_code == 200, overridden.text

        as_auditor = {"Authorization": f"Bearer {api_token(client, clock, auditor)}"}
        about_ours = client.post(
            "/api/v1/audit/queries", headers=as_auditor, json={"cp_id": ours.cp_id.value}
        )
        assert about_ours.status_code == 200, about_ours.text
        seen = {(e["kind"], e["actor_id"]) for e in about_ours.json()}
        assert {("children:search", outsider.user_id), ("children:view", outsider.user_id)} <= seen

        everything = client.post("/api/v1/audit/queries", headers=as_auditor, json={}).json()
        kinds = {(e["kind"], e["actor_id"]) for e in everything}
        assert ("children:override", protector.user_id) in kinds
        by_outsider = client.post(
            "/api/v1/audit/queries", headers=as_auditor, json={"user_id": outsider.user_id}
        ).json()
        assert {e["kind"] for e in by_outsider} == {"children:search", "children:view"}
        # Reached through its own child, the entry names only that LA's children, not the namesake.
        search_entry = next(e for e in everything if e["kind"] == "children:search")
        assert ours.cp_id.value in search_entry["children"]
        assert theirs.cp_id.value not in search_entry["children"]
        assert theirs.cp_id.value not in str(everything)

        # The other LA's auditor still sees its own practitioners' entries in full.
        as_their_auditor = {"Authorization": f"Bearer {api_token(client, clock, their_auditor)}"}
        theirs_seen = client.post(
            "/api/v1/audit/queries", headers=as_their_auditor, json={"user_id": outsider.user_id}
        ).json()
        search_there = next(e for e in theirs_seen if e["kind"] == "children:search")
        assert {ours.cp_id.value, theirs.cp_id.value} <= set(search_there["children"])
