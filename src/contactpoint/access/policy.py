"""The one place that decides who may do what to which record (DESIGN sections 1 and 2, invariant 2).

Routes and commands declare the permission they need (roles.Permission); use cases then ask this
module about scope (own LA), record status (active, shielded, sealed, archived, deceased) and
sensitive services. A rule enforced only in a template or a router would be a bug.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.roles import CREATABLE_ROLES, Permission, Role, has_permission
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.records import Carer, ChildRecord, Involvement
from contactpoint.domain.retention import visible_to_administrators
from contactpoint.domain.vocabulary import RecordStatus, ServiceType


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in account as the policy sees it."""

    user_id: int
    username: str
    role: Role
    la_code: str | None
    org_code: str | None = None
    service: ServiceType | None = None
    # Keyed hashes of the holder's family name and home postcode, for a misuse signal (app/affinity.py).
    surname_key: bytes | None = None
    postcode_key: bytes | None = None
    affinity_version: int | None = None
    # A data source's one feed (machine accounts only).
    source: str | None = None
    # How auditors and administrators read the holder: "Sam Teacher", of "Riverside Primary School".
    display_name: str = ""
    org_name: str | None = None


class ViewLevel(StrEnum):
    """How much of a record a user sees."""

    NONE = "none"  # not found, as far as this user can tell
    LIMITED = "limited"  # shielded: name, gender, date of birth, ID, carers' names, the LA team
    FULL = "full"  # everything except sensitive services' details and sources' identifiers
    OVERRIDE = "override"  # a child-protection user's override of shielding: warned and alerted
    ADMIN = "admin"  # the owning LA's data administrators: everything


def require(principal: Principal, permission: Permission) -> None:
    """Raise PermissionDenied unless the role holds the permission."""
    if not has_permission(principal.role, permission):
        raise PermissionDenied(f"the {principal.role.value} role may not do this")


def search_may_return(principal: Principal, status: RecordStatus, la_code: str) -> bool:
    """Whether a search by this user may list a record (the index already hides sealed/archived)."""
    if not has_permission(principal.role, Permission.SEARCH_CHILDREN):
        return False
    if status in (RecordStatus.SEALED, RecordStatus.ARCHIVED):
        return principal.role is Role.LA_DATA_ADMIN and principal.la_code == la_code
    if principal.role is Role.LA_DATA_ADMIN:
        return principal.la_code == la_code
    return True


def view_level(principal: Principal, status: RecordStatus, la_code: str, *, override: bool) -> ViewLevel:
    """What this user sees of a record of this status in this LA."""
    if not has_permission(principal.role, Permission.VIEW_CHILD):
        return ViewLevel.NONE
    if principal.role is Role.LA_DATA_ADMIN:
        # Archived records stay visible to the owning LA's team for their first year (retention).
        return (
            ViewLevel.ADMIN
            if principal.la_code == la_code and status is not RecordStatus.SEALED
            else (ViewLevel.NONE)
        )
    if status in (RecordStatus.SEALED, RecordStatus.ARCHIVED):
        return ViewLevel.NONE
    if status is RecordStatus.SHIELDED:
        if override and has_permission(principal.role, Permission.OVERRIDE_SHIELDING):
            return ViewLevel.OVERRIDE
        return ViewLevel.LIMITED
    return ViewLevel.FULL


def record_view_level(
    principal: Principal, record: ChildRecord, today: date, *, override: bool = False
) -> ViewLevel:
    """`view_level` for a whole record: an archived record leaves even its LA team's view after its
    first year (DESIGN section 2, Lifecycle), though it is kept until it is purged."""
    level = view_level(principal, record.status, record.la_code, override=override)
    if level is ViewLevel.ADMIN and not visible_to_administrators(record, today):
        return ViewLevel.NONE
    return level


def shows_involvements(level: ViewLevel) -> bool:
    """A limited (shielded) view shows no involvement at all, not even that one exists."""
    return level in (ViewLevel.FULL, ViewLevel.OVERRIDE, ViewLevel.ADMIN)


def shows_contact_details(level: ViewLevel) -> bool:
    """Address and carers' contact details."""
    return level in (ViewLevel.FULL, ViewLevel.OVERRIDE, ViewLevel.ADMIN)


def shows_local_authority(principal: Principal, status: RecordStatus, la_code: str) -> bool:
    """Whether a search result or view names the child's LA. Not for a shielded child unless this
    user sees the whole record: the LA says roughly where the child lives, and brokered contact
    reaches the owning team without anyone naming it."""
    return view_level(principal, status, la_code, override=False) is not ViewLevel.LIMITED


def shows_version(level: ViewLevel) -> bool:
    """The record's version changes whenever a source updates it: in a limited view it would tell a
    watcher that something about a shielded child (an address, a school) has just changed."""
    return level is not ViewLevel.LIMITED


