"""Check and confirm before a decision, over real HTTP: the confirmation page names the child and
changes nothing (its reading is audited); the administrator who asked cannot reach it; only Confirm
decides."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from contactpoint.access.roles import Role
from contactpoint.app.safeguards.shielding import request_shielding_change
from contactpoint.audit.events import AuditKind
from contactpoint.domain.shielding import (
    RequestedBy,
    ShieldingChange,
    ShieldingReason,
    ShieldingRequestDetails,
)
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store.access_models import AuditEntryRow
from tests.websupport import (
    HOME_LA,
    Account,
    live_server,
    make_account,
    make_principal,
    store_children,
    ui_token,
)


def _session(client: httpx.Client, runtime, clock, account: Account) -> tuple[dict[str, str], str]:
    token = ui_token(client, clock, account)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    assert held is not None
    return {"Cookie": f"__Host-cp_session={token}"}, held.csrf_token


def _kinds(runtime) -> list[str]:
    with runtime.unit_of_work() as uow:
        return list(uow._session.execute(select(AuditEntryRow.kind).order_by(AuditEntryRow.seq)).scalars())


def _status(runtime, cp_id) -> RecordStatus:
    with runtime.unit_of_work() as uow:
        status: RecordStatus = uow.children.get(cp_id).record.status
    return status


def test_the_confirmation_page_names_the_child_and_only_confirm_decides(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    asker = make_principal(runtime, Role.LA_DATA_ADMIN)
    review_on = clock.now().date() + timedelta(days=90)
    details = ShieldingRequestDetails(
        ShieldingChange.SHIELD, ShieldingReason.DOMESTIC_ABUSE, RequestedBy.POLICE, review_on
    )
    request_id = request_shielding_change(runtime, asker, child.cp_id, details)
    decider = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, decider)
        form = {"csrf_token": csrf, "request_id": str(request_id), "decision": "approve"}
        check = client.post("/shielding/decision/check", headers=cookie, data=form)
        assert check.status_code == 200
        name = child.names.current
        assert f"{name.given} {name.family}" in check.text
        assert 'action="/shielding/decision"' in check.text
        assert _status(runtime, child.cp_id) is RecordStatus.ACTIVE
        assert AuditKind.SHIELDING_READ in _kinds(runtime)
        assert AuditKind.SHIELDING_APPROVED not in _kinds(runtime)

        decided = client.post("/shielding/decision", headers=cookie, data=form)
        assert decided.status_code == 303  # post/redirect/get: a refresh does not decide again
        assert decided.headers["location"] == f"/shielding?done=approved&request={request_id}"
        assert _status(runtime, child.cp_id) is RecordStatus.SHIELDED
        assert (
            f"Request {request_id} has been approved"
            in client.get(decided.headers["location"], headers=cookie).text
        )
        again = client.post("/shielding/decision/check", headers=cookie, data=form)
        assert again.status_code == 422  # decided already: nothing left to confirm


def test_the_administrator_who_asked_cannot_open_the_confirmation(runtime, clock, factory):
    (child,) = store_children(runtime, [factory.child(la_code=HOME_LA)])
    asker = make_account(runtime, Role.LA_DATA_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        cookie, csrf = _session(client, runtime, clock, asker)
        review_on = (clock.now().date() + timedelta(days=90)).isoformat().split("-")
        asked = client.post(
            "/shielding/request",
            headers=cookie,
            data={
                "csrf_token": csrf,
                "cp_id": child.cp_id.value,
                "change": "shield",
                "reason": "domestic_abuse",
                "requested_by": "police",
                "review_on_year": review_on[0],
                "review_on_month": review_on[1],
                "review_on_day": review_on[2],
            },
        )
        assert asked.status_code == 303
        assert asked.headers["location"] == "/shielding?done=requested&request=1"
        form = {"csrf_token": csrf, "request_id": "1", "decision": "approve"}
        refused = client.post("/shielding/decision/check", headers=cookie, data=form)
        assert refused.status_code == 403
        assert child.names.current.family not in refused.text
    assert AuditKind.SHIELDING_READ not in _kinds(runtime)
