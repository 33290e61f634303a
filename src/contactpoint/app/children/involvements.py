"""Practitioners record their own service's involvement: add, update, end, lead professional, CAF.

Each change writes a new record version through ChildRepository.replace (optimistic: the caller
says which version it saw) and an audit entry, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from contactpoint.access import policy
from contactpoint.access.errors import PermissionDenied
from contactpoint.access.policy import Principal, ViewLevel
from contactpoint.access.roles import Permission
from contactpoint.app.accounts.accounts import organisation_of
from contactpoint.app.operations.retention import today_in_england
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import ConcurrentUpdate, NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import (
    ChildRecord,
    ContactDetails,
    Involvement,
    PersonName,
    check_involvement_dates,
)
from contactpoint.domain.vocabulary import SensitiveBasis
from contactpoint.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class InvolvementInput:
    """What a practitioner enters about their own involvement (no free text)."""

    practitioner_given: str
    practitioner_family: str
    start: date
    phone: str | None = None
    email: str | None = None
    lead_professional: bool = False
    caf_exists: bool = False
    sensitive_basis: SensitiveBasis | None = None


def _contact(data: InvolvementInput) -> ContactDetails:
    return ContactDetails(phone=data.phone or None, email=data.email or None)


def _change(
    runtime: Runtime,
    principal: Principal,
    *,
    cp_id: ContactPointId,
    expected_version: int,
    kind: AuditKind,
    build: tuple[int | None, Involvement | None],
    uow: UnitOfWork,
) -> int:
    stored = uow.children.get(cp_id)
    if stored.version != expected_version:
        raise ConcurrentUpdate("the record changed since it was read")
    index, item = build
    record = stored.record
    involvements = list(record.involvements)
    if item is not None:
        check_involvement_dates(item, record.date_of_birth, today_in_england(runtime.clock))
    if item is not None and item.lead_professional:
        policy.require_may_claim_lead(record, index)
    if index is None and item is not None:
        involvements.append(item)
        index = len(involvements) - 1
    elif index is not None and item is not None:
        involvements[index] = item
    version = uow.children.replace(replace(record, involvements=tuple(involvements)), stored.version)
    audit_log(runtime, uow).append(
        AuditEvent(
            kind,
            principal.user_id,
            (cp_id.value,),
            {
                "index": index,
                "service": item.service.value if item else None,
                "organisation": item.organisation.code if item else None,
                "lead_professional": bool(item and item.lead_professional),
                "caf_exists": bool(item and item.caf_exists),
                "version": version,
            },
            owners={cp_id.value: record.la_code},
        )
    )
    uow.commit()
    return version


def add_involvement(
    runtime: Runtime,
    principal: Principal,
    cp_id: ContactPointId,
    data: InvolvementInput,
    expected_version: int,
) -> int:
    """Record the user's own service as involved; returns the new record version."""
    policy.require(principal, Permission.WRITE_INVOLVEMENT)
    organisation = organisation_of(runtime, principal)
    if organisation is None or principal.service is None:
        raise PermissionDenied("only practitioners of a service record involvements")
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(cp_id)
        if not policy.may_record_involvement(principal, stored.record.status, stored.record.la_code):
            raise NotFound("no such record")
        if any(policy.is_own_service(principal, i) and i.end is None for i in stored.record.involvements):
            raise ValidationError(
                "involvement", "your service already has an open involvement; update it instead"
            )
        item = Involvement(
            service=principal.service,
            organisation=organisation,
            start=data.start,
            practitioner=PersonName.of(data.practitioner_given, data.practitioner_family),
            contact=_contact(data),
            lead_professional=data.lead_professional,
            caf_exists=data.caf_exists,
            sensitive_basis=data.sensitive_basis,
        )
        return _change(
            runtime,
            principal,
            cp_id=cp_id,
            expected_version=expected_version,
            kind=AuditKind.INVOLVEMENT_ADDED,
            build=(None, item),
            uow=uow,
        )


def _own(uow: UnitOfWork, principal: Principal, cp_id: ContactPointId, index: int) -> Involvement:
    stored = uow.children.get(cp_id)
    if not policy.may_record_involvement(principal, stored.record.status, stored.record.la_code):
        raise NotFound("no such record")
    if not 0 <= index < len(stored.record.involvements):
        raise NotFound("no such involvement")
    item = stored.record.involvements[index]
    policy.require_edit_involvement(principal, item)
    return item