def shows_other_names(level: ViewLevel) -> bool:
    """Former names and names known by: not in a limited view, where they would tie a shielded
    child's new name to the old one."""
    return level is not ViewLevel.LIMITED


def visible_carers(record: ChildRecord, level: ViewLevel) -> tuple[Carer, ...]:
    """The carers whose names the view shows. A limited view shows the carer the design allows,
    the first recorded; one a feed added later (after a move, say) would point to where the child
    is now."""
    return record.carers[:1] if level is ViewLevel.LIMITED else record.carers


def shows_identifiers(level: ViewLevel) -> bool:
    """Sources' identifiers are for matching; only the owning LA team sees them here."""
    return level is ViewLevel.ADMIN


def shows_sensitive_details(principal: Principal, involvement: Involvement, level: ViewLevel) -> bool:
    """A sensitive service's provider and contact: its own staff and the LA team only."""
    if not involvement.service.is_sensitive:
        return True
    return level is ViewLevel.ADMIN or is_own_service(principal, involvement)


def is_own_service(principal: Principal, involvement: Involvement) -> bool:
    """The involvement belongs to the user's own organisation and service."""
    return (
        principal.org_code is not None
        and principal.service is not None
        and involvement.organisation.code == principal.org_code
        and involvement.service is principal.service
    )


def may_record_involvement(principal: Principal, status: RecordStatus, la_code: str) -> bool:
    """Practitioners record their service's involvement with children they may fully see."""
    if not has_permission(principal.role, Permission.WRITE_INVOLVEMENT) or principal.service is None:
        return False
    return view_level(principal, status, la_code, override=False) is ViewLevel.FULL


def require_edit_involvement(principal: Principal, involvement: Involvement) -> None:
    """Only the organisation and service that recorded an involvement may change or end it."""
    if not is_own_service(principal, involvement):
        raise PermissionDenied("only the involved service may change its involvement")


def _current_leads(record: ChildRecord, besides: int | None = None) -> list[Involvement]:
    return [
        item
        for n, item in enumerate(record.involvements)
        if n != besides and item.lead_professional and item.end is None
    ]


def require_may_claim_lead(record: ChildRecord, own_index: int | None) -> None:
    """Marking one's own involvement as the lead takes the role only while nobody else holds it;
    taking it from someone is a change of lead (`require_lead_change`)."""
    if _current_leads(record, besides=own_index):
        raise PermissionDenied(
            "the child has a lead professional; the role changes with their or the LA team's agreement"
        )


def require_lead_change(principal: Principal, record: ChildRecord, index: int) -> None:
    """Who may make an open involvement the lead: the owning LA's team, the current lead (handing
    the role over), or anyone taking a vacant role for their own service. Nobody else: a
    practitioner who could take the role silently would become the one others are told to call."""
    require(principal, Permission.CHANGE_LEAD)
    target = record.involvements[index]
    if target.end is not None:
        raise ValidationError("involvement", "has ended")
    if principal.role is Role.LA_DATA_ADMIN:
        if principal.la_code != record.la_code:
            raise PermissionDenied("children of another local authority are out of scope")
        return
    current = _current_leads(record)
    if any(is_own_service(principal, item) for item in current):
        return
    if not current and is_own_service(principal, target):
        return
    raise PermissionDenied("the lead professional changes with the current lead's or the LA team's agreement")


def require_manage_account(principal: Principal, role: Role, la_code: str | None) -> None:
    """Create, suspend or reset an account of `role` in `la_code`: own LA, and only lesser roles."""
    require(principal, Permission.MANAGE_USERS)
    if role not in CREATABLE_ROLES.get(principal.role, frozenset()):
        raise PermissionDenied(f"the {principal.role.value} role may not manage {role.value} accounts")
    if not principal.role.is_national and la_code != principal.la_code:
        raise PermissionDenied("accounts of another local authority are out of scope")


def require_manage_client_system(principal: Principal, la_code: str | None) -> None:
    """Create or revoke a client system for an organisation of `la_code`: the LA's user administrators
    (kept apart from `require_manage_account`: a client system never signs in with a password)."""
    require(principal, Permission.MANAGE_CLIENT_SYSTEMS)
    if la_code is None or la_code != principal.la_code:
        raise PermissionDenied("organisations of another local authority are out of scope")


def has_special_reach(principal: Principal) -> bool:
    """A child-protection practitioner (who may override shielding) or a sensitive service's staff
    (who see what others are never shown): accounts a machine must never stand in for."""
    return principal.role is Role.CHILD_PROTECTION or (
        principal.service is not None and principal.service.is_sensitive
    )


