"""A machine account's key row edited in the database opens nothing, over real HTTP on SQLite and
PostgreSQL.

Someone who can write the database swaps the hash of a key they made into a data source's or a
client system's row, or binds a data source's key to another feed. The key is refused, a misuse
alert reaches the auditors, and `contactpoint users verify` names the row. Revoking through the
application keeps the tag; the migration tags existing rows with the keyring.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from contactpoint.access.roles import Role
from contactpoint.access.tokens import new_token, token_hash
from contactpoint.app.accounts.client_systems import KEY_PREFIX as CLIENT_PREFIX
from contactpoint.app.accounts.client_systems import revoke_client_system
from contactpoint.app.feeds.sources import KEY_PREFIX, add_source_account, revoke_source_account
from contactpoint.app.oversight.alerts import list_alerts
from contactpoint.app.oversight.misuse import Signal
from contactpoint.app.runtime import Runtime
from contactpoint.console import app as cli_app
from contactpoint.settings import Settings
from contactpoint.store import migrate
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from tests.fhirsupport import organisation
from tests.websupport import live_server, make_principal


def _edit(runtime: Runtime, statement: str, **values: object) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(text(statement), values)


def _verify(settings: Settings) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli_app,
        ["--data-dir", str(settings.home), "users", "verify"],
        env={"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()},
    )
    return result.exit_code, result.output


def _tamper_alerts(runtime: Runtime, user_id: int) -> int:
    auditor = make_principal(runtime, Role.NATIONAL_AUDITOR)
    return sum(
        1
        for alert in list_alerts(runtime, auditor)
        if alert.kind == Signal.ACCOUNT_TAMPERED.value and alert.user_id == user_id
    )


def _as_source(client: httpx.Client, key: str) -> int:
    """401 when the key is not believed; 403 when it is (a data source may not read /me)."""
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE source_accounts SET key_hash = :made WHERE user_id = :id",  # a key of the writer's own
        "UPDATE source_accounts SET source = 'school_census' WHERE user_id = :id",  # another feed
    ],
)
def test_a_data_source_key_row_edited_in_the_database_is_refused_alerted_and_reported(
    runtime: Runtime, settings: Settings, edit: str
) -> None:
    account = add_source_account(runtime, "nhs-feed", "nhs_registrations")
    made = KEY_PREFIX + new_token()
    assert _verify(settings)[0] == 0
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        before = _as_source(client, account.key)
        _edit(runtime, edit, made=token_hash(made), id=account.user_id)
        after = max(_as_source(client, account.key), _as_source(client, made))

    assert (before, after) == (403, 401)
    assert _tamper_alerts(runtime, account.user_id) >= 1
    code, output = _verify(settings)
    assert code == 7
    assert f"data-source key {account.user_id}" in output


def test_a_client_systems_key_hash_swapped_in_the_database_is_refused_alerted_and_reported(
    runtime: Runtime, settings: Settings
) -> None:
    org = organisation(runtime)
    made = CLIENT_PREFIX + new_token()
    headers = {PRACTITIONER_HEADER: org.practitioner.username, REASON_HEADER: "assessment"}
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:

        def read(key: str) -> int:
            auth = {"Authorization": f"Bearer {key}"}
            return client.get("/fhir/Patient/123456789012", headers=headers | auth).status_code

        before = read(org.key)
        _edit(
            runtime,
            "UPDATE client_systems SET key_hash = :made WHERE user_id = :id",
            made=token_hash(made),
            id=org.client_id,
        )
        after = read(made)

    assert before != 401
    assert after == 401
    assert _tamper_alerts(runtime, org.client_id) >= 1
    code, output = _verify(settings)
    assert code == 7
    assert f"client-system key {org.client_id}" in output


def test_revoking_through_the_application_keeps_the_tags(runtime: Runtime, settings: Settings) -> None:
    account = add_source_account(runtime, "nhs-feed", "nhs_registrations")
    org = organisation(runtime)
    revoke_source_account(runtime, account.name)
    revoke_client_system(runtime, make_principal(runtime, Role.LA_USER_ADMIN), org.client_id)
    assert _verify(settings)[0] == 0
    with runtime.unit_of_work() as uow:
        assert uow.sources.by_username(account.name) is not None
        assert all(intact for _, _, intact in uow.sources.tag_states())
        assert all(intact for _, _, intact in uow.clients.tag_states())


def test_the_migration_tags_existing_key_rows_with_the_keyring(runtime: Runtime) -> None:
    account = add_source_account(runtime, "nhs-feed", "nhs_registrations")
    org = organisation(runtime)
    migrate.downgrade(runtime.engine, "0020")
    with pytest.raises(RuntimeError, match="needs the keyring"):
        migrate.upgrade(runtime.engine)
    migrate.upgrade(runtime.engine, account_tagger=runtime.account_tagger)
    with runtime.unit_of_work() as uow:
        assert uow.sources.by_username(account.name) is not None
        assert {i: ok for i, _, ok in uow.sources.tag_states()} == {account.user_id: True}
        assert {i: ok for i, _, ok in uow.clients.tag_states()} == {org.client_id: True}
