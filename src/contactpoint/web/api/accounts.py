"""The accounts API: sessions (sign in and out), the signed-in account, and user administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from contactpoint.access.roles import ROLE_PERMISSIONS, Permission
from contactpoint.app.accounts import accounts
from contactpoint.app.accounts.accounts import AccountSummary, Authenticated
from contactpoint.app.accounts.notifications import NotificationView, notifications_for
from contactpoint.web.api.accounts_schemas import (
    MeRead,
    PasswordChange,
    SessionCreate,
    SessionRead,
    UserCreate,
    UserCreated,
)
from contactpoint.web.api.shared import ERRORS, links
from contactpoint.web.deps import Need, RuntimeDep, client_address

router = APIRouter(prefix="/api/v1", responses=ERRORS)

UserAdmin = Annotated[Authenticated, Depends(Need(Permission.MANAGE_USERS))]
Anyone = Annotated[Authenticated, Depends(Need(Permission.READ_OWN_ACCOUNT))]
# Signing out and changing the password also work for a session signed in with a one-time password
Holder = Annotated[Authenticated, Depends(Need(Permission.READ_OWN_ACCOUNT, changing_password=True))]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


_NEW_TOKEN = {"header.Authorization": "Bearer {$response.body#/token}"}


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    tags=["sessions"],
    responses=links(
        201,
        me=("GET", "/api/v1/me", _NEW_TOKEN),
        signOut=(
            "DELETE",
            "/api/v1/sessions/current",
            _NEW_TOKEN,
        ),
        changePassword=(
            "POST",
            "/api/v1/me/password",
            _NEW_TOKEN,
        ),
    ),
)
def create_session(body: SessionCreate, request: Request, runtime: RuntimeDep) -> SessionRead:
    """Sign in with password and TOTP code (enrol the code in the web UI at first sign-in)."""
    grant = accounts.sign_in(
        runtime, body.username, body.password, body.code, client_address(request), body.device
    )
    return SessionRead(
        token=grant.token,
        device=grant.device,
        idle_minutes=int(accounts.IDLE_LIMIT.total_seconds() // 60),
        absolute_hours=int(accounts.ABSOLUTE_LIMIT.total_seconds() // 3600),
        password_change_required=grant.stage == "password",
    )


@router.delete("/sessions/current", status_code=status.HTTP_204_NO_CONTENT, tags=["sessions"])
def delete_session(request: Request, runtime: RuntimeDep, _session: Holder) -> Response:
    """Sign out: the token stops working at once."""
    accounts.sign_out(runtime, _bearer_token(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _bearer_token(request: Request) -> str:
    return request.headers.get("authorization", "").partition(" ")[2].strip()


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, tags=["sessions"])
def change_password(
    body: PasswordChange, request: Request, runtime: RuntimeDep, _session: Holder
) -> Response:
    """Change your password (required first after signing in with a one-time password): your other
    sessions end, this one carries on."""
    accounts.change_password(
        runtime, _bearer_token(request), body.current_password, body.new_password, client_address(request)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", tags=["sessions"])
def me(session: Anyone) -> MeRead:
    """Who you are signed in as, and what your role may do."""
    p = session.principal
    return MeRead(
        id=p.user_id,
        username=p.username,
        role=p.role,
        la_code=p.la_code,
        org_code=p.org_code,
        service=p.service,
        permissions=sorted(ROLE_PERMISSIONS[p.role]),
    )


@router.get("/notifications", tags=["sessions"])
def list_notifications(runtime: RuntimeDep, session: Anyone) -> list[NotificationView]:
    """What you are told in the service: changes of lead professional taken from your service team
    (and, for an LA's data administrators, of the LA's children), last 30 days, newest first."""
    return notifications_for(runtime, session.principal)


@router.get("/users", tags=["users"])
def list_users(runtime: RuntimeDep, session: UserAdmin) -> list[AccountSummary]:
    """Accounts in your scope."""
    return accounts.list_accounts(runtime, session.principal)


_USER = {"user_id": "$response.body#/id"}


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    tags=["users"],
    responses=links(
        201,
        suspend=("POST", "/api/v1/users/{user_id}/suspension", _USER),
        reinstate=("DELETE", "/api/v1/users/{user_id}/suspension", _USER),
        approve=("POST", "/api/v1/users/{user_id}/approval", _USER),
        reset=("POST", "/api/v1/users/{user_id}/reset", _USER),
    ),
)
def create_user(body: UserCreate, runtime: RuntimeDep, session: UserAdmin) -> UserCreated:
    """Create an account in your scope, held until a second administrator releases it; you are given
    the first half of its one-time password. Its holder enrols TOTP at first sign-in."""
    created = accounts.create_account(
        runtime,
        session.principal,
        username=body.username,
        role=body.role,
        la_code=body.la_code,
        org_code=body.org_code,
        org_name=body.org_name,
        service=body.service,
        family_name=body.family_name,
        home_postcode=body.home_postcode,
        display_name=body.display_name,
    )
    return _issued(created)


def _issued(issued: accounts.NewAccount) -> UserCreated:
    half = "second" if issued.half == "second" else "first"
    return UserCreated(id=issued.user_id, username=issued.username, password_half=issued.password, half=half)


@router.post("/users/{user_id}/suspension", status_code=status.HTTP_204_NO_CONTENT, tags=["users"])
def suspend_user(user_id: UserId, runtime: RuntimeDep, session: UserAdmin) -> Response:
    """Suspend an account: its sessions end at once."""
    accounts.set_suspended(runtime, session.principal, user_id, suspended=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/users/{user_id}/suspension", status_code=status.HTTP_204_NO_CONTENT, tags=["users"])
def reinstate_user(user_id: UserId, runtime: RuntimeDep, session: UserAdmin) -> Response:
    """Lift a suspension."""
    accounts.set_suspended(runtime, session.principal, user_id, suspended=False)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/users/{user_id}/approval", tags=["users"])
def approve_user(user_id: UserId, runtime: RuntimeDep, session: UserAdmin) -> UserCreated:
    """Release an account another administrator made or reset: it works from now, and you are given
    the second half of its one-time password."""
    return _issued(accounts.release_account(runtime, session.principal, user_id))


@router.post("/users/{user_id}/reset", tags=["users"])
def reset_user(user_id: UserId, runtime: RuntimeDep, session: UserAdmin) -> UserCreated:
    """A new one-time password (you are given its first half) and a fresh second factor to enrol; the
    account's sessions end and it is held until a second administrator releases it."""
    return _issued(accounts.reset_account(runtime, session.principal, user_id))