def require_may_act_for(client: Principal, practitioner: Principal, *, active: bool) -> None:
    """A client system acts only for an active practitioner of its own organisation, and never for one
    of special reach. `active` is the account's standing: released by a second administrator, not
    suspended, its second factor enrolled and its one-time password changed, its row intact; a
    person not yet standing alone must not be reachable through a machine's key either. The person
    named is the one the audit trail holds to account."""
    require(client, Permission.ACT_FOR_PRACTITIONER)
    if (
        not active
        or practitioner.role is not Role.PRACTITIONER
        or has_special_reach(practitioner)
        or client.org_code is None
        or practitioner.org_code != client.org_code
        or practitioner.la_code != client.la_code
    ):
        raise PermissionDenied("that is not an active practitioner of this client's organisation")


def require_registered_organisation(
    la_code: str | None, organisation_la: str | None, services: Collection[str], service: ServiceType
) -> None:
    """A practitioner acts for an organisation of the register (given by its LA and the services it
    records; None when not registered), of the account's own LA, in a service it records."""
    if organisation_la is None:
        raise ValidationError("org_code", "is not a registered organisation")
    if organisation_la != la_code:
        raise PermissionDenied("organisations of another local authority are out of scope")
    if service.value not in services:
        raise ValidationError("service", "is not a service this organisation records")


def require_second_administrator(principal: Principal, created_by: int | None) -> None:
    """An account awaiting release is released by an administrator other than the one who made or
    reset it: one administrator alone must not be able to make an account and use it (any role,
    not only those of special reach: a practitioner's account reaches children too)."""
    if created_by is not None and created_by == principal.user_id:
        raise PermissionDenied("a second administrator must approve an account you created")


def audit_scope(principal: Principal) -> str | None:
    """The LA whose audit log an auditor may read, or None for a national auditor.

    An LA's part of the log is what its own accounts did, and what anyone, of any LA, did to the
    children it owns (searches that returned them, views, overrides): oversight of a child follows
    the child, not the practitioner. Entries reached through the child show only that LA's children.
    """
    require(principal, Permission.READ_AUDIT)
    return None if principal.role.is_national else principal.la_code


def require_in_own_la(principal: Principal, permission: Permission, la_code: str) -> None:
    """The role holds the permission and the child (or request) is of the user's own LA: shielding is
    decided, and contact brokered, by the owning LA's data administrators only."""
    require(principal, permission)
    if principal.la_code != la_code:
        raise PermissionDenied("children of another local authority are out of scope")


def require_record_in_own_la(principal: Principal, permission: Permission, record: ChildRecord) -> None:
    """The owning LA's team acts on the records it can see. Another LA's child, or a sealed birth
    record, is answered as if the ID did not exist, so the answer tells nothing about it."""
    require(principal, permission)
    if principal.la_code != record.la_code or record.status is RecordStatus.SEALED:
        raise NotFound("no such record")


def require_own_la_item(
    principal: Principal, permission: Permission, la_code: str | None, missing: str
) -> str:
    """An item of a queue (a held feed row, a shielding, contact or adoption request) is worked by its
    own LA's team; another LA's item, or one of the national queue, is answered as if it did not
    exist (`missing` is the store's own wording for an unknown number), so numbering tells nothing
    about other LAs' queues (when another LA records an adoption, say)."""
    require(principal, permission)
    if la_code is None or principal.la_code != la_code:
        raise NotFound(missing)
    return la_code


def own_la(principal: Principal, permission: Permission) -> str:
    """The user's LA, whose queue they work; the role must hold the permission."""
    require(principal, permission)
    if principal.la_code is None:
        raise PermissionDenied("this needs an account of a local authority")
    return principal.la_code


def require_own_feed(principal: Principal, source: str) -> None:
    """A data source submits its own feed only: a key leaked from one source cannot write another's."""
    require(principal, Permission.SUBMIT_FEED)
    if principal.source is None or principal.source != source:
        raise PermissionDenied("this key is not bound to that source")


def require_second_pair_of_eyes(principal: Principal, requester_id: int) -> None:
    """Four eyes: whoever asked for a change may not approve or reject it."""
    if principal.user_id == requester_id:
        raise PermissionDenied("a second administrator must decide on your own request")


def may_act_on_record(principal: Principal, permission: Permission, level: ViewLevel) -> bool:
    """Whether a record's page offers an LA team's action (shielding, adoption, consent): the owning
    LA's data administrators, who see it whole, and only where the role holds the permission."""
    return level is ViewLevel.ADMIN and has_permission(principal.role, permission)


def may_ask_for_brokered_contact(principal: Principal, record: ChildRecord, level: ViewLevel) -> bool:
    """Worth asking only where this user cannot see whom to contact: a shielded child, or a sensitive
    service whose details are hidden from them."""
    if level is ViewLevel.LIMITED:
        return True
    if level not in (ViewLevel.FULL, ViewLevel.OVERRIDE):
        return False
    return any(not shows_sensitive_details(principal, i, level) for i in record.involvements if i.end is None)
