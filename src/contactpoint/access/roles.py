"""Roles and scopes of DESIGN section 1, and the permissions each role holds.

Permissions are shaped "scope:resource:action" (after pypi/warehouse) so that a route or command
declares exactly what it needs and one table, here, grants them. Scope (own LA or national) is
checked by the policy module against the record or account in question.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Each account has exactly one role; nobody has child data and user administration together."""

    PRACTITIONER = "practitioner"
    CHILD_PROTECTION = "child_protection"
    LA_DATA_ADMIN = "la_data_admin"
    LA_USER_ADMIN = "la_user_admin"
    AUDITOR = "auditor"
    NATIONAL_AUDITOR = "national_auditor"
    NATIONAL_ADMIN = "national_admin"
    DATA_SOURCE = "data_source"
    CLIENT_SYSTEM = "client_system"  # another system (a school's, a health visitor's) acting for its staff

    @property
    def is_national(self) -> bool:
        """National roles have no LA scope (a data source is bound to a feed, not to an LA)."""
        return self in {Role.NATIONAL_ADMIN, Role.NATIONAL_AUDITOR, Role.DATA_SOURCE}

    @property
    def is_machine(self) -> bool:
        """A machine holds an API key and never signs in with a password or a second factor."""
        return self in {Role.DATA_SOURCE, Role.CLIENT_SYSTEM}

    @property
    def needs_service(self) -> bool:
        """Practitioners act for one organisation and service, whose involvements they may edit."""
        return self in {Role.PRACTITIONER, Role.CHILD_PROTECTION}


class Permission(StrEnum):
    """What a route or command needs."""

    SEARCH_CHILDREN = "la:children:search"
    VIEW_CHILD = "la:children:view"
    OVERRIDE_SHIELDING = "la:children:override"
    DECIDE_SHIELDING = "la:shielding:decide"
    REQUEST_CONTACT = "la:contact:request"
    BROKER_CONTACT = "la:contact:broker"
    WORK_REVIEW_QUEUE = "la:review:work"
    DECIDE_ADOPTION = "la:adoptions:decide"
    MANAGE_CONSENT = "la:consent:manage"
    PRODUCE_SUBJECT_ACCESS = "la:subject-access:produce"
    WRITE_INVOLVEMENT = "la:involvements:write"
    CHANGE_LEAD = "la:lead-professional:change"
    MANAGE_USERS = "la:users:manage"
    READ_AUDIT = "la:audit:read"
    READ_ALERTS = "la:alerts:read"
    REVIEW_ALERTS = "la:alerts:review"  # move an alert on: under review, or closed with an outcome
    MANAGE_ADMINS = "national:users:manage"
    MANAGE_LA_DIRECTORY = "national:authorities:manage"
    READ_OWN_ACCOUNT = "self:account:read"
    SUBMIT_FEED = "source:feeds:submit"
    ACT_FOR_PRACTITIONER = "org:practitioners:act-for"
    MANAGE_CLIENT_SYSTEMS = "la:client-systems:manage"


_PRACTICE = frozenset(
    {
        Permission.SEARCH_CHILDREN,
        Permission.VIEW_CHILD,
        Permission.WRITE_INVOLVEMENT,
        Permission.REQUEST_CONTACT,
        Permission.CHANGE_LEAD,  # as the current lead handing the role over (access/policy.py)
    }
)
_EVERYONE = frozenset({Permission.READ_OWN_ACCOUNT})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PRACTITIONER: _EVERYONE | _PRACTICE,
    Role.CHILD_PROTECTION: _EVERYONE | _PRACTICE | {Permission.OVERRIDE_SHIELDING},
    Role.LA_DATA_ADMIN: _EVERYONE
    | {
        Permission.SEARCH_CHILDREN,
        Permission.VIEW_CHILD,
        Permission.DECIDE_SHIELDING,
        Permission.BROKER_CONTACT,
        Permission.WORK_REVIEW_QUEUE,
        Permission.DECIDE_ADOPTION,
        Permission.MANAGE_CONSENT,
        Permission.CHANGE_LEAD,
    },
    # Client systems act for their organisation's practitioners, whom this role manages too.
    Role.LA_USER_ADMIN: _EVERYONE
    | {Permission.MANAGE_USERS, Permission.READ_ALERTS, Permission.MANAGE_CLIENT_SYSTEMS},
    Role.AUDITOR: _EVERYONE
    | {
        Permission.READ_AUDIT,
        Permission.READ_ALERTS,
        Permission.REVIEW_ALERTS,
        Permission.PRODUCE_SUBJECT_ACCESS,
    },
    Role.NATIONAL_AUDITOR: _EVERYONE
    | {Permission.READ_AUDIT, Permission.READ_ALERTS, Permission.REVIEW_ALERTS},
    Role.NATIONAL_ADMIN: _EVERYONE
    | {
        Permission.MANAGE_USERS,
        Permission.MANAGE_ADMINS,
        Permission.READ_ALERTS,
        Permission.MANAGE_LA_DIRECTORY,
    },
    # A machine: its one feed's submissions and nothing else, not even its own account's details.
    Role.DATA_SOURCE: frozenset({Permission.SUBMIT_FEED}),
    # A machine of one organisation: it reaches children only as one of that organisation's active
    # practitioners, named on each request, whose own permissions then apply (access/policy.py).
    Role.CLIENT_SYSTEM: frozenset({Permission.ACT_FOR_PRACTITIONER}),
}

# Which roles an account holder of each role may create (least privilege: user admins never make
# national roles; the national administrator makes LA administrators, auditors and other nationals).
CREATABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.LA_USER_ADMIN: frozenset({Role.PRACTITIONER, Role.CHILD_PROTECTION}),
    Role.NATIONAL_ADMIN: frozenset(
        {
            Role.LA_DATA_ADMIN,
            Role.LA_USER_ADMIN,
            Role.AUDITOR,
            Role.NATIONAL_AUDITOR,
            Role.NATIONAL_ADMIN,
        }
    ),
}


def has_permission(role: Role, permission: Permission) -> bool:
    """True when the role holds the permission (scope is checked separately)."""
    return permission in ROLE_PERMISSIONS[role]
