"""The authorisation matrix (invariant 9): every API and UI route and every CLI command, against every
role, over real HTTP. A route without a declared permission, or a role let in (or kept out) against
the table below, fails. Scope (own LA or another) is enumerated in tests/unit/access/test_policy.py
and exercised end to end in test_api_use_cases.py."""

from __future__ import annotations

import re

import httpx
import pytest
import typer
from fastapi.routing import APIRoute

from contactpoint.access.roles import Role
from contactpoint.app.feeds.sources import add_source_account
from contactpoint.console import app as cli_app
from contactpoint.web.app import create_app
from contactpoint.web.deps import Need, UiNeed
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER, ActingFor
from tests.fhirsupport import organisation
from tests.websupport import api_routes, api_token, live_server, make_account, ui_token

PRACTICE = {Role.PRACTITIONER, Role.CHILD_PROTECTION, Role.LA_DATA_ADMIN}
RECORDERS = {Role.PRACTITIONER, Role.CHILD_PROTECTION}
USER_ADMINS = {Role.LA_USER_ADMIN, Role.NATIONAL_ADMIN}
AUDITORS = {Role.AUDITOR, Role.NATIONAL_AUDITOR}
DATA_ADMINS = {Role.LA_DATA_ADMIN}
NATIONAL_ADMINS = {Role.NATIONAL_ADMIN}
LA_AUDITORS = {Role.AUDITOR}
EVERYONE = {role for role in Role if not role.is_machine}  # people; a machine has no session
SOURCES = {Role.DATA_SOURCE}
LA_USER_ADMINS = {Role.LA_USER_ADMIN}
CLIENTS = {Role.CLIENT_SYSTEM}  # each request names a practitioner of the client's organisation
PUBLIC = None

