"""Client systems: machine accounts of one organisation that act for its practitioners (FHIR).

A school's management system or a health visitor's record system looks children up from inside its
own screens. It holds an API key like a data source (256 random bits shown once, kept only as a
SHA-256 hash, revoked by forgetting the hash) and is bound to one registered organisation, as that
organisation's practitioners are. It never reaches a child on its own account: each request names
one of the organisation's active practitioners and a reason, and the use case then runs as that
practitioner, so the audit trail names the person exactly as it does for the UI. A
`CLIENT_REQUEST` entry, written first, ties the request to the client system that carried it; a
refused practitioner is audited the same way and answered as forbidden.

The LA's user administrators create and revoke client systems for their own LA's organisations.
One administrator alone must not be able to make a key and read children with it, so a new client
system is held, exactly as a new account is (ADR 0017, ADR 0021): its creator is given the first
half of the key, a second administrator of the LA releases it and is given the second half, and
the key (both halves, one after the other) opens nothing until then. A client system never acts
for an account of special reach, nor for one that does not yet stand on its own (held, on a
one-time password, second factor not enrolled), and its requests are rate-limited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from contactpoint.access import passwords, throttle
from contactpoint.access.errors import AuthenticationFailed, PermissionDenied, RequestsLimited
from contactpoint.access.policy import (
    Principal,
    require_manage_client_system,
    require_may_act_for,
    require_second_administrator,
)
from contactpoint.access.roles import Role
from contactpoint.access.tokens import new_token, token_hash
from contactpoint.app.accounts.accounts import Authenticated, principal_of
from contactpoint.app.accounts.integrity import refuse_tampered, report_tampered
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.oversight.misuse import ClientHour, after_client_request
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.store.client_repository import StoredClientSystem
from contactpoint.store.unit_of_work import UnitOfWork

# Tells a client system's key from a session token or a data source's key at a glance.
KEY_PREFIX = "cpcs_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")  # the usernames' rule (app/accounts.py)


@dataclass(frozen=True, slots=True)
class NewClientSystem:
    """A created or released client system and one half of its API key (shown once, never stored):
    the creator's `first` (which begins with the key's prefix) or the releaser's `second`."""

    user_id: int
    name: str
    org_code: str
    la_code: str
    key_half: str
    half: str


def is_client_key(token: str) -> bool:
    """Whether a bearer credential is shaped like a client system's key."""
    return token.startswith(KEY_PREFIX)


def add_client_system(runtime: Runtime, principal: Principal, name: str, org_code: str) -> NewClientSystem:
    """A user administrator gives an organisation of their own LA a client system, held until a
    second administrator releases it; this administrator is given the key's first half only."""
    if not _NAME.match(name):
        raise ValidationError(
            "name", "must be 3 to 64 lower-case letters, digits, dots, dashes or underscores"
        )
    first, second = KEY_PREFIX + new_token(), new_token()
    with runtime.unit_of_work() as uow:
        organisation = uow.organisations.get(org_code)
        require_manage_client_system(principal, organisation.la_code if organisation else principal.la_code)
        if organisation is None:
            raise ValidationError("org_code", "is not a registered organisation")
        if uow.users.exists(name):
            raise ValidationError("name", "is already taken")
        user_id = uow.users.add(
            username=name,
            role=Role.CLIENT_SYSTEM.value,
            la_code=organisation.la_code,
            org_code=organisation.code,
            org_name=organisation.name,
            service=None,
            # A hash of a password nobody ever sees: sign-in by password fails like any wrong one.
            password_hash=passwords.hash_password(passwords.generate_password()),
            totp_secret=b"",  # no second factor: nothing is sealed for this account
            created_at=runtime.clock.now(),
            created_by=principal.user_id,
            awaiting_approval=True,
            # The second half, sealed for the releasing administrator (only the hash of both is kept).
            pending_password=runtime.pending_box.seal(second, name),
        )
        uow.clients.add(user_id, token_hash(first + second), principal.user_id)
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.ACCOUNT_CREATED,
                principal.user_id,
                (),
                {
                    "account": user_id,
                    "role": Role.CLIENT_SYSTEM.value,
                    "la": organisation.la_code,
                    "organisation": organisation.code,
                    "awaiting_approval": True,
                },
            )
        )
        uow.commit()
    return NewClientSystem(user_id, name, organisation.code, organisation.la_code, first, "first")


