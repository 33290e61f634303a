"""The LA directory API: the national administrator reads it and sets each LA team's contact details."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.geography import directory
from contactpoint.store.geography_repository import StoredAuthority, TeamContact
from contactpoint.web.api.shared import ERRORS, Input
from contactpoint.web.deps import Need, RuntimeDep

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["authorities"])

DirectoryAdmin = Annotated[Authenticated, Depends(Need(Permission.MANAGE_LA_DIRECTORY))]
LaCode = Annotated[str, Path(pattern=r"^(?:[0-9]{3}|E(?:06|07|08|09|10|11)[0-9]{6})$")]


class TeamContactWrite(Input):
    """An LA ContactPoint team's contact details; an absent part is unknown."""

    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    address: str | None = Field(default=None, max_length=400)


class AuthorityRead(BaseModel):
    """An entry of the LA directory."""

    code: str
    name: str
    phone: str | None
    email: str | None
    address: str | None


def _read(entry: StoredAuthority) -> AuthorityRead:
    contact = entry.contact
    return AuthorityRead(
        code=entry.code, name=entry.name, phone=contact.phone, email=contact.email, address=contact.address
    )


@router.get("/authorities")
def list_authorities(runtime: RuntimeDep, session: DirectoryAdmin) -> list[AuthorityRead]:
    """Every children's services authority with its team's contact details."""
    return [_read(entry) for entry in directory.list_authorities(runtime, session.principal)]


@router.put("/authorities/{code}/team-contact")
def set_team_contact(
    code: LaCode, body: TeamContactWrite, runtime: RuntimeDep, session: DirectoryAdmin
) -> AuthorityRead:
    """Replace how practitioners reach the LA's ContactPoint team (audited)."""
    contact = TeamContact(body.phone, body.email, body.address)
    return _read(directory.set_team_contact(runtime, session.principal, code, contact))