# DESIGN section 1 as a table: (method, path) -> the roles allowed; PUBLIC routes need no session.
API_MATRIX: dict[tuple[str, str], set[Role] | None] = {
    ("POST", "/api/v1/sessions"): PUBLIC,
    ("DELETE", "/api/v1/sessions/current"): EVERYONE,
    ("GET", "/api/v1/me"): EVERYONE,
    ("POST", "/api/v1/me/password"): EVERYONE,
    ("GET", "/api/v1/notifications"): EVERYONE,
    ("POST", "/api/v1/searches"): PRACTICE,
    ("POST", "/api/v1/children/{cp_id}/views"): PRACTICE,
    ("POST", "/api/v1/children/{cp_id}/involvements"): RECORDERS,
    ("PUT", "/api/v1/children/{cp_id}/involvements/{index}"): RECORDERS,
    ("POST", "/api/v1/children/{cp_id}/involvements/{index}/end"): RECORDERS,
    ("POST", "/api/v1/children/{cp_id}/involvements/{index}/lead"): PRACTICE,
    ("GET", "/api/v1/users"): USER_ADMINS,
    ("POST", "/api/v1/users"): USER_ADMINS,
    ("POST", "/api/v1/users/{user_id}/suspension"): USER_ADMINS,
    ("DELETE", "/api/v1/users/{user_id}/suspension"): USER_ADMINS,
    ("POST", "/api/v1/users/{user_id}/reset"): USER_ADMINS,
    ("POST", "/api/v1/users/{user_id}/approval"): USER_ADMINS,
    ("POST", "/api/v1/audit/queries"): AUDITORS,
    ("GET", "/api/v1/alerts"): AUDITORS | USER_ADMINS,
    ("POST", "/api/v1/shielding-requests"): DATA_ADMINS,
    ("GET", "/api/v1/shielding-requests"): DATA_ADMINS,
    ("POST", "/api/v1/shielding-requests/{request_id}/decision"): DATA_ADMINS,
    ("GET", "/api/v1/shielding-reviews"): DATA_ADMINS,
    ("POST", "/api/v1/children/{cp_id}/contact-requests"): RECORDERS,
    ("GET", "/api/v1/contact-requests"): DATA_ADMINS,
    ("POST", "/api/v1/contact-requests/{request_id}/outcome"): DATA_ADMINS,
    ("POST", "/api/v1/adoption-requests"): DATA_ADMINS,
    ("GET", "/api/v1/adoption-requests"): DATA_ADMINS,
    ("POST", "/api/v1/adoption-requests/{request_id}/decision"): DATA_ADMINS,
    ("GET", "/api/v1/children/{cp_id}/consents"): DATA_ADMINS,
    ("POST", "/api/v1/children/{cp_id}/retention-consent"): DATA_ADMINS,
    ("POST", "/api/v1/children/{cp_id}/retention-consent/withdrawal"): DATA_ADMINS,
    ("POST", "/api/v1/children/{cp_id}/involvements/{index}/consent-withdrawal"): DATA_ADMINS,
    ("POST", "/api/v1/subject-access-reports"): LA_AUDITORS,
    ("POST", "/api/v1/subject-access-reports/pdf"): LA_AUDITORS,
    ("GET", "/api/v1/review-items"): DATA_ADMINS,
    ("GET", "/api/v1/review-items/{item_id}"): DATA_ADMINS,
    ("POST", "/api/v1/review-items/{item_id}/decision"): DATA_ADMINS,
    ("POST", "/api/v1/feeds/{source}/submissions"): SOURCES,
    ("POST", "/api/v1/client-systems"): LA_USER_ADMINS,
    ("GET", "/api/v1/client-systems"): LA_USER_ADMINS,
    ("POST", "/api/v1/client-systems/{user_id}/revocation"): LA_USER_ADMINS,
    ("POST", "/api/v1/client-systems/{user_id}/approval"): LA_USER_ADMINS,
    ("GET", "/api/v1/authorities"): NATIONAL_ADMINS,
    ("PUT", "/api/v1/authorities/{code}/team-contact"): NATIONAL_ADMINS,
}
# FHIR for client systems (web/fhir): a person's token or a data source's key is refused there.
FHIR_MATRIX: dict[tuple[str, str], set[Role] | None] = {
    ("GET", "/fhir/metadata"): PUBLIC,
    ("GET", "/fhir/openapi.json"): PUBLIC,
    ("GET", "/fhir/Patient"): CLIENTS,
    ("POST", "/fhir/Patient/_search"): CLIENTS,
    ("POST", "/fhir/Patient/$match"): CLIENTS,
    ("GET", "/fhir/Patient/{resource_id}"): CLIENTS,
}
UI_MATRIX: dict[tuple[str, str], set[Role] | None] = {
    ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PUBLIC,
    ("GET", "/signed-out"): PUBLIC,
    ("GET", "/accessibility"): PUBLIC,
    ("GET", "/privacy"): PUBLIC,
    ("GET", "/sign-in/code"): PUBLIC,
    ("GET", "/sign-in/enrol"): PUBLIC,
    ("POST", "/sign-in/code"): PUBLIC,
    ("POST", "/sign-out"): EVERYONE,
    ("GET", "/"): EVERYONE,
    ("GET", "/account/password"): EVERYONE,
    ("POST", "/account/password"): EVERYONE,
    ("GET", "/search"): PRACTICE,
    ("POST", "/search"): PRACTICE,
    ("GET", "/search/results/{search_id}"): PRACTICE,
    ("GET", "/search/results/{search_id}/change"): PRACTICE,
    ("POST", "/record"): PRACTICE,
    ("GET", "/record/{record_id}"): PRACTICE,
    ("POST", "/involvement/form"): RECORDERS,
    ("POST", "/involvement/save"): RECORDERS,
    ("POST", "/involvement/end"): RECORDERS,
    ("GET", "/users"): USER_ADMINS,
    ("POST", "/users"): USER_ADMINS,
    ("POST", "/users/suspension"): USER_ADMINS,
    ("POST", "/users/reset"): USER_ADMINS,
    ("POST", "/users/release"): USER_ADMINS,
    ("GET", "/audit"): AUDITORS,
    ("POST", "/audit"): AUDITORS,
    ("GET", "/audit/results/{query_id}"): AUDITORS,
    ("GET", "/audit/results/{query_id}/entries.csv"): AUDITORS,
    ("GET", "/alerts"): AUDITORS | USER_ADMINS,
    ("POST", "/alerts/state"): AUDITORS,
    ("GET", "/adoptions"): DATA_ADMINS,
    ("POST", "/adoptions"): DATA_ADMINS,
    ("POST", "/adoptions/decision"): DATA_ADMINS,
    ("POST", "/adoptions/form"): DATA_ADMINS,
    ("POST", "/adoptions/decision/check"): DATA_ADMINS,
    ("GET", "/consent"): DATA_ADMINS,
    ("POST", "/consent"): DATA_ADMINS,
    ("GET", "/consent/child/{consent_id}"): DATA_ADMINS,
    ("POST", "/consent/retention"): DATA_ADMINS,
    ("POST", "/consent/retention/withdrawal"): DATA_ADMINS,
    ("POST", "/consent/sensitive/withdrawal"): DATA_ADMINS,
    ("GET", "/subject-access"): LA_AUDITORS,
    ("POST", "/subject-access"): LA_AUDITORS,
    ("GET", "/subject-access/report/{report_id}"): LA_AUDITORS,
    ("GET", "/subject-access/report/{report_id}/pdf"): LA_AUDITORS,
    ("GET", "/review"): DATA_ADMINS,
    ("POST", "/review/item"): DATA_ADMINS,
    ("POST", "/review/decision"): DATA_ADMINS,
    ("GET", "/shielding"): DATA_ADMINS,
    ("GET", "/shielding/request"): DATA_ADMINS,
    ("POST", "/shielding/request"): DATA_ADMINS,
    ("POST", "/shielding/request/form"): DATA_ADMINS,
    ("POST", "/shielding/decision"): DATA_ADMINS,
    ("POST", "/shielding/decision/check"): DATA_ADMINS,
    ("GET", "/contact-requests"): DATA_ADMINS,
    ("POST", "/contact-requests/outcome"): DATA_ADMINS,
    ("POST", "/contact/form"): RECORDERS,
    ("POST", "/contact"): RECORDERS,
    ("GET", "/authorities"): NATIONAL_ADMINS,
    ("POST", "/authorities"): NATIONAL_ADMINS,
}
# Commands are run by the operator on the server, holding the key file: the national operator's
# tools, not reachable by any role of the web application. Each is listed so a new one is noticed.
OPERATOR_COMMANDS = {
    "init", "db upgrade", "stats", "keys status", "keys rotate", "keys retire", "demo", "serve",
    "users create-admin", "users add-organisation", "users organisations", "users verify",
    "audit verify", "audit checkpoint", "retention run",
    "synth population", "synth sources", "synth geography",
    # The ONS postcode table and the LA directory (the web UI's national administrator sets contacts too).
    "geography import", "geography authorities", "geography set-contact",
    "ingest", "load", "feeds export-links", "linkage train", "linkage evaluate", "linkage relink",
    "linkage term-frequencies",
    "linkage reindex-protected",
    # The national operator gives each data source its machine account and API key (and revokes it).
    "sources add-account", "sources revoke", "sources list",
    # LA data administrators work their own LA's review queue in the web application; the operator
    # works the national queue (rows no LA could be found for) and merges from here.
    "review list", "review link", "review new", "review reject", "review merge", "review unmerge",
}  # fmt: skip