def release_client_system(runtime: Runtime, principal: Principal, user_id: int) -> NewClientSystem:
    """A second user administrator of the LA releases a held client system: its key works from now,
    and they are given the key's second half (the system is configured with the first, then this)."""
    with runtime.unit_of_work() as uow:
        client = uow.clients.get(user_id)
        if client is None or client.la_code != principal.la_code:
            require_manage_client_system(principal, principal.la_code)
            raise NotFound("no client system of that ID")
        require_manage_client_system(principal, client.la_code)
        account = uow.users.get(user_id)
        if not client.awaiting_release or client.revoked_at is not None or account.pending_password is None:
            raise ValidationError("client_system", "is not awaiting release")
        require_second_administrator(principal, account.created_by)
        if not account.intact:
            refuse_tampered(runtime, account)
        second = runtime.pending_box.open(account.pending_password, account.username)
        uow.users.release(user_id, None, runtime.clock.now())
        audit_log(runtime, uow).append(
            AuditEvent(AuditKind.ACCOUNT_APPROVED, principal.user_id, (), {"account": user_id})
        )
        uow.commit()
    return NewClientSystem(
        user_id, client.username, client.org_code or "", client.la_code or "", second, "second"
    )


def revoke_client_system(runtime: Runtime, principal: Principal, user_id: int) -> StoredClientSystem:
    """The key stops working at once and for good; another LA's client is answered as unknown."""
    with runtime.unit_of_work() as uow:
        client = uow.clients.get(user_id)
        if client is None or client.la_code != principal.la_code:
            require_manage_client_system(principal, principal.la_code)
            raise NotFound("no client system of that ID")
        require_manage_client_system(principal, client.la_code)
        uow.clients.revoke(user_id, runtime.clock.now())
        uow.users.set_suspended(user_id, True)
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.CLIENT_REVOKED,
                principal.user_id,
                (),
                {"account": user_id, "organisation": client.org_code},
            )
        )
        uow.commit()
        revoked = uow.clients.get(user_id)
    return revoked or client


def list_client_systems(runtime: Runtime, principal: Principal) -> list[StoredClientSystem]:
    """The client systems of the administrator's own LA."""
    la_code = principal.la_code
    require_manage_client_system(principal, la_code)
    if la_code is None:  # refused just above; this tells the type checker
        raise PermissionDenied("this needs an account of a local authority")
    with runtime.unit_of_work() as uow:
        return uow.clients.in_la(la_code)


def authenticate_client(runtime: Runtime, key: str) -> Authenticated:
    """The client system behind an API key; a revoked, unknown or malformed key is not signed in."""
    if not is_client_key(key):
        raise AuthenticationFailed("not signed in")
    with runtime.unit_of_work() as uow:
        client = uow.clients.by_key(token_hash(key))
        account = uow.users.get(client.user_id) if client is not None else None
    if client is None or account is None or not client.active or account.awaiting_approval:
        raise AuthenticationFailed("not signed in")
    if not account.intact or not client.intact:
        refuse_tampered(runtime, account)
    principal = Principal(
        client.user_id, client.username, Role.CLIENT_SYSTEM, client.la_code, client.org_code
    )
    # No session: nothing to idle out and no form to protect (an API key is never a cookie).
    return Authenticated(principal, "", runtime.clock.now())


@dataclass(frozen=True, slots=True)
class Acting:
    """A client system's request as the practitioner it names, with the stated reason."""

    client: Principal
    practitioner: Principal
    reason: AccessReason


