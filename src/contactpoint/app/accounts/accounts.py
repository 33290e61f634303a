"""Accounts and sign-in: create, suspend, password then TOTP, sessions with idle and absolute limits.

An account a user administrator makes or resets is held until a second administrator releases it,
and its one-time password is issued in two halves: the first to the administrator who made it, the
second, at the release, to the one who released it. Neither alone can sign in as its holder.

Sessions are server-side rows keyed by the hash of a 256-bit token. A session is "totp" or "enrol"
after the password (good for 5 minutes, for the second factor only) and "full" after the code; the
token is replaced at that step so a token seen before sign-in is worthless after it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from contactpoint.access import passwords, throttle, totp
from contactpoint.access.errors import (
    AuthenticationFailed,
    PasswordChangeRequired,
    PermissionDenied,
)
from contactpoint.access.policy import (
    Principal,
    require,
    require_manage_account,
    require_registered_organisation,
    require_second_administrator,
)
from contactpoint.access.roles import ROLE_PERMISSIONS, Permission, Role
from contactpoint.access.tokens import Channel, new_session_token, new_token, session_channel
from contactpoint.app.accounts.attempts import refund, reserve_attempt
from contactpoint.app.accounts.devices import is_known_device, issue_device_token
from contactpoint.app.accounts.integrity import refuse_tampered
from contactpoint.app.oversight.affinity import account_affinity
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.records import Organisation, check_la_code
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.store.access_repository import StoredUser
from contactpoint.store.unit_of_work import UnitOfWork

IDLE_LIMIT = timedelta(minutes=15)
ABSOLUTE_LIMIT = timedelta(hours=12)
SECOND_FACTOR_LIMIT = timedelta(minutes=5)
ONE_TIME_PASSWORD_LIMIT = timedelta(days=7)  # an unused initial or reset password stops working
TOUCH_EVERY = timedelta(seconds=30)  # write last-seen at most this often; idle-out is early by at most this
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A created, reset or released account and the part of its one-time password this administrator
    holds (shown once, never stored in the clear): "first" or "second" half, or the "whole" password
    (the operator's bootstrap); None for an account held before passwords were split."""

    user_id: int
    username: str
    password: str | None
    half: str = "whole"


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """An account as user administrators see it (no secrets)."""

    id: int
    username: str
    role: Role
    la_code: str | None
    org_code: str | None
    service: ServiceType | None
    suspended: bool
    enrolled: bool
    awaiting_approval: bool
    display_name: str = ""
    org_name: str | None = None


@dataclass(frozen=True, slots=True)
class SessionGrant:
    """A session token for the client, its stage and its CSRF token."""

    token: str
    stage: str
    csrf_token: str
    device: str | None = None  # a known-device token, once both factors are through (devices.py)


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A request's signed-in account."""

    principal: Principal
    csrf_token: str
    session_started: datetime


def principal_of(user: StoredUser) -> Principal:
    """The policy's view of an account."""
    return Principal(
        user.id,
        user.username,
        Role(user.role),
        user.la_code,
        user.org_code,
        ServiceType(user.service) if user.service else None,
        user.affinity.surname_key if user.affinity else None,
        user.affinity.postcode_key if user.affinity else None,
        user.affinity.version if user.affinity else None,
        display_name=user.display_name,
        org_name=user.org_name,
    )


def _summary(user: StoredUser) -> AccountSummary:
    principal = principal_of(user)
    return AccountSummary(
        user.id,
        user.username,
        principal.role,
        user.la_code,
        user.org_code,
        principal.service,
        user.suspended,
        user.totp_enrolled,
        user.awaiting_approval,
        user.display_name,
        user.org_name,
    )


def _check_account_fields(
    *,
    username: str,
    role: Role,
    la_code: str | None,
    org_code: str | None,
    org_name: str | None,
    service: ServiceType | None,
) -> None:
    if not _USERNAME.match(username):
        raise ValidationError(
            "username", "must be 3 to 64 lower-case letters, digits, dots, dashes or underscores"
        )
    if role.is_national != (la_code is None):
        raise ValidationError("la_code", "is required for LA roles and not allowed for national ones")
    if la_code is not None:
        check_la_code(la_code)
    if role.needs_service:
        if service is None or org_code is None or org_name is None:
            raise ValidationError("service", "practitioners need an organisation and a service")
        Organisation(org_code, org_name)
    elif service is not None or org_code is not None:
        raise ValidationError("service", "only practitioners act for an organisation and service")


