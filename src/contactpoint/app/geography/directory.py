"""The LA directory: each children's services authority's name (from the ONS lookup) and how to reach
its ContactPoint team, kept by the national administrator (in the web UI, the API or the CLI).

Names are public and shown wherever an LA is named; contact details are changed only with
`national:authorities:manage`, and every change is audited.
"""

from __future__ import annotations

import re

from contactpoint.access.policy import Principal, require
from contactpoint.access.roles import Permission
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.store.geography_repository import StoredAuthority, TeamContact

_PHONE = re.compile(r"^\+?[0-9][0-9 ]{5,30}$")
_EMAIL = re.compile(r"^[^@\s<>]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_ADDRESS_LINE = re.compile(r"^[A-Za-z0-9 ,.'&()/-]{1,80}$")
ADDRESS_LINES = 6


def checked_contact(phone: str | None, email: str | None, address: str | None) -> TeamContact:
    """Contact details in their stored form; empty parts are unknown, malformed ones refused."""
    phone = " ".join((phone or "").split()) or None
    email = (email or "").strip() or None
    lines = [" ".join(line.split()) for line in (address or "").replace(",", "\n").splitlines()]
    lines = [line for line in lines if line]
    if phone is not None and not _PHONE.match(phone):
        raise ValidationError(
            "phone", "must be a telephone number: digits and spaces, optionally a leading +"
        )
    if email is not None and not _EMAIL.match(email):
        raise ValidationError("email", "must be an email address like team@council.gov.uk")
    if len(lines) > ADDRESS_LINES or not all(_ADDRESS_LINE.match(line) for line in lines):
        raise ValidationError(
            "address", f"must be at most {ADDRESS_LINES} lines of an ordinary postal address"
        )
    return TeamContact(phone, email, ", ".join(lines) or None)


def authority_names(runtime: Runtime) -> dict[str, str]:
    """Every authority's name by code (public reference data; no permission needed)."""
    with runtime.unit_of_work() as uow:
        return uow.authorities.names()


def list_authorities(runtime: Runtime, principal: Principal) -> list[StoredAuthority]:
    """The directory with its contact details, for the national administrator."""
    require(principal, Permission.MANAGE_LA_DIRECTORY)
    with runtime.unit_of_work() as uow:
        return uow.authorities.all()


def all_authorities(runtime: Runtime) -> list[StoredAuthority]:
    """The directory for the operator on the server (the CLI)."""
    with runtime.unit_of_work() as uow:
        return uow.authorities.all()


def set_team_contact(
    runtime: Runtime, principal: Principal | None, code: str, contact: TeamContact
) -> StoredAuthority:
    """Set an LA team's phone, email and postal address (audited); `principal` None is the operator."""
    if principal is not None:
        require(principal, Permission.MANAGE_LA_DIRECTORY)
    contact = checked_contact(contact.phone, contact.email, contact.address)
    with runtime.unit_of_work() as uow:
        if not uow.authorities.set_contact(code, contact, runtime.clock.now()):
            raise NotFound("local authority")
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.AUTHORITY_CONTACT_SET,
                principal.user_id if principal is not None else None,
                (),
                {
                    "la": code,
                    "phone": contact.phone is not None,
                    "email": contact.email is not None,
                    "address": contact.address is not None,
                },
            )
        )
        stored = uow.authorities.get(code)
        uow.commit()
    assert stored is not None  # noqa: S101  # set_contact found it in this transaction
    return stored
