"""Misuse alert states over real HTTP: an auditor marks an alert under review, then closed with an
outcome; each change is audited and shown on the alerts screen, the audit chain still verifies, and an
auditor of another LA cannot touch the alert."""

from __future__ import annotations

import httpx
from sqlalchemy import inspect, select

from contactpoint.access.roles import Role
from contactpoint.app.oversight.auditing import audit_log, verify_audit
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.store import migrate
from contactpoint.store.access_models import AuditEntryRow
from tests.websupport import HOME_LA, OTHER_LA, Account, live_server, make_account, ui_token


def _session(client: httpx.Client, runtime, clock, account: Account) -> tuple[dict[str, str], str]:
    token = ui_token(client, clock, account)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    assert held is not None
    return {"Cookie": f"__Host-cp_session={token}"}, held.csrf_token


def _alert_about(runtime, user_id: int) -> int:
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        trigger = log.append(AuditEvent(AuditKind.OVERRIDE, user_id, (), {}))
        log.record_alert(
            user_id=user_id, la_code=HOME_LA, signal="override_use", score=60, trigger_seq=trigger
        )
        uow.commit()
    with runtime.unit_of_work() as uow:
        (alert,) = list(uow.audit.all_alerts())
    return int(alert.id)


def _state_changes(runtime) -> list[str]:
    with runtime.unit_of_work() as uow:
        kinds = uow._session.execute(select(AuditEntryRow.kind).order_by(AuditEntryRow.seq)).scalars()
        return [k for k in kinds if k == AuditKind.ALERT_STATE_CHANGED]


def test_an_auditor_moves_an_alert_to_review_and_closes_it_with_an_outcome(runtime, clock):
    watched = make_account(runtime, Role.PRACTITIONER)
    alert_id = _alert_about(runtime, watched.user_id)
    auditor = make_account(runtime, Role.AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, auditor)
        page = client.get("/alerts", headers=cookie)
        assert page.status_code == 200
        assert f'id="alert-state-{alert_id}">New' in page.text

        moved = client.post(
            "/alerts/state",
            headers=cookie,
            data={"csrf_token": csrf, "alert_id": str(alert_id), "change": "under_review"},
        )
        assert moved.status_code == 303
        assert moved.headers["location"] == "/alerts"
        assert f'id="alert-state-{alert_id}">Under review' in client.get("/alerts", headers=cookie).text

        closed = client.post(
            "/alerts/state",
            headers=cookie,
            data={"csrf_token": csrf, "alert_id": str(alert_id), "change": "concern_referred"},
        )
        assert closed.status_code == 303
        shown = client.get("/alerts", headers=cookie).text
        assert f'id="alert-state-{alert_id}">Closed: Concern referred' in shown

        refused = client.post(
            "/alerts/state",
            headers=cookie,
            data={"csrf_token": csrf, "alert_id": str(alert_id), "change": "closed"},
        )
        assert refused.status_code == 422  # a closed alert needs its outcome
    with runtime.unit_of_work() as uow:
        stored = uow.audit.alert(alert_id)
    assert stored is not None
    assert (stored.state, stored.outcome, stored.state_by) == ("closed", "concern_referred", auditor.user_id)
    assert len(_state_changes(runtime)) == 2
    assert verify_audit(runtime).ok  # the handling is no part of the alert the chain records


def test_an_auditor_of_another_la_cannot_change_the_alert(runtime, clock):
    watched = make_account(runtime, Role.PRACTITIONER)
    alert_id = _alert_about(runtime, watched.user_id)
    elsewhere = make_account(runtime, Role.AUDITOR, la_code=OTHER_LA)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, elsewhere)
        answer = client.post(
            "/alerts/state",
            headers=cookie,
            data={"csrf_token": csrf, "alert_id": str(alert_id), "change": "no_concern"},
        )
        assert answer.status_code == 404
    with runtime.unit_of_work() as uow:
        stored = uow.audit.alert(alert_id)
    assert stored is not None
    assert stored.state == "new"
    assert _state_changes(runtime) == []


def test_the_migration_makes_existing_alerts_new(runtime):
    watched = make_account(runtime, Role.PRACTITIONER)
    alert_id = _alert_about(runtime, watched.user_id)
    migrate.downgrade(runtime.engine, "0019")
    assert "state" not in {c["name"] for c in inspect(runtime.engine).get_columns("misuse_alerts")}
    migrate.upgrade(runtime.engine, account_tagger=runtime.account_tagger)
    with runtime.unit_of_work() as uow:
        stored = uow.audit.alert(alert_id)
    assert stored is not None
    assert (stored.state, stored.outcome, stored.state_by) == ("new", None, None)
    assert verify_audit(runtime).ok
