"""Opening a child's record with a reason: audited first, then filtered by the policy.

What each user sees is decided in access/policy.py; this module only assembles the view it allows.
A record the user may not see is reported exactly as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contactpoint.access import policy
from contactpoint.access.errors import AuthenticationFailed
from contactpoint.access.policy import Principal, ViewLevel
from contactpoint.access.roles import Permission, has_permission
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.operations.retention import today_in_england
from contactpoint.app.oversight import misuse
from contactpoint.app.oversight.affinity import shared_with
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind, Detail
from contactpoint.domain.errors import NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord, Involvement
from contactpoint.domain.visibility import as_limited
from contactpoint.domain.vocabulary import Gender, RecordStatus
from contactpoint.settings import Settings
from contactpoint.store.geography_repository import StoredAuthority

OVERRIDE_WARNING = (
    "You are using the shielding override. Every use is recorded and starts an investigation. "
    "The hidden details are shown only on this page."
)
LA_TEAM_CONTACT = (
    "Ask the ContactPoint team to broker contact: your request goes to the local authority team that "
    "holds this record, who broker all contact for this child."
)
NATIONAL_TEAM = "National ContactPoint team"
SENSITIVE_NOTE = "A sensitive service is involved. The local authority ContactPoint team brokers contact."


@dataclass(frozen=True, slots=True)
class CarerView:
    """A carer: the name always, contact details only in a full view."""

    given_name: str
    family_name: str
    relationship: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class InvolvementView:
    """One involvement; a sensitive one seen by others says only that a sensitive service is involved."""

    index: int
    sensitive_hidden: bool
    service: str | None
    organisation_code: str | None
    organisation_name: str | None
    practitioner: str | None
    phone: str | None
    email: str | None
    start: date | None
    end: date | None
    lead_professional: bool
    caf_exists: bool
    editable: bool


@dataclass(frozen=True, slots=True)
class TeamContactView:
    """Whom to contact about the child: the owning LA's ContactPoint team, or for a child whose LA is
    hidden, the national brokered-contact route (never the owning LA)."""

    name: str
    phone: str | None
    email: str | None
    address: str | None


@dataclass(frozen=True, slots=True)
class ChildView:
    """The record as this user may see it."""

    cp_id: str
    level: ViewLevel
    version: int | None  # not in a limited view: it moves when a source updates the child
    given_name: str
    family_name: str
    other_names: list[str]
    date_of_birth: date
    gender: Gender
    la_code: str | None
    deceased: bool
    address_state: str | None
    address_lines: list[str] | None
    postcode: str | None
    carers: list[CarerView]
    involvements: list[InvolvementView]
    identifiers: list[str]
    contact_note: str | None
    warning: str | None
    may_record_involvement: bool
    may_ask_for_contact: bool  # the LA team brokers contact this user cannot see
    may_request_shielding: bool = False  # the owning LA team's actions, started from the record
    may_record_adoption: bool = False
    may_record_consent: bool = False
    la_name: str | None = None  # from the LA directory, when the LA is shown and the directory holds it
    team_contact: TeamContactView | None = None


def _involvement(principal: Principal, index: int, item: Involvement, level: ViewLevel) -> InvolvementView:
    if not policy.shows_sensitive_details(principal, item, level):
        return InvolvementView(
            index, True, None, None, None, SENSITIVE_NOTE, None, None, None, None, False, False, False
        )
    return InvolvementView(
        index,
        False,
        item.service.value,
        item.organisation.code,
        item.organisation.name,
        f"{item.practitioner.given} {item.practitioner.family}" if item.practitioner else None,
        item.contact.phone,
        item.contact.email,
        item.start,
        item.end,
        item.lead_professional,
        item.caf_exists,
        policy.is_own_service(principal, item) and item.end is None,
    )


def national_route(settings: Settings) -> TeamContactView:
    """The national ContactPoint team's brokered-contact route, shown where the owning LA is hidden."""
    return TeamContactView(NATIONAL_TEAM, settings.national_team_phone, settings.national_team_email, None)


def _team_of(authority: StoredAuthority) -> TeamContactView:
    contact = authority.contact
    return TeamContactView(
        f"{authority.name} ContactPoint team", contact.phone, contact.email, contact.address
    )


