"""Every authentication operation over the API leaves an audit entry (ASVS 5.0 16.3.1): a sign-in,
a wrong password, a wrong code and a sign-out, each with the step that failed and never a secret."""

from __future__ import annotations

import httpx

from contactpoint.access.roles import Role
from contactpoint.app.oversight.auditing import query_audit
from tests.websupport import PASSWORD, api_token, live_server, make_account, make_principal


def test_sign_ins_failures_and_sign_outs_are_audited_with_the_failed_step(runtime, clock):
    account = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        wrong_password = {"username": account.username, "password": "not it at all", "code": "000000"}
        assert client.post("/api/v1/sessions", json=wrong_password).status_code == 401
        wrong_code = {"username": account.username, "password": PASSWORD, "code": "000000"}
        assert client.post("/api/v1/sessions", json=wrong_code).status_code == 401
        token = api_token(client, clock, account)
        assert (
            client.delete(
                "/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 204
        )
    auditor = make_principal(runtime, Role.NATIONAL_AUDITOR)
    entries = sorted(query_audit(runtime, auditor, user_id=account.user_id), key=lambda e: e.seq)
    assert [(e.kind, e.details.get("step")) for e in entries] == [
        ("sessions:sign-in-failed", "password"),
        ("sessions:sign-in-failed", "code"),
        ("sessions:sign-in", None),
        ("sessions:sign-out", None),
    ]
    assert all(PASSWORD not in str(e.details) and token not in str(e.details) for e in entries)
