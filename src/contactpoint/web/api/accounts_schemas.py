"""The accounts API's bodies: signing in, the signed-in account, and user administration."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from contactpoint.access.roles import Role
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.web.api.shared import Input


class SessionCreate(Input):
    """Sign in with both factors."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    code: str = Field(min_length=6, max_length=8)
    device: str | None = Field(
        default=None,
        max_length=200,
        description="The `device` token an earlier sign-in to this account gave this client: others' "
        "failed guesses at the account then do not slow this client's sign-in",
    )


class SessionRead(BaseModel):
    """A bearer token for the API; it idles out after 15 minutes and ends after 12 hours."""

    token: str
    device: str | None = Field(
        default=None, description="Keep this and send it with later sign-ins to this account"
    )
    idle_minutes: int
    absolute_hours: int
    password_change_required: bool = Field(
        default=False,
        description="Signed in with a one-time password: until POST /api/v1/me/password changes it, "
        "every other route answers 403 with error `password_change_required`",
    )


class PasswordChange(Input):
    """Your current password and the new one: 12 to 128 characters, any characters, not a commonly
    breached password, not containing your username."""

    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=1, max_length=128)


class MeRead(BaseModel):
    """The signed-in account."""

    id: int
    username: str
    role: Role
    la_code: str | None
    org_code: str | None
    service: ServiceType | None
    permissions: list[str]


class UserCreate(Input):
    """A new account; the organisation and service are for practitioners only."""

    username: str = Field(min_length=3, max_length=64)
    display_name: str | None = Field(
        default=None,
        max_length=120,
        description="The holder's name as auditors and administrators read it; the username if not given",
    )
    role: Role
    la_code: str | None = Field(default=None, max_length=3)
    org_code: str | None = Field(default=None, max_length=12)
    org_name: str | None = Field(default=None, max_length=120)
    service: ServiceType | None = None
    family_name: str | None = Field(
        default=None,
        max_length=70,
        description="The holder's family name: kept only as a keyed hash, for a misuse signal",
    )
    home_postcode: str | None = Field(
        default=None,
        max_length=8,
        description="The holder's home postcode: kept only as a keyed hash, for a misuse signal",
    )


class UserCreated(BaseModel):
    """This administrator's half of the one-time password, shown once: the one who creates or resets
    an account gets the first half, the second administrator who releases it the second. The holder
    types the first half and then the second; TOTP is enrolled at first sign-in."""

    id: int
    username: str
    password_half: str | None = Field(description="None for an account held before passwords were split")
    half: Literal["first", "second"]