def _declared(route: APIRoute) -> list[object]:
    found: list[object] = []

    def walk(dependant: object) -> None:
        for sub in getattr(dependant, "dependencies", []):
            call = getattr(sub, "call", None)
            if isinstance(call, Need | UiNeed | ActingFor):
                found.append(call)
            walk(sub)

    walk(route.dependant)
    return found


def _table(path: str) -> dict[tuple[str, str], set[Role] | None]:
    if path.startswith("/api/"):
        return API_MATRIX
    return FHIR_MATRIX if path.startswith("/fhir/") else UI_MATRIX


def _routes(runtime):
    app = create_app(runtime)
    return [(method, route.path, route) for route in api_routes(app) for method in route.methods or ()]


def test_every_route_is_in_the_matrix_and_declares_one_permission(runtime):
    seen = set()
    for method, path, route in _routes(runtime):
        key = (method, path)
        seen.add(key)
        table = _table(path)
        assert key in table, f"{method} {path} is not in the authorisation matrix"
        needs = _declared(route)
        assert len(needs) == (0 if table[key] is PUBLIC else 1), f"{method} {path} declares {needs}"
    assert seen == set(API_MATRIX) | set(UI_MATRIX) | set(FHIR_MATRIX)


def _commands(group: typer.Typer, prefix: str = "") -> set[str]:
    names = set()
    for command in group.registered_commands:
        name = command.name or (command.callback.__name__.replace("_", "-") if command.callback else "")
        names.add(f"{prefix}{name}")
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            names |= _commands(sub.typer_instance, f"{prefix}{sub.name} ")
    return names


def test_every_cli_command_is_an_operator_command_listed_here():
    assert _commands(cli_app) == OPERATOR_COMMANDS


def _fill(path: str) -> str:
    values = {
        "index": "0",
        "user_id": "999999",
        "cp_id": "100000000009",
        "request_id": "999999",
        "item_id": "999999",
        "source": "child_benefit",
        "resource_id": "100000000009",
        "code": "E09000007",
        "search_id": "AAAAAAAAAAAAAAAAAAAAAAAA",
        "record_id": "AAAAAAAAAAAAAAAAAAAAAAAA",
        "query_id": "AAAAAAAAAAAAAAAAAAAAAAAA",
        "report_id": "AAAAAAAAAAAAAAAAAAAAAAAA",
        "consent_id": "AAAAAAAAAAAAAAAAAAAAAAAA",
    }  # none exists
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