def update_involvement(
    runtime: Runtime,
    principal: Principal,
    *,
    cp_id: ContactPointId,
    index: int,
    data: InvolvementInput,
    expected_version: int,
) -> int:
    """Change the user's own service's involvement (contact, lead professional, CAF indicator)."""
    policy.require(principal, Permission.WRITE_INVOLVEMENT)
    with runtime.unit_of_work() as uow:
        item = _own(uow, principal, cp_id, index)
        changed = replace(
            item,
            start=data.start,
            practitioner=PersonName.of(data.practitioner_given, data.practitioner_family),
            contact=_contact(data),
            lead_professional=data.lead_professional,
            caf_exists=data.caf_exists,
            sensitive_basis=data.sensitive_basis if item.service.is_sensitive else None,
        )
        return _change(
            runtime,
            principal,
            cp_id=cp_id,
            expected_version=expected_version,
            kind=AuditKind.INVOLVEMENT_UPDATED,
            build=(index, changed),
            uow=uow,
        )


def end_involvement(
    runtime: Runtime,
    principal: Principal,
    *,
    cp_id: ContactPointId,
    index: int,
    end: date,
    expected_version: int,
) -> int:
    """End the user's own service's involvement on a date (it is kept, with its end date)."""
    policy.require(principal, Permission.WRITE_INVOLVEMENT)
    with runtime.unit_of_work() as uow:
        item = _own(uow, principal, cp_id, index)
        changed = replace(item, end=end, lead_professional=False)
        return _change(
            runtime,
            principal,
            cp_id=cp_id,
            expected_version=expected_version,
            kind=AuditKind.INVOLVEMENT_ENDED,
            build=(index, changed),
            uow=uow,
        )


LEAD_CHANGED = "lead_professional_changed"


def _tell_of_lead_change(
    uow: UnitOfWork, record: ChildRecord, previous: list[int], index: int, now: datetime
) -> list[str]:
    """Leave a notification for the service team that held the role and for the owning LA's team
    (there is no email): who is told, as codes, for the audit entry."""
    told: list[str] = []
    for n in previous:
        if n == index:
            continue
        held = record.involvements[n]
        uow.notifications.add(
            kind=LEAD_CHANGED,
            cp_id=record.cp_id.value,
            now=now,
            org_code=held.organisation.code,
            service=held.service.value,
        )
        told.append(f"{held.organisation.code}/{held.service.value}")
    if told and record.la_code:
        uow.notifications.add(kind=LEAD_CHANGED, cp_id=record.cp_id.value, now=now, la_code=record.la_code)
        told.append(f"la:{record.la_code}")
    return told


def change_lead_professional(
    runtime: Runtime, principal: Principal, *, cp_id: ContactPointId, index: int, expected_version: int
) -> int:
    """Make an open involvement the child's lead professional, with the agreement the policy asks
    for (the current lead hands over, or the LA team decides). The audit entry names the involvement
    that held the role, so the change is on the record for them and the LA team."""
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(cp_id)
        record = stored.record
        level = policy.record_view_level(principal, record, runtime.clock.now().date())
        if level is ViewLevel.NONE:  # a record one may not see is answered as a missing one
            raise NotFound("no such record")
        if not policy.shows_involvements(level) or not 0 <= index < len(record.involvements):
            raise NotFound("no such involvement")
        policy.require_lead_change(principal, record, index)
        if stored.version != expected_version:
            raise ConcurrentUpdate("the record changed since it was read")
        previous = [n for n, i in enumerate(record.involvements) if i.lead_professional and i.end is None]
        involvements = tuple(
            replace(item, lead_professional=n == index) if item.end is None else item
            for n, item in enumerate(record.involvements)
        )
        version = uow.children.replace(replace(record, involvements=involvements), stored.version)
        told = _tell_of_lead_change(uow, record, previous, index, runtime.clock.now())
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.LEAD_PROFESSIONAL_CHANGED,
                principal.user_id,
                (cp_id.value,),
                {"index": index, "previous": ",".join(map(str, previous)), "version": version, "told": told},
            )
        )
        uow.commit()
    return version
