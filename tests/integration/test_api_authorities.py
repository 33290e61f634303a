"""The LA directory over real HTTP (SQLite and PostgreSQL): the national administrator reads it and
sets a team's contact details (audited); no other role may; names replace codes on the record."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from contactpoint.access.roles import Role
from contactpoint.app.geography.importing import import_geography
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.store.access_models import AuditEntryRow
from tests.factories import ChildFactory
from tests.websupport import api_token, live_server, make_account, store_children, ui_token

CAMDEN = "E09000007"
CONTACT = {
    "phone": "020 7974 1234",
    "email": "contactpoint@camden.example",
    "address": "Town Hall, Judd Street",
}


@pytest.fixture
def directory(runtime: Runtime) -> Runtime:
    import_geography(runtime, [("NW1 2DB", CAMDEN), ("LS1 1UR", "E08000035")])
    return runtime


def test_the_national_administrator_reads_and_sets_a_teams_contact_and_the_change_is_audited(
    directory: Runtime, clock: FixedClock
) -> None:
    admin = make_account(directory, Role.NATIONAL_ADMIN)
    with live_server(directory) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, admin)}"}
        put = client.put(f"/api/v1/authorities/{CAMDEN}/team-contact", json=CONTACT, headers=headers)
        bad = client.put(
            f"/api/v1/authorities/{CAMDEN}/team-contact", json={"email": "not an email"}, headers=headers
        )
        unknown = client.put("/api/v1/authorities/E09000099/team-contact", json=CONTACT, headers=headers)
        listed = client.get("/api/v1/authorities", headers=headers)

    assert put.status_code == 200, put.text
    assert (bad.status_code, unknown.status_code) == (422, 404)
    assert {"code": CAMDEN, "name": "Camden", **CONTACT} in listed.json()
    assert [a["name"] for a in listed.json()] == ["Camden", "Leeds"]
    with directory.engine.connect() as connection:
        kinds = connection.execute(select(AuditEntryRow.kind)).scalars().all()
    assert kinds.count("authorities:contact") == 1


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.LA_DATA_ADMIN, Role.LA_USER_ADMIN, Role.NATIONAL_AUDITOR]
)
def test_no_other_role_may_read_or_change_the_directory(
    directory: Runtime, clock: FixedClock, role: Role
) -> None:
    account = make_account(directory, role)
    with live_server(directory) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, account)}"}
        put = client.put(f"/api/v1/authorities/{CAMDEN}/team-contact", json=CONTACT, headers=headers)
        listed = client.get("/api/v1/authorities", headers=headers)
    assert (put.status_code, listed.status_code) == (403, 403)


def test_the_admin_page_sets_a_contact_and_a_record_shows_its_las_name_and_team(
    directory: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    admin = make_account(directory, Role.NATIONAL_ADMIN)
    practitioner = make_account(directory, Role.PRACTITIONER, la_code=CAMDEN)
    (child,) = store_children(directory, [factory.child(la_code=CAMDEN)])
    with live_server(directory) as base, httpx.Client(base_url=base, timeout=60) as client:
        cookie = {"Cookie": f"__Host-cp_session={ui_token(client, clock, admin)}"}
        page = client.get("/authorities", headers=cookie)
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        saved = client.post(
            "/authorities", data={"csrf_token": csrf, "code": CAMDEN, **CONTACT}, headers=cookie
        )
        asks = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        view = client.post(
            f"/api/v1/children/{child.cp_id.value}/views", json={"reason": "assessment"}, headers=asks
        )

    assert page.status_code == 200
    assert "Camden" in page.text
    assert saved.status_code == 303
    assert view.json()["la_name"] == "Camden"
    assert view.json()["team_contact"] == {"name": "Camden ContactPoint team", **CONTACT}
