"""Schemathesis over the OpenAPI schema, against the real server over HTTP: whatever it generates
(valid and invalid), the API never answers with a server error. Each operation is called as a role
that may use it, so the checks reach the use cases, not just the sign-in wall."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from contactpoint.access.roles import Role
from contactpoint.app.feeds.sources import add_source_account
from contactpoint.domain.clock import FixedClock
from tests.websupport import Account, api_token, live_server, make_account, store_children

ROLE_FOR_PATH = (
    ("/api/v1/users", Role.LA_USER_ADMIN),
    ("/api/v1/audit", Role.AUDITOR),
    ("/api/v1/alerts", Role.AUDITOR),
    ("/api/v1/subject-access-reports", Role.AUDITOR),
    ("/api/v1/review-items", Role.LA_DATA_ADMIN),
    ("/api/v1/feeds", Role.DATA_SOURCE),
)
FEED_SOURCE = "child_benefit"  # the data source's key is bound to it; generated bodies reach the pipeline


class Sessions:
    """Tokens per role, renewed when a generated call signs one out."""

    def __init__(self, base: str, clock: FixedClock, accounts: dict[Role, Account]) -> None:
        self.base, self.clock, self.accounts = base, clock, accounts
        self.tokens: dict[Role, str] = {}

    def role_for(self, path: str) -> Role:
        return next((role for prefix, role in ROLE_FOR_PATH if path.startswith(prefix)), Role.PRACTITIONER)

    def headers(self, role: Role) -> dict[str, str]:
        if role not in self.tokens:
            with httpx.Client(base_url=self.base) as client:
                self.tokens[role] = api_token(client, self.clock, self.accounts[role])
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def test_the_api_never_answers_with_a_server_error(runtime, clock, factory):
    store_children(runtime, [factory.child(la_code="201") for _ in range(3)])
    accounts = {
        role: make_account(runtime, role)
        for role in (Role.PRACTITIONER, Role.LA_USER_ADMIN, Role.AUDITOR, Role.LA_DATA_ADMIN)
    }
    with live_server(runtime) as base:
        schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
        sessions = Sessions(base, clock, accounts)
        sessions.tokens[Role.DATA_SOURCE] = add_source_account(runtime, "feed-fuzzer", FEED_SOURCE).key
        operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]  # an invalid operation fails the test here
        assert len(operations) >= 14

        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def call(case: Any) -> None:
                clock.advance(timedelta(seconds=61))  # keeps generated searches under the hourly hard limit
                role = sessions.role_for(case.path)
                if role is Role.DATA_SOURCE:
                    case.path_parameters = {"source": FEED_SOURCE}
                case.call_and_validate(
                    base_url=base, headers=sessions.headers(role), checks=[not_a_server_error]
                )
                if case.method == "DELETE" and case.path.endswith("/sessions/current"):
                    sessions.tokens.pop(role, None)

            call()
    with runtime.unit_of_work() as uow:
        submitted = [e for e in uow.audit.iter_entries() if e.kind == "feeds:submit"]
    assert submitted, "no generated feed reached the pipeline"
