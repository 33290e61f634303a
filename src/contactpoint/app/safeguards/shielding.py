"""The shielding workflow: one LA data administrator asks, a second decides; and the
contact the LA team brokers for practitioners who find a shielded child or a hidden sensitive service.

Approval changes the record's status in the same transaction as the decision and its audit entry.
The store re-indexes the record, so a shielded child stops being findable through hidden fields
the moment the change commits (invariant 2). Unshielding is the same path in reverse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contactpoint.access import policy
from contactpoint.access.policy import Principal
from contactpoint.access.roles import Permission
from contactpoint.app.operations.retention import today_in_england
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.naming import NamedChild, name_children
from contactpoint.app.safeguards.request_integrity import (
    SHIELDING,
    refusing_planted,
    require_made_here,
    tag_request,
)
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.shielding import (
    ContactOutcome,
    ContactPurpose,
    RequestState,
    ShieldingRequestDetails,
)
from contactpoint.domain.visibility import with_status
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.store.repository import StoredChild
from contactpoint.store.shielding_repository import StoredContactRequest, StoredShieldingRequest
from contactpoint.store.unit_of_work import UnitOfWork


def request_shielding_change(
    runtime: Runtime, principal: Principal, cp_id: ContactPointId, details: ShieldingRequestDetails
) -> int:
    """Record a request to shield or unshield a child of the administrator's LA; returns its number."""
    details.check(today_in_england(runtime.clock))
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(cp_id)
        policy.require_record_in_own_la(principal, Permission.DECIDE_SHIELDING, stored.record)
        if stored.record.status is not details.change.from_status:
            raise ValidationError(
                "status",
                f"only a record that is {details.change.from_status.value} can be asked to {details.change}",
            )
        if uow.shielding.pending_for_child(cp_id):
            raise ValidationError("request", "a request about this child is already waiting for a decision")
        request_id = uow.shielding.add(
            cp_id, stored.record.la_code, details, principal.user_id, runtime.clock.now()
        )
        tag_request(runtime, uow, SHIELDING, request_id)
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.SHIELDING_REQUESTED,
                principal.user_id,
                (cp_id.value,),
                {
                    "request": request_id,
                    "change": details.change.value,
                    "reason": details.reason.value,
                    "requested_by": details.requested_by.value,
                },
            )
        )
        uow.commit()
    return request_id


def _request_to_decide(
    runtime: Runtime, uow: UnitOfWork, principal: Principal, request_id: int
) -> StoredShieldingRequest:
    """A request of the administrator's own LA that someone else asked for (four eyes), made
    through the application (PlantedRequest otherwise: see `request_integrity`)."""
    request = uow.shielding.get(request_id)
    policy.require_own_la_item(
        principal, Permission.DECIDE_SHIELDING, request.la_code, "no such shielding request"
    )
    policy.require_second_pair_of_eyes(principal, request.requester_id)
    if request.state is RequestState.PENDING:
        require_made_here(
            runtime, uow, SHIELDING, request_id, cp_id=request.cp_id.value, la_code=request.la_code
        )
    return request


def decide_shielding_change(
    runtime: Runtime, principal: Principal, request_id: int, *, approve: bool
) -> None:
    """A second administrator approves (the record's status changes now) or rejects a request."""
    with refusing_planted(runtime, principal), runtime.unit_of_work() as uow:
        request = _request_to_decide(runtime, uow, principal, request_id)
        state = RequestState.APPROVED if approve else RequestState.REJECTED
        uow.shielding.decide(request_id, state, principal.user_id, runtime.clock.now())
        if approve:
            stored = uow.children.get(request.cp_id)
            if stored.record.status is not request.details.change.from_status:
                raise ValidationError("status", "the record's status changed since the request was made")
            change_status(uow, stored, request.details.change.to_status, on=today_in_england(runtime.clock))
        kind = AuditKind.SHIELDING_APPROVED if approve else AuditKind.SHIELDING_REJECTED
        audit_log(runtime, uow).append(
            AuditEvent(kind, principal.user_id, (request.cp_id.value,), {"request": request_id})
        )
        uow.commit()


@dataclass(frozen=True, slots=True)
class ShieldingToDecide:
    """A pending request as the confirmation page shows it: the child named when the policy lets
    the administrator see the record (None otherwise)."""

    request: StoredShieldingRequest
    child_name: str | None


def shielding_request_to_decide(runtime: Runtime, principal: Principal, request_id: int) -> ShieldingToDecide:
    """A request a second administrator is about to decide, with the child's name (reading it is audited)."""
    with refusing_planted(runtime, principal), runtime.unit_of_work() as uow:
        request = _request_to_decide(runtime, uow, principal, request_id)
        if request.state is not RequestState.PENDING:
            raise ValidationError("request", "has already been decided")
        record = uow.children.get(request.cp_id).record
        level = policy.record_view_level(principal, record, today_in_england(runtime.clock))
        name = record.names.current
        child_name = None if level is policy.ViewLevel.NONE else f"{name.given} {name.family}"
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.SHIELDING_READ, principal.user_id, (request.cp_id.value,), {"request": request_id}
            )
        )
        uow.commit()
    return ShieldingToDecide(request, child_name)


