"""Client systems: an LA's user administrators give their organisations' systems a FHIR key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel, Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts import client_systems
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.store.client_repository import StoredClientSystem
from contactpoint.web.api.shared import ERRORS, Input
from contactpoint.web.deps import Need, RuntimeDep

router = APIRouter(prefix="/api/v1", responses=ERRORS)

UserAdmin = Annotated[Authenticated, Depends(Need(Permission.MANAGE_CLIENT_SYSTEMS))]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class ClientSystemCreate(Input):
    """A client system for one registered organisation of your LA."""

    name: str = Field(min_length=3, max_length=64)
    org_code: str = Field(min_length=1, max_length=12)


class ClientSystemCreated(BaseModel):
    """One half of the key, shown once (only the hash of the whole key is kept): `first` to the
    administrator who made the client system, `second` to the one who releases it. The system is
    configured with the first half followed by the second; the key opens nothing before release."""

    id: int
    name: str
    org_code: str
    la_code: str
    key_half: str
    half: str


class ClientSystemRead(BaseModel):
    """A client system, never its key."""

    id: int
    name: str
    org_code: str | None
    la_code: str | None
    created_at: datetime
    revoked_at: datetime | None
    active: bool
    awaiting_release: bool


def _read(client: StoredClientSystem) -> ClientSystemRead:
    return ClientSystemRead(
        id=client.user_id,
        name=client.username,
        org_code=client.org_code,
        la_code=client.la_code,
        created_at=client.created_at,
        revoked_at=client.revoked_at,
        active=client.active,
        awaiting_release=client.awaiting_release,
    )


def _halved(made: client_systems.NewClientSystem) -> ClientSystemCreated:
    return ClientSystemCreated(
        id=made.user_id,
        name=made.name,
        org_code=made.org_code,
        la_code=made.la_code,
        key_half=made.key_half,
        half=made.half,
    )


@router.post("/client-systems", status_code=status.HTTP_201_CREATED, tags=["client systems"])
def create_client_system(
    body: ClientSystemCreate, runtime: RuntimeDep, session: UserAdmin
) -> ClientSystemCreated:
    """Give an organisation's system a key for /fhir (it acts only for that organisation's staff);
    held until a second user administrator releases it, and you are given its first half."""
    return _halved(client_systems.add_client_system(runtime, session.principal, body.name, body.org_code))


@router.post("/client-systems/{user_id}/approval", tags=["client systems"])
def release_client_system(user_id: UserId, runtime: RuntimeDep, session: UserAdmin) -> ClientSystemCreated:
    """Release a client system another administrator made: its key works from now, and you are given
    the key's second half."""
    return _halved(client_systems.release_client_system(runtime, session.principal, user_id))


@router.get("/client-systems", tags=["client systems"])
def list_client_systems(runtime: RuntimeDep, session: UserAdmin) -> list[ClientSystemRead]:
    """Your LA's client systems, revoked ones too."""
    return [_read(c) for c in client_systems.list_client_systems(runtime, session.principal)]


@router.post("/client-systems/{user_id}/revocation", tags=["client systems"])
def revoke_client_system(user_id: UserId, runtime: RuntimeDep, session: UserAdmin) -> ClientSystemRead:
    """The key stops working at once and for good."""
    return _read(client_systems.revoke_client_system(runtime, session.principal, user_id))