def provision_account(
    runtime: Runtime,
    uow: UnitOfWork,
    *,
    username: str,
    role: Role,
    la_code: str | None,
    org_code: str | None = None,
    org_name: str | None = None,
    service: ServiceType | None = None,
    password: str,
    totp_secret: str | None = None,
    enrolled: bool = False,
    actor_id: int | None = None,
    family_name: str | None = None,
    home_postcode: str | None = None,
    awaiting_approval: bool = False,
    one_time_password: bool = False,
    first_half: str | None = None,
    display_name: str | None = None,
) -> int:
    """Store an account in the caller's unit of work and audit it; the caller checked the policy.

    The holder's family name and home postcode, if given, are kept only as keyed hashes. An account
    awaiting approval is stored suspended, and only `release_account` lifts that. A one-time
    password must be changed at first sign-in and expires after `ONE_TIME_PASSWORD_LIMIT`; with
    `first_half`, `password` is a placeholder nobody is told and the first half is kept sealed until
    the second administrator's half completes it.
    """
    _check_account_fields(
        username=username, role=role, la_code=la_code, org_code=org_code, org_name=org_name, service=service
    )
    if uow.users.exists(username):
        raise ValidationError("username", "is already taken")
    secret = totp_secret or totp.new_secret()
    user_id = uow.users.add(
        username=username,
        role=role.value,
        la_code=la_code,
        org_code=org_code,
        org_name=org_name,
        service=service.value if service else None,
        password_hash=passwords.hash_password(password),
        totp_secret=runtime.secret_box.seal(secret, username),
        created_at=runtime.clock.now(),
        affinity=account_affinity(runtime.keyring, family_name, home_postcode),
        created_by=actor_id,
        awaiting_approval=awaiting_approval,
        password_must_change=one_time_password,
        pending_password=runtime.pending_box.seal(first_half, username) if first_half else None,
        display_name=_display_name(display_name),
    )
    if enrolled:
        uow.users.set_totp(user_id, enrolled=True, last_step=0)
    audit_log(runtime, uow).append(
        AuditEvent(
            AuditKind.ACCOUNT_CREATED,
            actor_id,
            (),
            {"account": user_id, "role": role.value, "la": la_code, "awaiting_approval": awaiting_approval},
        )
    )
    return user_id


def _display_name(given: str | None) -> str | None:
    """A display name as given, or None (the username stands in); a rule broken names the field."""
    name = " ".join((given or "").split())
    if not name:
        return None
    if len(name) > 120:
        raise ValidationError("display_name", "must be at most 120 characters")
    return name


def create_national_admin(runtime: Runtime, username: str, display_name: str | None = None) -> NewAccount:
    """The operator's bootstrap (`contactpoint users create-admin`): a national administrator."""
    password = passwords.generate_password()
    with runtime.unit_of_work() as uow:
        user_id = provision_account(
            runtime,
            uow,
            username=username,
            role=Role.NATIONAL_ADMIN,
            la_code=None,
            password=password,
            one_time_password=True,
            display_name=display_name,
        )
        uow.commit()
    return NewAccount(user_id, username, password)


def create_account(
    runtime: Runtime,
    principal: Principal,
    *,
    username: str,
    role: Role,
    la_code: str | None,
    org_code: str | None = None,
    org_name: str | None = None,
    service: ServiceType | None = None,
    family_name: str | None = None,
    home_postcode: str | None = None,
    display_name: str | None = None,
) -> NewAccount:
    """A user administrator creates an account in their scope; TOTP is enrolled at first sign-in.

    A practitioner acts for an organisation of the register, of the administrator's own LA, in a
    service it records (the name is the register's). Every account is made suspended until a second
    administrator releases it; this administrator is given only the first half of its one-time
    password. A practitioner's family name and home postcode, if given, arm the misuse signal for
    children who share them; only keyed hashes are kept.
    """
    require_manage_account(principal, role, la_code)
    first = passwords.generate_half()
    with runtime.unit_of_work() as uow:
        if role.needs_service:
            if org_code is None or service is None:
                raise ValidationError("service", "practitioners need an organisation and a service")
            registered = uow.organisations.get(org_code)
            require_registered_organisation(
                la_code,
                registered.la_code if registered else None,
                registered.services if registered else (),
                service,
            )
            org_name = registered.name if registered else org_name
        user_id = provision_account(
            runtime,
            uow,
            username=username,
            role=role,
            la_code=la_code,
            org_code=org_code,
            org_name=org_name,
            service=service,
            password=passwords.generate_password(),  # a placeholder nobody is told
            actor_id=principal.user_id,
            family_name=family_name,
            home_postcode=home_postcode,
            awaiting_approval=True,
            one_time_password=True,
            first_half=first,
            display_name=display_name,
        )
        uow.commit()
    return NewAccount(user_id, username, first, "first")