@pytest.mark.parametrize("role", [role for role in Role if not role.is_machine])
def test_each_role_reaches_exactly_the_routes_the_matrix_allows(runtime, clock, role):
    account = make_account(runtime, role)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token, page_token = api_token(client, clock, account), ui_token(client, clock, account)
        with runtime.unit_of_work() as uow:
            held = uow.sessions.get(runtime.token_hasher.digest(page_token))
        assert held is not None
        bearer = {"Authorization": f"Bearer {token}"}
        cookie = {"Cookie": f"__Host-cp_session={page_token}"}
        sign_out_last = sorted(
            [*API_MATRIX.items(), *FHIR_MATRIX.items(), *UI_MATRIX.items()],
            key=lambda item: item[0][1] in ("/api/v1/sessions/current", "/sign-out"),
        )
        for (method, path), allowed in sign_out_last:
            if allowed is PUBLIC:
                continue
            url = _fill(path)
            if path.startswith(("/api/", "/fhir/")):
                body: dict[str, str] | None = {} if method in ("POST", "PUT") else None
                response = client.request(method, url, headers=bearer, json=body)
            else:
                form = {"csrf_token": held.csrf_token} if method == "POST" else None
                response = client.request(method, url, headers=cookie, data=form)
            refused = response.status_code == 403
            assert refused == (role not in allowed), f"{role} {method} {path}: {response.status_code}"
            assert response.status_code < 500, f"{role} {method} {path}: {response.status_code}"


def test_a_data_source_key_reaches_its_feed_submissions_and_nothing_else(runtime):
    key = add_source_account(runtime, "child-benefit-feed", "child_benefit").key
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        for (method, path), allowed in [*API_MATRIX.items(), *FHIR_MATRIX.items()]:
            if allowed is PUBLIC:
                continue
            body: dict[str, str] | None = {} if method in ("POST", "PUT") else None
            response = client.request(
                method, _fill(path), headers={"Authorization": f"Bearer {key}"}, json=body
            )
            refused = response.status_code == 403
            assert refused == (Role.DATA_SOURCE not in allowed), f"{method} {path}: {response.status_code}"
            assert response.status_code < 500, f"{method} {path}: {response.status_code}"
        for (method, path), allowed in UI_MATRIX.items():
            if allowed is not PUBLIC:  # a key is no session: the UI sends it to sign in
                response = client.request(method, _fill(path), headers={"Cookie": f"__Host-cp_session={key}"})
                assert response.status_code == 303, path
                assert response.headers["location"] == "/sign-in"
        assert client.get("/api/v1/me", headers={"Cookie": f"__Host-cp_session={key}"}).status_code == 401


def test_a_client_systems_key_reaches_the_fhir_routes_and_nothing_else(runtime):
    org = organisation(runtime)
    acting = {
        "Authorization": f"Bearer {org.key}",
        PRACTITIONER_HEADER: org.practitioner.username,
        REASON_HEADER: "assessment",
    }
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        for (method, path), allowed in FHIR_MATRIX.items():
            body: dict[str, str] | None = {} if method == "POST" else None
            response = client.request(method, _fill(path), headers=acting, json=body)
            assert response.status_code != 403, f"{method} {path}: {response.status_code}"
            assert response.status_code < 500, f"{method} {path}: {response.status_code}"
            assert allowed is PUBLIC or Role.CLIENT_SYSTEM in allowed
        for (method, path), allowed in API_MATRIX.items():
            if allowed is not PUBLIC:  # a key is no session: the JSON API does not know it
                response = client.request(method, _fill(path), headers=acting, json={})
                assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        for (method, path), allowed in UI_MATRIX.items():
            if allowed is not PUBLIC:
                response = client.request(
                    method, _fill(path), headers={"Cookie": f"__Host-cp_session={org.key}"}
                )
                assert response.status_code == 303, path
                assert response.headers["location"] == "/sign-in"


def test_without_a_session_every_protected_route_refuses(runtime):
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        for (method, path), allowed in [*API_MATRIX.items(), *FHIR_MATRIX.items()]:
            if allowed is not PUBLIC:
                assert client.request(method, _fill(path)).status_code == 401, path
        for (method, path), allowed in UI_MATRIX.items():
            if allowed is not PUBLIC:
                response = client.request(method, _fill(path))
                assert response.status_code == 303, path
                assert response.headers["location"] == "/sign-in"
