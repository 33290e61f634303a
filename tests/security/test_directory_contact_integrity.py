"""An LA team's contact edited in the database, not through the application, is never shown as the
way to reach that team.

Brokered contact about an LA's children goes to the number and address the directory holds. Someone
who can write the database redirects them to their own; the record shows the national route
instead, and the LA's auditors get an alert. A contact set through the application shows as before.
SQLite and PostgreSQL, over real HTTP.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text

from contactpoint.access.roles import Role
from contactpoint.app.geography.directory import set_team_contact
from contactpoint.app.geography.importing import import_geography
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.app.oversight.misuse import Signal
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.store import migrate
from contactpoint.store.geography_repository import TeamContact
from tests.factories import ChildFactory
from tests.websupport import api_token, live_server, make_account, make_principal, store_children

CAMDEN = "E09000007"
TEAM_PHONE = "020 7974 1234"
INSIDER_PHONE = "020 7946 0666"


def _team_contact(client: httpx.Client, headers: dict[str, str], cp_id: str) -> dict[str, object]:
    opened = client.post(f"/api/v1/children/{cp_id}/views", json={"reason": "assessment"}, headers=headers)
    assert opened.status_code == 200, opened.text
    contact: dict[str, object] = opened.json()["team_contact"]
    return contact


def test_a_team_contact_edited_in_the_database_is_not_shown_and_is_alerted(
    runtime: Runtime, clock: FixedClock, factory: ChildFactory
) -> None:
    import_geography(runtime, [("NW1 2DB", CAMDEN)])
    set_team_contact(runtime, None, CAMDEN, TeamContact(TEAM_PHONE, "contactpoint@camden.example", None))
    practitioner = make_account(runtime, Role.PRACTITIONER, la_code=CAMDEN)
    (child,) = store_children(runtime, [factory.child(la_code=CAMDEN)])
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = {"Authorization": f"Bearer {api_token(client, clock, practitioner)}"}
        before = _team_contact(client, headers, child.cp_id.value)
        with runtime.engine.begin() as connection:
            connection.execute(
                text("UPDATE local_authorities SET phone = :phone WHERE code = :code"),
                {"phone": INSIDER_PHONE, "code": CAMDEN},
            )
        after = _team_contact(client, headers, child.cp_id.value)
    assert before["phone"] == TEAM_PHONE
    assert after["phone"] != INSIDER_PHONE
    assert after["phone"] == runtime.settings.national_team_phone  # the national route instead
    auditor = make_principal(runtime, Role.AUDITOR, la_code=CAMDEN)
    alerts = [
        alert for alert in list_alerts(runtime, auditor) if alert.kind == Signal.DIRECTORY_TAMPERED.value
    ]
    assert [alert.la_code for alert in alerts] == [CAMDEN]


def test_the_migration_tags_existing_contacts_with_the_keyring_and_refuses_without_it(
    runtime: Runtime,
) -> None:
    import_geography(runtime, [("NW1 2DB", CAMDEN)])
    migrate.downgrade(runtime.engine, "0021")
    with runtime.engine.begin() as connection:
        connection.execute(
            text("UPDATE local_authorities SET phone = :phone WHERE code = :code"),
            {"phone": TEAM_PHONE, "code": CAMDEN},
        )
    with pytest.raises(RuntimeError, match="keyring"):
        migrate.upgrade(runtime.engine, account_tagger=runtime.account_tagger)
    migrate.upgrade(
        runtime.engine, account_tagger=runtime.account_tagger, directory_tagger=runtime.directory_tagger
    )
    with runtime.unit_of_work() as uow:
        held = uow.authorities.get(CAMDEN)
    assert held is not None
    assert not held.tampered
    assert held.contact.phone == TEAM_PHONE
