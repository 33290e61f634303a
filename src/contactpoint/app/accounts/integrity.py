"""Accounts edited outside the application: refused, alerted, and listed for the operator.

Each account row carries a keyed tag over its security-relevant columns (crypto/account_tag.py),
written by every change the application makes (store/access_repository.py). An account whose tag
does not match was changed by someone writing to the database directly (a raised role, a moved LA
or organisation, a lifted suspension, a replaced password hash): it is believed in nothing. Its
sessions end, the sign-in or request is refused, and a misuse alert of the highest score goes to
the auditors, recorded in the audit chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from contactpoint.access.errors import AuthenticationFailed
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.oversight.misuse import SCORES, Signal
from contactpoint.app.runtime import Runtime
from contactpoint.store.access_repository import StoredUser


def refuse_tampered(runtime: Runtime, user: StoredUser, message: str = "not signed in") -> NoReturn:
    """End the account's sessions, raise the alert, and refuse (call it outside any unit of work)."""
    report_tampered(runtime, user)
    raise AuthenticationFailed(message)


def report_tampered(runtime: Runtime, user: StoredUser) -> None:
    """End the account's sessions and raise the alert, in a unit of work of its own that commits
    whatever the caller then answers."""
    with runtime.unit_of_work() as uow:
        uow.sessions.delete_for_user(user.id)
        audit_log(runtime, uow).record_alert(
            user_id=user.id,
            la_code=user.la_code,
            signal=Signal.ACCOUNT_TAMPERED.value,
            score=SCORES[Signal.ACCOUNT_TAMPERED],
            trigger_seq=None,
        )
        uow.commit()


@dataclass(frozen=True, slots=True)
class TamperedAccount:
    """An account, or a machine account's key row, whose integrity tag does not match its row."""

    user_id: int
    username: str
    row: str = "account"  # or "data-source key", "client-system key"


def verify_accounts(runtime: Runtime) -> tuple[int, list[TamperedAccount]]:
    """The operator's check (`contactpoint users verify`): how many rows were checked (accounts and
    machine accounts' key rows), and which were changed outside the application."""
    with runtime.unit_of_work() as uow:
        states = [
            (row, state)
            for row, found in (
                ("account", uow.users.tag_states()),
                ("data-source key", uow.sources.tag_states()),
                ("client-system key", uow.clients.tag_states()),
            )
            for state in found
        ]
    return len(states), [TamperedAccount(i, name, row) for row, (i, name, intact) in states if not intact]