def release_account(runtime: Runtime, principal: Principal, user_id: int) -> NewAccount:
    """A second administrator releases a new or reset account: it works from now, and they are
    given the second half of its one-time password (the holder types the first half, then this)."""
    second = passwords.generate_half()
    with runtime.unit_of_work() as uow:
        target = uow.users.get(user_id)
        require_manage_account(principal, Role(target.role), target.la_code)
        if not target.awaiting_approval:
            raise ValidationError("account", "is not awaiting approval")
        require_second_administrator(principal, target.created_by)
        if target.pending_password is None:  # held before passwords were split
            password_hash, half = None, None
        else:
            first = runtime.pending_box.open(target.pending_password, target.username)
            password_hash, half = passwords.hash_password(first + second), second
        uow.users.release(user_id, password_hash, runtime.clock.now())
        audit_log(runtime, uow).append(
            AuditEvent(AuditKind.ACCOUNT_APPROVED, principal.user_id, (), {"account": user_id})
        )
        uow.commit()
    return NewAccount(user_id, target.username, half, "second")


def list_accounts(runtime: Runtime, principal: Principal) -> list[AccountSummary]:
    """Accounts in the administrator's scope."""
    require(principal, Permission.MANAGE_USERS)
    with runtime.unit_of_work() as uow:
        users = uow.users.in_scope(None if principal.role.is_national else principal.la_code)
    return [_summary(u) for u in users]


def set_suspended(runtime: Runtime, principal: Principal, user_id: int, *, suspended: bool) -> None:
    """Suspend (every session ends at once) or reinstate an account in scope."""
    with runtime.unit_of_work() as uow:
        target = uow.users.get(user_id)
        require_manage_account(principal, Role(target.role), target.la_code)
        if target.id == principal.user_id:
            raise PermissionDenied("you may not suspend your own account")
        if target.awaiting_approval and not suspended:
            raise PermissionDenied("the account awaits a second administrator's approval")
        uow.users.set_suspended(user_id, suspended)
        if suspended:
            uow.sessions.delete_for_user(user_id)
        kind = AuditKind.ACCOUNT_SUSPENDED if suspended else AuditKind.ACCOUNT_REINSTATED
        audit_log(runtime, uow).append(AuditEvent(kind, principal.user_id, (), {"account": user_id}))
        uow.commit()


def reset_account(runtime: Runtime, principal: Principal, user_id: int) -> NewAccount:
    """A new one-time password and a fresh second factor to enrol; ends the account's sessions.

    A reset would hand its administrator the account (with the whole password they would enrol the
    new second factor themselves), so the account is held until a second administrator releases
    it, exactly as when it was made, and this administrator is given the first half only.
    """
    first = passwords.generate_half()
    with runtime.unit_of_work() as uow:
        target = uow.users.get(user_id)
        require_manage_account(principal, Role(target.role), target.la_code)
        uow.users.reset_credentials(
            user_id,
            passwords.hash_password(passwords.generate_password()),  # a placeholder nobody is told
            runtime.secret_box.seal(totp.new_secret(), target.username),
            runtime.clock.now(),
            pending_password=runtime.pending_box.seal(first, target.username),
        )
        uow.users.hold_for_approval(user_id, principal.user_id)
        uow.sessions.delete_for_user(user_id)
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.ACCOUNT_RESET,
                principal.user_id,
                (),
                {"account": user_id, "awaiting_approval": True},
            )
        )
        uow.commit()
    return NewAccount(user_id, target.username, first, "first")


