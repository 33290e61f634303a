"""A misuse alert's handling is in the audit chain, over real HTTP on SQLite and PostgreSQL: an auditor
closes an alert from the alerts screen, and any edit of its state, outcome, auditor or time in the
database afterwards (or a state written for an alert nobody handled) fails `audit verify`."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text

from contactpoint.access.roles import Role
from contactpoint.app.oversight.auditing import verify_audit
from tests.integration.test_ui_alert_states import _alert_about, _session
from tests.websupport import live_server, make_account

EDITS = [
    "UPDATE misuse_alerts SET state = 'new', outcome = NULL, state_by = NULL, state_at = NULL",  # reopened
    "UPDATE misuse_alerts SET outcome = 'no_concern'",  # a referred concern made harmless
    "UPDATE misuse_alerts SET state_by = state_by + 1000",  # closed by someone else
    "UPDATE misuse_alerts SET state_at = :earlier",  # closed long ago
]


def _sql(runtime, statement: str, **params: object) -> None:
    with runtime.unit_of_work() as uow:
        uow._session.execute(text(statement), params)
        uow.commit()


def _handling_problems(runtime) -> list[str]:
    return [p for p in verify_audit(runtime).problems if "its handling differs from the audit trail" in p]


@pytest.mark.parametrize("edit", EDITS)
def test_an_alerts_handling_edited_in_the_database_fails_verification(runtime, clock, edit):
    watched = make_account(runtime, Role.PRACTITIONER)
    alert_id = _alert_about(runtime, watched.user_id)
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, auditor)
        closed = client.post(
            "/alerts/state",
            headers=cookie,
            data={"csrf_token": csrf, "alert_id": str(alert_id), "change": "concern_referred"},
        )
        assert closed.status_code == 303, closed.text
    with runtime.unit_of_work() as uow:
        (alert,) = list(uow.audit.all_alerts())
    assert (alert.state, alert.outcome, alert.state_by) == ("closed", "concern_referred", auditor.user_id)
    assert verify_audit(runtime).ok, verify_audit(runtime).problems

    _sql(runtime, edit, earlier=datetime(2020, 1, 1, tzinfo=UTC))

    assert _handling_problems(runtime) == [f"alert {alert_id}: its handling differs from the audit trail"]


def test_an_alert_nobody_handled_marked_closed_in_the_database_fails_verification(runtime):
    watched = make_account(runtime, Role.PRACTITIONER)
    alert_id = _alert_about(runtime, watched.user_id)
    assert verify_audit(runtime).ok
    _sql(
        runtime,
        "UPDATE misuse_alerts SET state = 'closed', outcome = 'error', state_by = :by, state_at = :at",
        by=watched.user_id,
        at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    )
    assert _handling_problems(runtime) == [f"alert {alert_id}: its handling differs from the audit trail"]
