"""A shielded child's local authority is not shown to those who see the limited view, over real HTTP
on SQLite and PostgreSQL; brokered contact still reaches the owning LA's team without naming it."""

from __future__ import annotations

import httpx
import pytest

from contactpoint.access.roles import Role
from contactpoint.app.geography.directory import set_team_contact
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.settings import Settings
from contactpoint.store.geography_repository import TeamContact
from tests.factories import ChildFactory
from tests.websupport import HOME_LA, OTHER_LA, api_token, live_server, make_account, store_children

TEAM_NAME, TEAM_PHONE, TEAM_EMAIL = "Hometown", "01632 960001", "contactpoint@hometown.example"
NATIONAL_PHONE = "0300 123 4567"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The deployment names the national team's telephone."""
    return settings.model_copy(update={"national_team_phone": NATIONAL_PHONE})


@pytest.mark.parametrize("la", [HOME_LA, OTHER_LA])
def test_results_and_the_limited_view_do_not_name_a_shielded_childs_la_and_contact_reaches_its_team(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory, la: str
) -> None:
    (child,) = store_children(runtime, [factory.child(status=RecordStatus.SHIELDED, la_code=HOME_LA)])
    with runtime.unit_of_work() as uow:  # the directory names the LA and holds its team's contact details
        uow.authorities.put_names([(HOME_LA, TEAM_NAME)])
        uow.commit()
    set_team_contact(runtime, None, HOME_LA, TeamContact(TEAM_PHONE, TEAM_EMAIL, "Civic Centre"))
    practitioner = make_account(runtime, Role.PRACTITIONER, la_code=la)
    team = make_account(runtime, Role.LA_DATA_ADMIN, la_code=HOME_LA)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        asks = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        brokers = {"Authorization": f"Bearer {api_token(client, clock, team)}"}
        search = client.post(
            "/api/v1/searches",
            json={
                "family_name": child.names.current.family,
                "date_of_birth": child.date_of_birth.isoformat(),
                "reason": "safeguarding_concern",
            },
            headers=asks,
        )
        cp_id = child.cp_id.value
        view = client.post(f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=asks)
        asked = client.post(
            f"/api/v1/children/{cp_id}/contact-requests", json={"purpose": "education"}, headers=asks
        )
        queue = client.get("/api/v1/contact-requests", headers=brokers)
        team_view = client.post(
            f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=brokers
        )

    (hit,) = [h for h in search.json()["results"] if h["cp_id"] == cp_id]
    assert (hit["la_code"], hit["la_name"]) == (None, None)
    assert view.json()["level"] == "limited"
    assert (view.json()["la_code"], view.json()["la_name"]) == (None, None)
    assert HOME_LA not in view.json()["contact_note"]
    # The contact shown is the national brokered-contact route, never the owning LA's team.
    assert view.json()["team_contact"] == {
        "name": "National ContactPoint team",
        "phone": NATIONAL_PHONE,
        "email": None,
        "address": None,
    }
    for owning in (TEAM_NAME, TEAM_PHONE, TEAM_EMAIL, "Civic Centre"):
        assert owning not in search.text
        assert owning not in view.text
    assert asked.status_code == 201
    assert [r["cp_id"] for r in queue.json()] == [cp_id]
    assert team_view.json()["la_code"] == HOME_LA  # the owning team sees whose child it is
    assert team_view.json()["la_name"] == TEAM_NAME


def test_a_child_who_is_not_shielded_shows_their_la(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    practitioner = make_account(runtime, Role.PRACTITIONER, la_code=OTHER_LA)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        asks = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        cp_id = child.cp_id.value
        view = client.post(f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=asks)
    assert view.json()["la_code"] == HOME_LA
