"""An account edited in the database, not through the application, is believed in nothing.

Someone who can write the database raises a practitioner's role, moves them to another LA or
organisation, or replaces their password hash with one of their own. The account's next request
and its next sign-in are refused, a misuse alert reaches the auditors, and `contactpoint users
verify` names the account. Changes made through the application keep the tag. SQLite and
PostgreSQL, over real HTTP.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from contactpoint.access import passwords
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import set_suspended
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.app.oversight.misuse import Signal
from contactpoint.app.runtime import Runtime
from contactpoint.console import app as cli_app
from contactpoint.domain.clock import FixedClock
from contactpoint.settings import Settings
from contactpoint.store import migrate
from tests.websupport import OTHER_LA, api_token, live_server, make_account, make_principal, next_code

EDITS = {
    "role": "UPDATE users SET role = 'national_admin', la_code = NULL, org_code = NULL, "
    "org_name = NULL, service = NULL WHERE id = :id",
    "la": "UPDATE users SET la_code = '202' WHERE id = :id",  # OTHER_LA
    "organisation": "UPDATE users SET org_code = 'URN999999', service = 'sexual_health' WHERE id = :id",
}


def _edit(runtime: Runtime, statement: str, **values: object) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(text(statement), values)


def _tamper_alerts(runtime: Runtime, user_id: int) -> int:
    auditor = make_principal(runtime, Role.NATIONAL_AUDITOR)
    return sum(
        1
        for alert in list_alerts(runtime, auditor)
        if alert.kind == Signal.ACCOUNT_TAMPERED.value and alert.user_id == user_id
    )


def _verify(settings: Settings) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli_app,
        ["--data-dir", str(settings.home), "users", "verify"],
        env={"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()},
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_account_edited_in_the_database_is_refused_at_its_next_request_and_alerted(
    runtime: Runtime, clock: FixedClock, settings: Settings, edit: str
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    assert _verify(settings)[0] == 0
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        bearer = {"Authorization": f"Bearer {api_token(client, clock, account)}"}
        before = client.get("/api/v1/me", headers=bearer).status_code
        _edit(runtime, EDITS[edit], id=account.user_id)
        after = client.get("/api/v1/me", headers=bearer).status_code
        again = client.post(
            "/api/v1/sessions",
            json={
                "username": account.username,
                "password": account.password,
                "code": next_code(clock, account),
            },
        ).status_code

    assert (before, after, again) == (200, 401, 401)
    assert _tamper_alerts(runtime, account.user_id) >= 2
    code, output = _verify(settings)
    assert code == 7
    assert f"account {account.user_id} " in output


def test_a_password_hash_replaced_in_the_database_does_not_sign_in(
    runtime: Runtime, clock: FixedClock
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    mine = "a password the database writer chose"
    _edit(
        runtime,
        "UPDATE users SET password_hash = :hash WHERE id = :id",
        hash=passwords.hash_password(mine),
        id=account.user_id,
    )
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        status = client.post(
            "/api/v1/sessions",
            json={"username": account.username, "password": mine, "code": next_code(clock, account)},
        ).status_code

    assert status == 401
    assert _tamper_alerts(runtime, account.user_id) == 1


def test_a_tampered_account_stays_refused_after_the_application_changes_it(
    runtime: Runtime, clock: FixedClock
) -> None:
    """A change made through the application re-tags only an account whose tag held: suspending and
    reinstating an account moved into another LA does not bless the move."""
    account = make_account(runtime, Role.PRACTITIONER)
    other_admin = make_principal(runtime, Role.LA_USER_ADMIN, la_code=OTHER_LA)
    _edit(runtime, EDITS["la"], id=account.user_id)
    set_suspended(runtime, other_admin, account.user_id, suspended=True)
    set_suspended(runtime, other_admin, account.user_id, suspended=False)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        status = client.post(
            "/api/v1/sessions",
            json={
                "username": account.username,
                "password": account.password,
                "code": next_code(clock, account),
            },
        ).status_code

    assert status == 401


def test_legitimate_changes_keep_the_tag(runtime: Runtime, clock: FixedClock, settings: Settings) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    admin = make_principal(runtime, Role.LA_USER_ADMIN)
    set_suspended(runtime, admin, account.user_id, suspended=True)
    set_suspended(runtime, admin, account.user_id, suspended=False)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = api_token(client, clock, account)
        status = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code

    assert status == 200
    assert _verify(settings)[0] == 0


def test_the_migration_tags_existing_accounts_with_the_keyring_and_refuses_without_it(
    runtime: Runtime,
) -> None:
    account = make_account(runtime, Role.PRACTITIONER)
    migrate.downgrade(runtime.engine, "0014")
    with pytest.raises(RuntimeError, match="keyring"):
        migrate.upgrade(runtime.engine)
    migrate.upgrade(runtime.engine, account_tagger=runtime.account_tagger)
    with runtime.unit_of_work() as uow:
        assert uow.users.get(account.user_id).intact
