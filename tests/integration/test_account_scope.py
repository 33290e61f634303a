"""What an LA user administrator may create, over real HTTP on SQLite and PostgreSQL.

Organisations are a closed register (code, name, LA, the services each may record) kept by the
national administrator; a user administrator makes accounts only for organisations of their own LA
and services the organisation records, and an account of special reach (child protection, a
sensitive service) works only once a second administrator has approved it.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contactpoint.access.roles import ROLE_PERMISSIONS, Permission, Role
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.runtime import Runtime
from contactpoint.domain.clock import FixedClock
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.web.config import PRE_SESSION_COOKIE
from tests.websupport import HOME_LA, OTHER_LA, api_token, live_server, make_account

HOME_SCHOOL = "URN200001"
HOME_CLINIC = "ODS200002"
OTHER_CLINIC = "ODS300003"


@pytest.fixture
def register(runtime: Runtime) -> None:
    """The organisations the national administrator registered."""
    register_organisation(runtime, HOME_SCHOOL, "Hillside Primary School", HOME_LA, [ServiceType.EDUCATION])
    register_organisation(
        runtime,
        HOME_CLINIC,
        "Hillside Clinic",
        HOME_LA,
        [ServiceType.SEXUAL_HEALTH, ServiceType.SCHOOL_NURSING],
    )
    register_organisation(runtime, OTHER_CLINIC, "Valley Clinic", OTHER_LA, [ServiceType.SEXUAL_HEALTH])


def _new(
    role: Role, org: str, service: ServiceType, la: str = HOME_LA, name: str = "new-user"
) -> dict[str, Any]:
    return {"username": name, "role": role.value, "la_code": la, "org_code": org, "service": service.value}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _password_accepted(client: httpx.Client, created: dict[str, Any], password: str | None = None) -> bool:
    """The web UI's password step (a new account enrols its second factor next); by default with
    the half its creator was given, all that administrator knows of the password."""
    pre = client.get("/sign-in").cookies[PRE_SESSION_COOKIE]
    typed = created["password_half"] if password is None else password
    body = {"username": created["username"], "password": typed, "csrf_token": pre}
    answer = client.post("/sign-in", data=body, headers={"Cookie": f"{PRE_SESSION_COOKIE}={pre}"})
    return answer.status_code == 303 and answer.headers["location"] == "/sign-in/enrol"


@pytest.mark.usefixtures("register")
def test_a_user_administrator_creates_accounts_only_for_registered_organisations_of_their_own_la(
    runtime: Runtime, clock: FixedClock
) -> None:
    admin = make_account(runtime, Role.LA_USER_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        headers = _auth(api_token(client, clock, admin))

        def create(body: dict[str, Any]) -> int:
            return client.post("/api/v1/users", json=body, headers=headers).status_code

        other_la_org = create(_new(Role.PRACTITIONER, OTHER_CLINIC, ServiceType.SEXUAL_HEALTH, name="a-user"))
        other_la = create(
            _new(Role.PRACTITIONER, OTHER_CLINIC, ServiceType.SEXUAL_HEALTH, la=OTHER_LA, name="b-user")
        )
        unregistered = create(_new(Role.PRACTITIONER, "URN999999", ServiceType.EDUCATION, name="c-user"))
        wrong_service = create(_new(Role.PRACTITIONER, HOME_SCHOOL, ServiceType.CAMHS, name="d-user"))
        ordinary = create(_new(Role.PRACTITIONER, HOME_SCHOOL, ServiceType.EDUCATION, name="e-user"))

    assert other_la_org in (403, 422)
    assert other_la == 403
    assert unregistered == 422
    assert wrong_service == 422
    assert ordinary == 201
    with runtime.unit_of_work() as uow:
        made = uow.users.by_username("e-user")
    assert made is not None
    assert made.org_name == "Hillside Primary School"  # the register's name, not the form's


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize(
    ("role", "org", "service"),
    [
        (Role.CHILD_PROTECTION, HOME_SCHOOL, ServiceType.EDUCATION),
        (Role.PRACTITIONER, HOME_CLINIC, ServiceType.SEXUAL_HEALTH),
    ],
)
def test_an_account_of_special_reach_works_only_after_a_second_administrator_releases_it(
    runtime: Runtime, clock: FixedClock, role: Role, org: str, service: ServiceType
) -> None:
    creator = make_account(runtime, Role.LA_USER_ADMIN)
    second = make_account(runtime, Role.LA_USER_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        mine = _auth(api_token(client, clock, creator))
        theirs = _auth(api_token(client, clock, second))
        created = client.post("/api/v1/users", json=_new(role, org, service), headers=mine)
        assert created.status_code == 201, created.text
        user_id = created.json()["id"]
        listed = {u["id"]: u for u in client.get("/api/v1/users", headers=mine).json()}
        before = _password_accepted(client, created.json())
        self_approved = client.post(f"/api/v1/users/{user_id}/approval", headers=mine).status_code
        self_reinstated = client.delete(f"/api/v1/users/{user_id}/suspension", headers=mine).status_code
        still = _password_accepted(client, created.json())
        approved = client.post(f"/api/v1/users/{user_id}/approval", headers=theirs)
        whole = created.json()["password_half"] + approved.json()["password_half"]
        first_half_alone = _password_accepted(client, created.json())
        after = _password_accepted(client, created.json(), whole)

    assert listed[user_id]["awaiting_approval"] is True
    assert not before
    assert not still
    assert self_approved == 403
    assert self_reinstated == 403
    assert approved.status_code == 200
    assert not first_half_alone
    assert after
    with runtime.unit_of_work() as uow:
        user = uow.users.get(user_id)
    assert not user.suspended
    assert not user.awaiting_approval


@pytest.mark.usefixtures("register")
def test_resetting_an_account_of_special_reach_needs_a_second_administrator_again(
    runtime: Runtime, clock: FixedClock
) -> None:
    """A reset hands the resetting administrator the account: alone, they could reset a
    child-protection account and use the override under its holder's name."""
    creator = make_account(runtime, Role.LA_USER_ADMIN)
    second = make_account(runtime, Role.LA_USER_ADMIN)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        mine = _auth(api_token(client, clock, creator))
        theirs = _auth(api_token(client, clock, second))
        body = _new(Role.CHILD_PROTECTION, HOME_SCHOOL, ServiceType.EDUCATION)
        user_id = client.post("/api/v1/users", json=body, headers=mine).json()["id"]
        assert client.post(f"/api/v1/users/{user_id}/approval", headers=theirs).status_code == 200

        reset = client.post(f"/api/v1/users/{user_id}/reset", headers=mine)
        assert reset.status_code == 200, reset.text
        before = _password_accepted(client, reset.json())
        self_approved = client.post(f"/api/v1/users/{user_id}/approval", headers=mine).status_code
        approved = client.post(f"/api/v1/users/{user_id}/approval", headers=theirs)
        after = _password_accepted(
            client, reset.json(), reset.json()["password_half"] + approved.json()["password_half"]
        )

    assert not before
    assert self_approved == 403
    assert approved.status_code == 200
    assert after


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize("path", ["create", "reset"])
def test_the_administrator_who_creates_or_resets_an_ordinary_account_cannot_sign_in_to_it_alone(
    runtime: Runtime, clock: FixedClock, path: str
) -> None:
    """Split knowledge: the creator (or resetter) is given half the one-time password and cannot
    release the account; the second administrator's half completes it."""
    creator = make_account(runtime, Role.LA_USER_ADMIN)
    second = make_account(runtime, Role.LA_USER_ADMIN)
    existing = make_account(runtime, Role.PRACTITIONER)
    with live_server(runtime) as base, httpx.Client(base_url=base, timeout=60) as client:
        mine = _auth(api_token(client, clock, creator))
        theirs = _auth(api_token(client, clock, second))
        if path == "create":
            body = _new(Role.PRACTITIONER, HOME_SCHOOL, ServiceType.EDUCATION)
            issued = client.post("/api/v1/users", json=body, headers=mine)
        else:
            issued = client.post(f"/api/v1/users/{existing.user_id}/reset", headers=mine)
        assert issued.status_code in (200, 201), issued.text
        user_id = issued.json()["id"]
        listed = {u["id"]: u for u in client.get("/api/v1/users", headers=mine).json()}
        with_half = _password_accepted(client, issued.json())
        self_released = client.post(f"/api/v1/users/{user_id}/approval", headers=mine).status_code
        self_reinstated = client.delete(f"/api/v1/users/{user_id}/suspension", headers=mine).status_code
        still = _password_accepted(client, issued.json())
        released = client.post(f"/api/v1/users/{user_id}/approval", headers=theirs)
        first_half_alone = _password_accepted(client, issued.json())
        second_half_alone = _password_accepted(client, issued.json(), released.json()["password_half"])
        whole = issued.json()["password_half"] + released.json()["password_half"]
        holder = _password_accepted(client, issued.json(), whole)

    assert issued.json()["half"] == "first"
    assert listed[user_id]["awaiting_approval"] is True
    assert (with_half, still, first_half_alone, second_half_alone) == (False, False, False, False)
    assert (self_released, self_reinstated) == (403, 403)
    assert released.status_code == 200
    assert released.json()["half"] == "second"
    assert holder


def test_no_role_holds_both_user_administration_and_child_data() -> None:
    child_data = {
        Permission.SEARCH_CHILDREN,
        Permission.VIEW_CHILD,
        Permission.OVERRIDE_SHIELDING,
        Permission.WRITE_INVOLVEMENT,
        Permission.BROKER_CONTACT,
        Permission.WORK_REVIEW_QUEUE,
        Permission.DECIDE_SHIELDING,
        Permission.DECIDE_ADOPTION,
        Permission.MANAGE_CONSENT,
        Permission.PRODUCE_SUBJECT_ACCESS,
    }
    for role, held in ROLE_PERMISSIONS.items():
        assert not (Permission.MANAGE_USERS in held and held & child_data), role