# Sign-in ---------------------------------------------------------------------------------------


def _password_keys(
    username: str, address: str, *, known_device: bool = False
) -> list[tuple[throttle.ThrottleRule, bytes]]:
    """The counters a password guess touches; the first is the guesser's own (cleared on success).
    A known device is not counted per account: strangers filling that counter must not keep the
    account's holder out (app/accounts/devices.py)."""
    keys = [
        (
            throttle.PER_ACCOUNT_AND_ADDRESS,
            throttle.throttle_key(throttle.PER_ACCOUNT_AND_ADDRESS, address, username),
        ),
        (throttle.PER_ADDRESS, throttle.throttle_key(throttle.PER_ADDRESS, address)),
    ]
    if not known_device:
        keys.insert(1, (throttle.PER_ACCOUNT, throttle.throttle_key(throttle.PER_ACCOUNT, username=username)))
    return keys


def _code_keys(username: str, address: str) -> list[tuple[throttle.ThrottleRule, bytes]]:
    """The counters a second-factor guess touches: the account's, wherever it comes from, first."""
    return [
        (throttle.CODES_PER_ACCOUNT, throttle.throttle_key(throttle.CODES_PER_ACCOUNT, username=username)),
        (throttle.PER_ADDRESS, throttle.throttle_key(throttle.PER_ADDRESS, address)),
    ]


def _stage_key(token_digest: bytes) -> bytes:
    return throttle.throttle_key(throttle.CODES_PER_STAGE, token_digest.hex())


def _fail(runtime: Runtime, uow: UnitOfWork, actor: int | None, step: str) -> None:
    """Audit a failed step (the attempt was counted before it was verified: attempts.py)."""
    audit_log(runtime, uow).append(AuditEvent(AuditKind.SIGN_IN_FAILED, actor, (), {"step": step}))
    uow.commit()


def _start_session(  # noqa: PLR0917  # the keys, the session's owner, stage, time and channel
    runtime: Runtime, uow: UnitOfWork, user_id: int, stage: str, now: datetime, channel: Channel
) -> SessionGrant:
    token, csrf = new_session_token(channel), new_token()
    uow.sessions.add(runtime.token_hasher.digest(token), user_id, stage, csrf, now)
    return SessionGrant(token, stage, csrf)


def _one_time_password_expired(user: StoredUser, now: datetime) -> bool:
    set_at = user.password_set_at or user.created_at
    return user.password_must_change and now - set_at > ONE_TIME_PASSWORD_LIMIT