def build_view(
    principal: Principal,
    record: ChildRecord,
    version: int,
    level: ViewLevel,
    *,
    authority: StoredAuthority | None = None,
    national: TeamContactView | None = None,
) -> ChildView:
    """Assemble exactly what the level allows; nothing hidden is even copied into the view.

    A limited view of a shielded child shows the identity sealed when it was shielded
    (`domain/visibility.as_limited`), whatever a source has changed since. Where the LA is hidden
    (a limited view), neither its name nor its team's contact details are
    used: the contact shown is the national route, and the request still reaches the owning team.
    """
    hides_la = level is ViewLevel.LIMITED
    if level is ViewLevel.LIMITED:
        record = as_limited(record)  # a shielded child as it stood when shielded, never a later change
    full = policy.shows_contact_details(level)
    address = record.whereabouts.address if full else None
    carers = [
        CarerView(
            c.name.given,
            c.name.family,
            c.relationship.value if full else None,
            c.contact.phone if full else None,
            c.contact.email if full else None,
        )
        for c in policy.visible_carers(record, level)
    ]
    involvements = (
        [_involvement(principal, i, item, level) for i, item in enumerate(record.involvements)]
        if policy.shows_involvements(level)
        else []
    )
    return ChildView(
        cp_id=record.cp_id.value,
        level=level,
        version=version if policy.shows_version(level) else None,
        given_name=record.names.current.given,
        family_name=record.names.current.family,
        other_names=[f"{n.given} {n.family}" for n in (*record.names.former, *record.names.known_as)]
        if policy.shows_other_names(level)
        else [],
        date_of_birth=record.date_of_birth,
        gender=record.gender,
        la_code=record.la_code if level is not ViewLevel.LIMITED else None,
        deceased=record.status is RecordStatus.DECEASED,
        address_state=record.whereabouts.state.value if full else None,
        address_lines=[*address.lines, *([address.town] if address.town else [])] if address else None,
        postcode=address.postcode.value if address else None,
        carers=carers,
        involvements=involvements,
        identifiers=[f"{i.scheme.value}: {i.value}" for i in record.identifiers]
        if policy.shows_identifiers(level)
        else [],
        contact_note=LA_TEAM_CONTACT if level is ViewLevel.LIMITED else None,
        warning=OVERRIDE_WARNING if level is ViewLevel.OVERRIDE else None,
        may_record_involvement=policy.may_record_involvement(principal, record.status, record.la_code),
        may_ask_for_contact=has_permission(principal.role, Permission.REQUEST_CONTACT)
        and policy.may_ask_for_brokered_contact(principal, record, level),
        may_request_shielding=policy.may_act_on_record(principal, Permission.DECIDE_SHIELDING, level),
        may_record_adoption=policy.may_act_on_record(principal, Permission.DECIDE_ADOPTION, level),
        may_record_consent=policy.may_act_on_record(principal, Permission.MANAGE_CONSENT, level),
        la_name=authority.name if authority is not None and not hides_la else None,
        team_contact=national
        if hides_la or (authority is not None and authority.tampered)
        else (_team_of(authority) if authority is not None else None),
    )


def view_child(
    runtime: Runtime,
    principal: Principal,
    cp_id: ContactPointId,
    reason: AccessReason,
    *,
    override: bool = False,
) -> ChildView:
    """Open a record: write the audit entry, raise alerts, commit, and only then return the view."""
    policy.require(principal, Permission.VIEW_CHILD)
    if override:
        policy.require(principal, Permission.OVERRIDE_SHIELDING)
    now = runtime.clock.now()
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        try:
            stored = uow.children.get(cp_id)
        except NotFound:
            stored = None
        level = (
            policy.record_view_level(
                principal, stored.record, today_in_england(runtime.clock), override=override
            )
            if stored
            else ViewLevel.NONE
        )
        if stored is None or level is ViewLevel.NONE:
            seq = log.append(
                AuditEvent(
                    AuditKind.VIEW_REFUSED, principal.user_id, (cp_id.value,), {"reason": reason.value}
                )
            )
            suspended = misuse.over_view_limit(uow, log, principal, now, seq)
            uow.commit()
            if suspended:
                raise AuthenticationFailed(misuse.SUSPENDED)
            raise NotFound("no such record")
        record = stored.record
        kind = AuditKind.OVERRIDE if level is ViewLevel.OVERRIDE else AuditKind.VIEW
        details: dict[str, Detail] = {"reason": reason.value, "level": level.value}
        if level is not ViewLevel.LIMITED:
            # A shielded record's version moves with every source update: an auditor of another LA
            # reading it off limited views would learn that the hidden record keeps changing.
            details["version"] = stored.version
        seq = log.append(
            AuditEvent(kind, principal.user_id, (cp_id.value,), details, owners={cp_id.value: record.la_code})
        )
        if misuse.over_view_limit(uow, log, principal, now, seq):
            uow.commit()  # the attempt, the alert and the suspension are kept; the record is not shown
            raise AuthenticationFailed(misuse.SUSPENDED)
        misuse.after_view(
            log,
            principal,
            now,
            seq,
            shielded=record.status is RecordStatus.SHIELDED,
            override=level is ViewLevel.OVERRIDE,
            la_code=record.la_code,
            shares=shared_with(runtime.keyring, principal, record),
        )
        authority = uow.authorities.get(record.la_code) if level is not ViewLevel.LIMITED else None
        if authority is not None and authority.tampered:
            # Its team contact was not written by the application: the national route is shown
            # instead, and the auditors of that LA are told (the alert names who met it, and when).
            log.record_alert(
                user_id=principal.user_id,
                la_code=authority.code,
                signal=misuse.Signal.DIRECTORY_TAMPERED.value,
                score=misuse.SCORES[misuse.Signal.DIRECTORY_TAMPERED],
                trigger_seq=seq,
            )
        uow.commit()
    national = national_route(runtime.settings)
    return build_view(principal, record, stored.version, level, authority=authority, national=national)
