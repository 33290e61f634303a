"""A client system's key reaches children through the practitioners it names, so one user
administrator alone must not be able to make one and use it (red team, ADR 0021): the key is held
until a second administrator releases it and given in two halves; a client system never acts for
an account of special reach or one not yet standing alone; its requests are rate-limited."""

from __future__ import annotations

from datetime import timedelta

import httpx

from contactpoint.access import passwords, totp
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import provision_account
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.oversight.auditing import query_audit
from contactpoint.bootstrap import build_runtime
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.web.fhir.deps import PRACTITIONER_HEADER, REASON_HEADER
from tests.fhirsupport import known_child, organisation
from tests.websupport import (
    HOME_LA,
    ORG_CODE,
    ORG_NAME,
    api_token,
    live_server,
    make_account,
    make_principal,
    store_children,
)


def _acting(key: str, practitioner: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", PRACTITIONER_HEADER: practitioner, REASON_HEADER: "assessment"}


def test_a_client_system_made_by_one_administrator_opens_nothing_until_a_second_releases_it(
    runtime, clock, factory
):
    register_organisation(runtime, ORG_CODE, ORG_NAME, HOME_LA, [ServiceType.EDUCATION])
    practitioner = make_account(runtime, Role.PRACTITIONER)
    first_admin, second_admin = (make_account(runtime, Role.LA_USER_ADMIN) for _ in range(2))
    (child,) = store_children(runtime, [known_child(factory)])
    path = f"/fhir/Patient/{child.cp_id.value}"
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        first = {"Authorization": f"Bearer {api_token(client, clock, first_admin)}"}
        second = {"Authorization": f"Bearer {api_token(client, clock, second_admin)}"}
        made = client.post(
            "/api/v1/client-systems", headers=first, json={"name": "mis-one", "org_code": ORG_CODE}
        )
        assert made.status_code == 201, made.text
        assert "key" not in made.json()
        assert made.json()["half"] == "first"
        first_half = made.json()["key_half"]
        held = client.get(path, headers=_acting(first_half, practitioner.username))
        listed = client.get("/api/v1/client-systems", headers=first).json()
        own_release = client.post(f"/api/v1/client-systems/{made.json()['id']}/approval", headers=first)
        released = client.post(f"/api/v1/client-systems/{made.json()['id']}/approval", headers=second)
        again = client.post(f"/api/v1/client-systems/{made.json()['id']}/approval", headers=second)
        second_half = released.json()["key_half"]
        alone = client.get(path, headers=_acting(second_half, practitioner.username))
        whole = client.get(path, headers=_acting(first_half + second_half, practitioner.username))
    assert held.status_code == 401  # the creator's half opens nothing
    assert [c["awaiting_release"] for c in listed] == [True]
    assert not listed[0]["active"]
    assert own_release.status_code == 403
    assert released.status_code == 200
    assert released.json()["half"] == "second"
    assert again.status_code == 422
    assert alone.status_code == 401
    assert whole.status_code == 200, whole.text
    kinds = [e.kind for e in query_audit(runtime, make_principal(runtime, Role.AUDITOR))]
    assert kinds.count("accounts:approve") == 1


def _standing_apart(runtime, *, role=Role.PRACTITIONER, service=ServiceType.EDUCATION, **state) -> str:
    """A practitioner account of the client's organisation in some state; returns its username."""
    name = f"{role.value.replace('_', '-')}-{service.value.replace('_', '-')}-{len(state)}{sorted(state)}"
    name = "".join(c for c in name.lower() if c.isalnum() or c == "-")[:60]
    with runtime.unit_of_work() as uow:
        provision_account(
            runtime,
            uow,
            username=name,
            role=role,
            la_code=HOME_LA,
            org_code=ORG_CODE,
            org_name=ORG_NAME,
            service=service,
            password=passwords.generate_password(),
            totp_secret=totp.new_secret(),
            enrolled=state.get("enrolled", True),
            awaiting_approval=state.get("awaiting_approval", False),
            one_time_password=state.get("one_time_password", False),
        )
        uow.commit()
    return name


def test_a_client_system_never_acts_for_special_reach_or_an_account_not_standing_alone(runtime, factory):
    org = organisation(runtime)
    (child,) = store_children(runtime, [known_child(factory)])
    refused = [
        _standing_apart(runtime, role=Role.CHILD_PROTECTION),
        _standing_apart(runtime, service=ServiceType.SEXUAL_HEALTH),
        _standing_apart(runtime, service=ServiceType.CAMHS),
        _standing_apart(runtime, one_time_password=True),
        _standing_apart(runtime, awaiting_approval=True),
        _standing_apart(runtime, enrolled=False),
    ]
    path = f"/fhir/Patient/{child.cp_id.value}"
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        answers = {name: client.get(path, headers=_acting(org.key, name)).status_code for name in refused}
        ordinary = client.get(path, headers=_acting(org.key, org.practitioner.username)).status_code
    assert answers == dict.fromkeys(refused, 403)
    assert ordinary == 200


def test_a_client_systems_requests_are_limited_per_minute(runtime, settings, clock, factory):
    limited = build_runtime(settings.model_copy(update={"fhir_client_requests_per_minute": 5}), clock=clock)
    try:
        org = organisation(limited)
        other = organisation(limited, code="URN222222")
        (child,) = store_children(limited, [known_child(factory)])
        path = f"/fhir/Patient/{child.cp_id.value}"
        with live_server(limited) as base, httpx.Client(base_url=base) as client:
            within = [client.get(path, headers=_acting(org.key, org.practitioner.username)) for _ in range(5)]
            over = client.get(path, headers=_acting(org.key, org.practitioner.username))
            others = client.get(path, headers=_acting(other.key, other.practitioner.username))
            clock.advance(timedelta(seconds=61))
            later = client.get(path, headers=_acting(org.key, org.practitioner.username))
    finally:
        limited.close()
    assert [r.status_code for r in within] == [200] * 5
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1
    assert others.status_code == 200  # another client's key has its own count
    assert later.status_code == 200
