"""Accounts carry a display name (the username when none is given), and the screens that oversee
accounts name each holder with their organisation instead of an account number."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import account_holders, create_account, create_national_admin
from contactpoint.store import migrate
from tests.websupport import HOME_LA, make_account, make_principal


def test_holders_are_named_with_their_organisation_or_la(runtime):
    auditor = make_principal(runtime, Role.AUDITOR)
    admin = make_principal(runtime, Role.NATIONAL_ADMIN, la_code=None)
    named = create_account(
        runtime,
        admin,
        username="sam.data",
        role=Role.LA_DATA_ADMIN,
        la_code=HOME_LA,
        display_name="  Sam   Okafor ",
    )
    unnamed = create_account(runtime, admin, username="kit.data", role=Role.AUDITOR, la_code=HOME_LA)
    national = create_national_admin(runtime, "nat.admin", "Nia National")
    practitioner = make_account(runtime, Role.PRACTITIONER)
    holders = account_holders(
        runtime, auditor, [named.user_id, unnamed.user_id, national.user_id, practitioner.user_id, 999_999]
    )
    assert holders[named.user_id] == f"Sam Okafor ({HOME_LA})"
    assert holders[unnamed.user_id] == f"kit.data ({HOME_LA})"
    assert holders[national.user_id] == "Nia National (national)"
    assert holders[practitioner.user_id].endswith("(Riverside Primary School)")
    assert 999_999 not in holders


def test_a_practitioner_cannot_look_up_who_holds_other_accounts(runtime):
    practitioner = make_principal(runtime, Role.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        account_holders(runtime, practitioner, [practitioner.user_id])


def test_the_display_name_migration_names_existing_accounts_by_their_username(runtime):
    admin = make_principal(runtime, Role.NATIONAL_ADMIN, la_code=None)
    named = create_account(
        runtime,
        admin,
        username="sam.data",
        role=Role.LA_DATA_ADMIN,
        la_code=HOME_LA,
        display_name="Sam Okafor",
    )
    practitioner = make_account(runtime, Role.PRACTITIONER)
    migrate.downgrade(runtime.engine, "0018")  # accounts as they were before display names
    with runtime.engine.connect() as connection:
        assert "display_name" not in {c["name"] for c in inspect(connection).get_columns("users")}
    migrate.upgrade(runtime.engine, account_tagger=runtime.account_tagger)
    with runtime.unit_of_work() as uow:
        for account_id, username in (
            (named.user_id, "sam.data"),
            (practitioner.user_id, practitioner.username),
        ):
            stored = uow.users.get(account_id)
            assert stored.display_name == username
            assert stored.intact  # the backfill leaves the integrity tag good: the holder can still sign in
    holders = account_holders(runtime, make_principal(runtime, Role.AUDITOR), [named.user_id])
    assert holders[named.user_id] == f"sam.data ({HOME_LA})"