def change_status(
    uow: UnitOfWork, stored: StoredChild, status: RecordStatus, *, on: date | None = None
) -> None:
    """Give a record a new status; a record becoming shielded seals the identity others may see from
    now on (`domain/visibility.with_status`); a record becoming shielded or sealed takes its open
    review items into its LA's private queue, so rows held before the change stay out of ordinary
    queues."""
    uow.children.replace(with_status(stored.record, status, on=on), stored.version)
    if status in (RecordStatus.SHIELDED, RecordStatus.SEALED):
        uow.reviews.make_private(stored.record.cp_id, stored.record.la_code)


def pending_shielding_requests(runtime: Runtime, principal: Principal) -> list[StoredShieldingRequest]:
    """The administrator's LA queue of requests awaiting a second administrator."""
    la_code = policy.own_la(principal, Permission.DECIDE_SHIELDING)
    with runtime.unit_of_work() as uow:
        return uow.shielding.pending_in(la_code)


def shielding_reviews_due(runtime: Runtime, principal: Principal) -> list[StoredShieldingRequest]:
    """Shielded children of the LA whose review date has come (the reminder list)."""
    la_code = policy.own_la(principal, Permission.DECIDE_SHIELDING)
    today = today_in_england(runtime.clock)
    with runtime.unit_of_work() as uow:
        current = uow.shielding.current_shieldings(la_code)
    return [r for r in current if r.details.review_on is not None and r.details.review_on <= today]


@dataclass(frozen=True, slots=True)
class ShieldingLists:
    """The LA team's shielding page: requests waiting for a second administrator, reviews due, and
    the children they are about by name (`children`, by ID; a child the reader may not see is absent)."""

    pending: list[StoredShieldingRequest]
    due: list[StoredShieldingRequest]
    children: dict[str, NamedChild]


def shielding_lists(runtime: Runtime, principal: Principal) -> ShieldingLists:
    """Both shielding lists of the administrator's LA, naming each child (reading the names is audited)."""
    pending = pending_shielding_requests(runtime, principal)
    due = shielding_reviews_due(runtime, principal)
    listed = [*pending, *due]
    if not listed:
        return ShieldingLists(pending, due, {})
    with runtime.unit_of_work() as uow:
        children = name_children(
            uow,
            runtime,
            principal,
            [r.cp_id for r in listed],
            kind=AuditKind.SHIELDING_READ,
            details={"requests": sorted({str(r.id) for r in listed})},
        )
        uow.commit()
    return ShieldingLists(pending, due, children)


def ask_for_brokered_contact(
    runtime: Runtime, principal: Principal, cp_id: ContactPointId, purpose: ContactPurpose
) -> int:
    """A practitioner asks the child's LA team to put them in touch; they never see the hidden data.

    A child the user may not see at all is reported as not found, like everywhere else.
    """
    policy.require(principal, Permission.REQUEST_CONTACT)
    with runtime.unit_of_work() as uow:
        record = uow.children.get(cp_id).record
        level = policy.record_view_level(principal, record, today_in_england(runtime.clock))
        if level is policy.ViewLevel.NONE:
            raise NotFound("no such record")
        if not policy.may_ask_for_brokered_contact(principal, record, level):
            raise ValidationError(
                "cp_id", "every service working with this child is shown: contact them directly"
            )
        request_id = uow.contact_requests.add(
            cp_id, record.la_code, purpose, principal.user_id, runtime.clock.now()
        )
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.CONTACT_REQUESTED,
                principal.user_id,
                (cp_id.value,),
                {"request": request_id, "purpose": purpose.value},
            )
        )
        uow.commit()
    return request_id


def open_contact_requests(runtime: Runtime, principal: Principal) -> list[StoredContactRequest]:
    """The LA team's brokering queue, oldest first."""
    la_code = policy.own_la(principal, Permission.BROKER_CONTACT)
    with runtime.unit_of_work() as uow:
        return uow.contact_requests.open_in(la_code)


def contact_queue(
    runtime: Runtime, principal: Principal
) -> tuple[list[StoredContactRequest], dict[str, NamedChild]]:
    """The brokering queue with each child named (reading the names is audited)."""
    requests = open_contact_requests(runtime, principal)
    if not requests:
        return requests, {}
    with runtime.unit_of_work() as uow:
        children = name_children(
            uow,
            runtime,
            principal,
            [r.cp_id for r in requests],
            kind=AuditKind.SHIELDING_READ,
            details={"contact_requests": [str(r.id) for r in requests]},
        )
        uow.commit()
    return requests, children


def close_contact_request(
    runtime: Runtime, principal: Principal, request_id: int, outcome: ContactOutcome
) -> None:
    """Record that the team brokered the contact or declined it."""
    if outcome is ContactOutcome.OPEN:
        raise ValidationError("outcome", "must be brokered or declined")
    with runtime.unit_of_work() as uow:
        request = uow.contact_requests.get(request_id)
        policy.require_own_la_item(
            principal, Permission.BROKER_CONTACT, request.la_code, "no such contact request"
        )
        uow.contact_requests.close(request_id, outcome, principal.user_id, runtime.clock.now())
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.CONTACT_CLOSED,
                principal.user_id,
                (request.cp_id.value,),
                {"request": request_id, "outcome": outcome.value},
            )
        )
        uow.commit()
