"""Demo accounts of every role, with known passwords and TOTP secrets, for `contactpoint demo` only.

Re-running the demo gives the same usernames new passwords and secrets (printed again), so nothing
secret needs to be kept between runs. Never used outside the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from contactpoint.access import passwords, totp
from contactpoint.access.roles import Role
from contactpoint.app.accounts.accounts import provision_account
from contactpoint.app.accounts.organisations import register_organisation
from contactpoint.app.runtime import Runtime
from contactpoint.domain.vocabulary import ServiceType

DEMO_ORG = ("URN100001", "Riverside Primary School", ServiceType.EDUCATION)
DEMO_CP_ORG = ("LASC0001", "Children's Social Care", ServiceType.SOCIAL_CARE)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """What the demo prints for each account."""

    username: str
    role: Role
    la_code: str | None
    password: str
    totp_secret: str


def _seats() -> list[tuple[Role, str]]:
    """One account per role, and a second LA data administrator: shielding and adoptions need two."""
    seats = [(role, f"demo-{role.value.replace('_', '-')}") for role in Role if not role.is_machine]
    return [*seats, (Role.LA_DATA_ADMIN, "demo-la-data-admin-2")]


def provision_demo_accounts(runtime: Runtime, la_code: str) -> list[DemoAccount]:
    """The demo's accounts in `la_code` (national roles without), enrolled, with fresh credentials;
    the demo's organisations are registered in that LA, so its user administrator can add more."""
    for code, name, service in (DEMO_ORG, DEMO_CP_ORG):
        register_organisation(runtime, code, name, la_code, [service])
    made: list[DemoAccount] = []
    with runtime.unit_of_work() as uow:
        for role, username in _seats():
            la = None if role.is_national else la_code
            org = DEMO_CP_ORG if role is Role.CHILD_PROTECTION else DEMO_ORG
            password, secret = passwords.generate_password(), totp.new_secret()
            existing = uow.users.by_username(username)
            if existing is None:
                provision_account(
                    runtime,
                    uow,
                    username=username,
                    role=role,
                    la_code=la,
                    org_code=org[0] if role.needs_service else None,
                    org_name=org[1] if role.needs_service else None,
                    service=org[2] if role.needs_service else None,
                    password=password,
                    totp_secret=secret,
                    enrolled=True,
                )
            else:
                uow.users.reset_credentials(
                    existing.id,
                    passwords.hash_password(password),
                    runtime.secret_box.seal(secret, username),
                    runtime.clock.now(),
                    one_time=False,  # the demo prints working credentials for every role
                )
                uow.users.set_totp(existing.id, enrolled=True, last_step=0)
                uow.users.set_suspended(existing.id, False)
                uow.sessions.delete_for_user(existing.id)
            made.append(DemoAccount(username, role, la, password, secret))
        uow.commit()
    return made