def begin_sign_in(
    runtime: Runtime,
    username: str,
    password: str,
    address: str,
    channel: Channel = Channel.UI,
    *,
    device: str | None = None,
) -> SessionGrant:
    """Check the password; returns a short session that only the second factor can complete, and
    whose token (like the full session's after it) works on `channel` only. `device` is the
    client's known-device token, if it has one."""
    keys = _password_keys(username, address, known_device=is_known_device(runtime, device, username))
    now = runtime.clock.now()
    reservation = reserve_attempt(runtime, keys, now)
    with runtime.unit_of_work() as uow:
        user = uow.users.by_username(username) if _USERNAME.match(username) else None
        good = passwords.verify_password(user.password_hash if user else None, password)
        if user is None or not good or user.suspended:
            _fail(runtime, uow, user.id if user else None, "password")
            raise AuthenticationFailed("the username or password is not right")
    if not user.intact:
        refuse_tampered(runtime, user, "the username or password is not right")
    with runtime.unit_of_work() as uow:
        if _one_time_password_expired(user, now):
            refund(uow, reservation)
            _fail(runtime, uow, user.id, "expired-password")
            raise AuthenticationFailed(
                "this one-time password has expired; ask your user administrator for a new one"
            )
        refund(uow, reservation, clear=(keys[0][1],))
        grant = _start_session(runtime, uow, user.id, "totp" if user.totp_enrolled else "enrol", now, channel)
        uow.commit()
    return grant


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What the enrolment page shows: the secret as text, the otpauth URI and its QR code."""

    secret: str
    uri: str
    qr_svg: str


def enrolment(runtime: Runtime, token: str) -> Enrolment:
    """The TOTP secret to enrol, for a session at the "enrol" stage only."""
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
        if (
            held is None
            or held.stage != "enrol"
            or runtime.clock.now() - held.created_at > SECOND_FACTOR_LIMIT
        ):
            raise AuthenticationFailed("sign in again")
        user = uow.users.get(held.user_id)
    secret = runtime.secret_box.open(user.totp_secret, user.username)
    uri = totp.provisioning_uri(secret, user.username)
    return Enrolment(secret, uri, totp.qr_svg(uri))


def complete_sign_in(runtime: Runtime, token: str, code: str, address: str) -> SessionGrant:
    """Check the TOTP code (enrolling if this is the first time); returns a new, full session."""
    now = runtime.clock.now()
    channel = session_channel(token)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
        if (
            held is None
            or channel is None
            or held.stage not in ("totp", "enrol")
            or now - held.created_at > SECOND_FACTOR_LIMIT
        ):
            raise AuthenticationFailed("sign in again")
        user = uow.users.get(held.user_id)
    if not user.intact:
        refuse_tampered(runtime, user, "sign in again")
    keys = _code_keys(user.username, address)
    stage = _stage_key(held.token_hash)
    reservation = reserve_attempt(runtime, keys, now, stage=stage)
    with runtime.unit_of_work() as uow:
        secret = runtime.secret_box.open(user.totp_secret, user.username)
        check = totp.check_code(secret, code, now, user.totp_last_step)
        if not check.accepted or user.suspended:
            if reservation.reached(stage, throttle.CODES_PER_STAGE.free_attempts):
                # A handful of codes per password: guessing a code means giving the password again.
                # The stage's counter stays, so a guess already past the session check is refused.
                uow.sessions.delete(held.token_hash)
            _fail(runtime, uow, user.id, "code")
            raise AuthenticationFailed("the code is not right")
        if uow.sessions.get(held.token_hash) is None:
            raise AuthenticationFailed("sign in again")
        if not uow.users.use_code_step(user.id, check.step):  # the same code used meanwhile
            _fail(runtime, uow, user.id, "code")
            raise AuthenticationFailed("the code is not right")
        refund(uow, reservation, clear=(keys[0][1], stage))
        uow.users.set_totp(user.id, enrolled=True, last_step=check.step)
        uow.sessions.delete(held.token_hash)
        # A one-time password buys a session that can only change it ("password" stage)
        grant = _start_session(
            runtime, uow, user.id, "password" if user.password_must_change else "full", now, channel
        )
        log = audit_log(runtime, uow)
        if held.stage == "enrol":
            log.append(AuditEvent(AuditKind.ENROLLED, user.id))
        log.append(AuditEvent(AuditKind.SIGNED_IN, user.id))
        uow.commit()
    return replace(grant, device=issue_device_token(runtime, user.username))


def sign_in(  # noqa: PLR0917  # the two factors and where they come from, as the API sends them
    runtime: Runtime, username: str, password: str, code: str, address: str, device: str | None = None
) -> SessionGrant:
    """Both factors in one call (the JSON API); enrolment happens in the web UI at first sign-in."""
    grant = begin_sign_in(runtime, username, password, address, Channel.API, device=device)
    if grant.stage == "enrol":
        sign_out(runtime, grant.token)
        raise AuthenticationFailed("enrol your second factor in the web UI first")
    return complete_sign_in(runtime, grant.token, code, address)


def authenticate(
    runtime: Runtime, token: str, channel: Channel, *, changing_password: bool = False
) -> Authenticated:
    """The account behind a full session started on `channel`, enforcing idle and absolute limits
    and suspension. A session signed in with a one-time password is refused with
    `PasswordChangeRequired` except where the caller is `changing_password` (or signing out)."""
    if session_channel(token) is not channel:
        raise AuthenticationFailed("not signed in")
    now = runtime.clock.now()
    digest = runtime.token_hasher.digest(token)
    with runtime.unit_of_work() as uow:
        found = uow.sessions.get_with_user(digest)
        if found is None or found[0].stage not in ("full", "password"):
            raise AuthenticationFailed("not signed in")
        held, user = found
        expired = now - held.last_seen_at >= IDLE_LIMIT or now - held.created_at >= ABSOLUTE_LIMIT
        if expired or user is None or user.suspended:
            uow.sessions.delete(digest)
            uow.commit()
            raise AuthenticationFailed("your session has ended; sign in again")
        if user.intact and now - held.last_seen_at >= TOUCH_EVERY:
            uow.sessions.touch(digest, now)
            uow.commit()
    if not user.intact:
        refuse_tampered(runtime, user, "your session has ended; sign in again")
    if held.stage == "password" and not changing_password:
        raise PasswordChangeRequired("change your one-time password first")
    return Authenticated(principal_of(user), held.csrf_token, held.created_at)


def pending_csrf(runtime: Runtime, token: str) -> str | None:
    """The CSRF token of a session at any stage (forms during sign-in need one too)."""
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
    return held.csrf_token if held else None


def sign_out(runtime: Runtime, token: str) -> None:
    """End the session now."""
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(runtime.token_hasher.digest(token))
        if held is not None:
            uow.sessions.delete(held.token_hash)
            if held.stage in ("full", "password"):
                audit_log(runtime, uow).append(AuditEvent(AuditKind.SIGNED_OUT, held.user_id))
        uow.commit()


def change_password(
    runtime: Runtime, token: str, current_password: str, new_password: str, address: str
) -> None:
    """The holder changes their own password: the current one is required (and guesses at it count
    against the sign-in throttle), the new one follows `passwords.check_chosen_password`, every
    other session of the account ends, and this session becomes a full one."""
    now = runtime.clock.now()
    digest = runtime.token_hasher.digest(token)
    with runtime.unit_of_work() as uow:
        held = uow.sessions.get(digest)
        if held is None or held.stage not in ("full", "password"):
            raise AuthenticationFailed("not signed in")
        user = uow.users.get(held.user_id)
    if not user.intact:
        refuse_tampered(runtime, user)
    keys = _password_keys(user.username, address)
    reservation = reserve_attempt(runtime, keys, now)
    with runtime.unit_of_work() as uow:
        if not passwords.verify_password(user.password_hash, current_password):
            _fail(runtime, uow, user.id, "password-change")
            raise ValidationError("current_password", "is not right")
        refund(uow, reservation, clear=(keys[0][1],))
        uow.commit()
    passwords.check_chosen_password(new_password, username=user.username, current=current_password)
    with runtime.unit_of_work() as uow:
        uow.users.set_password(user.id, passwords.hash_password(new_password), now)
        ended = uow.sessions.delete_others(user.id, digest)
        uow.sessions.set_stage(digest, "full")
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.PASSWORD_CHANGED,
                user.id,
                (),
                {"one_time": user.password_must_change, "sessions_ended": ended},
            )
        )
        uow.commit()


def must_change_password(runtime: Runtime, principal: Principal) -> bool:
    """True while the account still holds a one-time password."""
    with runtime.unit_of_work() as uow:
        return uow.users.get(principal.user_id).password_must_change


def organisation_of(runtime: Runtime, principal: Principal) -> Organisation | None:
    """The practitioner's organisation (code and name), for recording involvements."""
    with runtime.unit_of_work() as uow:
        user = uow.users.get(principal.user_id)
    if user.org_code is None or user.org_name is None:
        return None
    return Organisation(user.org_code, user.org_name)


# The permissions whose screens name other accounts' holders.
_OVERSIGHT = frozenset(
    {
        Permission.READ_AUDIT,
        Permission.READ_ALERTS,
        Permission.MANAGE_USERS,
        Permission.DECIDE_SHIELDING,
        Permission.BROKER_CONTACT,
        Permission.DECIDE_ADOPTION,
    }
)


def account_holders(runtime: Runtime, principal: Principal, user_ids: Collection[int]) -> dict[int, str]:
    """How screens name accounts to those who oversee them: "Sam Teacher (Riverside Primary School)",
    an LA's staff by their LA's name, national staff as such. Names only, no secrets or hashes."""
    if not ROLE_PERMISSIONS[principal.role] & _OVERSIGHT:
        raise PermissionDenied("your role does not see who holds other accounts")
    if not user_ids:
        return {}
    with runtime.unit_of_work() as uow:
        found = uow.users.holders(user_ids)
        la_names = uow.authorities.names()
    named = {}
    for user_id, (name, org_name, la_code) in found.items():
        where = org_name or (la_names.get(la_code, la_code) if la_code else "national")
        named[user_id] = f"{name} ({where})"
    return named