def act_for(
    runtime: Runtime, client: Principal, username: str, reason: AccessReason, interaction: str
) -> Acting:
    """The named practitioner, if the client may act for them; audited either way before anything
    is read, so a client probing for its organisation's accounts leaves a trail too. A client over
    its request rate, or its hourly ceiling (however many practitioners it names), is refused before
    the practitioner is looked up; its own misuse signals name the client system."""
    now = runtime.clock.now()
    settings = runtime.settings
    with runtime.unit_of_work() as uow:
        _count_request(uow, client.user_id, now, settings.fhir_client_requests_per_minute)
        use = _count_hourly(uow, client.user_id, interaction, now, settings.fhir_client_requests_per_hour)
        uow.commit()
    with runtime.unit_of_work() as uow:
        user = uow.users.by_username(username) if _NAME.match(username) else None
        practitioner = principal_of(user) if user is not None else None
        allowed = False
        if user is not None and practitioner is not None:
            try:
                require_may_act_for(
                    client,
                    practitioner,
                    active=not user.suspended
                    and user.totp_enrolled
                    and not user.awaiting_approval
                    and not user.password_must_change
                    and user.intact,  # a row edited in the database is nobody to act for
                )
                allowed = True
            except PermissionDenied:
                allowed = False
        log = audit_log(runtime, uow)
        seq = log.append(
            AuditEvent(
                AuditKind.CLIENT_REQUEST,
                client.user_id,
                (),
                {
                    "practitioner": user.id if user is not None else None,
                    "interaction": interaction,
                    "reason": reason.value,
                    "allowed": allowed,
                },
            )
        )
        after_client_request(log, client, use, seq)
        uow.commit()
    if user is not None and not user.intact:
        report_tampered(runtime, user)
    if not allowed or practitioner is None:
        raise PermissionDenied("that is not an active practitioner of this client's organisation")
    return Acting(client, practitioner, reason)


def _count_hourly(uow: UnitOfWork, client_id: int, interaction: str, now: datetime, limit: int) -> ClientHour:
    """Count one request in the client's fixed one-hour window (reads apart), or refuse it uncounted
    once the window holds `limit`: the ceiling of the key itself, which a practitioner's own hourly
    limits do not give when the key spreads its requests over every practitioner it may name."""
    total_key = throttle.throttle_key(throttle.CLIENT_HOURLY, username=str(client_id))
    reads_key = throttle.throttle_key(throttle.CLIENT_HOURLY_READS, username=str(client_id))
    held = uow.throttle.hold([total_key, reads_key], now)
    total, start = held[total_key]
    reads, reads_start = held[reads_key]
    if total == 0 or now - start >= throttle.CLIENT_HOUR:
        total, start = 0, now
    if reads_start != start:  # counted in an earlier hour
        reads = 0
    wait = throttle.window_wait(limit, total, start, now, throttle.CLIENT_HOUR)
    if wait:
        raise RequestsLimited(wait)
    is_read = interaction == "read"
    uow.throttle.count(total_key, total + 1, start)
    uow.throttle.count(reads_key, reads + is_read, start)
    return ClientHour(total + 1, reads + is_read, limit, is_read)


def _count_request(uow: UnitOfWork, client_id: int, now: datetime, limit: int) -> None:
    """Count one request in the client's fixed one-minute window, or refuse it uncounted."""
    key = throttle.throttle_key(throttle.CLIENT_REQUESTS, username=str(client_id))
    counted, window_start = uow.throttle.hold([key], now)[key]
    wait = throttle.window_wait(limit, counted, window_start, now)
    if wait:
        raise RequestsLimited(wait)
    if counted == 0 or now - window_start >= throttle.CLIENT_WINDOW:
        uow.throttle.count(key, 1, now)
    else:
        uow.throttle.count(key, counted + 1, window_start)
