"""Recording an adoption (DESIGN invariant 4): the birth identity is sealed and a new one is issued.

One LA data administrator records the adoption; a second approves it (four eyes), and only then is
the birth record sealed and the adoptive record created, in one transaction. No link between the
two is kept anywhere: not in a column, not in an index value, not in either record, not in the
request (its sealed adoptive identity is erased when it is decided) and not in the audit log (its
entries name the birth record only, the new record's creation is not journalled beside them, and
only national auditors see adoption entries at all). The new ID is returned once, to the approver.
The new record takes the date of birth and gender (they do not change) and nothing else of the
birth identity: no identifiers (sources issue new ones), no involvements, no former names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import msgspec

from contactpoint.access import policy
from contactpoint.access.policy import Principal
from contactpoint.access.roles import Permission
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.naming import NamedChild, name_children
from contactpoint.app.safeguards.request_integrity import (
    ADOPTION,
    refusing_planted,
    require_made_here,
    tag_request,
)
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    ChildRecord,
    ContactDetails,
    PersonName,
    PostalAddress,
    Whereabouts,
    check_la_code,
    clean_text,
)
from contactpoint.domain.shielding import RequestState
from contactpoint.domain.vocabulary import AddressState, RecordStatus, Relationship
from contactpoint.linkage.normalise import family_name_keys
from contactpoint.store.adoption_repository import StoredAdoptionRequest
from contactpoint.store.unit_of_work import UnitOfWork

_ADOPTABLE = frozenset({RecordStatus.ACTIVE, RecordStatus.SHIELDED})


@dataclass(frozen=True, slots=True)
class AdoptiveIdentity:
    """What the LA records for the child's new identity."""

    names: ChildNames
    whereabouts: Whereabouts
    la_code: str
    carers: tuple[Carer, ...] = ()


@dataclass(frozen=True, slots=True)
class AdoptiveParent:
    """An adoptive parent as the form or API gives them."""

    given: str
    family: str
    phone: str | None = None
    email: str | None = None


def adoptive_identity(
    *,
    given: str,
    family: str,
    address_lines: list[str],
    town: str | None,
    postcode: str,
    la_code: str,
    parents: list[AdoptiveParent],
) -> AdoptiveIdentity:
    """Build and validate the new identity from plain fields (shared by the API and the UI)."""
    if not 1 <= len(parents) <= 2:
        raise ValidationError("carers", "give one or two adoptive parents")
    lines = tuple(clean_text(line) for line in address_lines if line.strip())
    return AdoptiveIdentity(
        names=ChildNames(PersonName.of(given, family)),
        whereabouts=Whereabouts(
            AddressState.KNOWN,
            PostalAddress(lines, Postcode.parse(postcode), clean_text(town) if town else None),
        ),
        la_code=check_la_code(la_code),
        carers=tuple(
            Carer(
                PersonName.of(parent.given, parent.family),
                Relationship.PARENT,
                True,
                ContactDetails(phone=parent.phone or None, email=parent.email or None),
            )
            for parent in parents
        ),
    )


def _family_keys(names: ChildNames) -> frozenset[str]:
    return frozenset(key for name in names.all() for key in family_name_keys(name.family))


def adoption_records(
    birth: ChildRecord, adoptive: AdoptiveIdentity, new_id: ContactPointId
) -> tuple[ChildRecord, ChildRecord]:
    """The sealed birth record and the new adoptive record; refuses what would let them be linked."""
    if birth.status not in _ADOPTABLE:
        raise ValidationError("status", "only an active or shielded record can be sealed for an adoption")
    if _family_keys(birth.names) & _family_keys(adoptive.names):
        # Family name and date of birth index both identities under one value otherwise.
        raise ValidationError(
            "family_name", "the adoptive names must not share a family name with the birth names"
        )
    sealed = replace(birth, status=RecordStatus.SEALED)
    new = ChildRecord(
        cp_id=new_id,
        names=adoptive.names,
        date_of_birth=birth.date_of_birth,
        gender=birth.gender,
        whereabouts=adoptive.whereabouts,
        la_code=adoptive.la_code,
        carers=adoptive.carers,
        adoptive_identity=True,
    )
    return sealed, new


_IDENTITY_ENCODER = msgspec.msgpack.Encoder()
_IDENTITY_DECODER = msgspec.msgpack.Decoder(AdoptiveIdentity)


@dataclass(frozen=True, slots=True)
class PendingAdoption:
    """A request awaiting the second administrator, with the adoptive identity to check."""

    request_id: int
    birth_id: ContactPointId
    requester_id: int
    requested_at: datetime
    identity: AdoptiveIdentity


def request_adoption(
    runtime: Runtime, principal: Principal, birth_id: ContactPointId, adoptive: AdoptiveIdentity
) -> int:
    """Record an adoption of a child of the administrator's LA for a second administrator to approve."""
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(birth_id)
        policy.require_record_in_own_la(principal, Permission.DECIDE_ADOPTION, stored.record)
        adoption_records(stored.record, adoptive, birth_id)  # refuse now what approval would refuse
        if uow.adoptions.pending_for_child(birth_id):
            raise ValidationError("request", "an adoption of this child is already waiting for a decision")
        request_id = uow.adoptions.add(
            birth_id,
            stored.record.la_code,
            _IDENTITY_ENCODER.encode(adoptive),
            principal.user_id,
            runtime.clock.now(),
        )
        tag_request(runtime, uow, ADOPTION, request_id)
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.ADOPTION_REQUESTED, principal.user_id, (birth_id.value,), {"request": request_id}
            )
        )
        uow.commit()
    return request_id


def pending_adoptions(runtime: Runtime, principal: Principal) -> list[PendingAdoption]:
    """The LA's adoptions awaiting a second administrator (reading their identities is audited)."""
    la_code = policy.own_la(principal, Permission.DECIDE_ADOPTION)
    with runtime.unit_of_work() as uow:
        pending = [
            PendingAdoption(
                request.id,
                request.birth_cp_id,
                request.requester_id,
                request.requested_at,
                _IDENTITY_DECODER.decode(uow.adoptions.identity(request.id)),
            )
            for request in uow.adoptions.pending_in(la_code)
        ]
        if pending:
            audit_log(runtime, uow).append(
                AuditEvent(
                    AuditKind.ADOPTION_READ,
                    principal.user_id,
                    tuple(p.birth_id.value for p in pending),
                    {"requests": [str(p.request_id) for p in pending]},
                )
            )
            uow.commit()
    return pending


@dataclass(frozen=True, slots=True)
class WaitingAdoption:
    """An adoption awaiting the second administrator as the LA team's list shows it: the child by the
    birth identity the team knows (None where the reader may not see the record), never beside the
    adoptive identity, which only the check-and-confirm page shows, one request at a time."""

    request_id: int
    birth_id: ContactPointId
    requester_id: int
    requested_at: datetime
    child: NamedChild | None


def adoptions_waiting(runtime: Runtime, principal: Principal) -> list[WaitingAdoption]:
    """The LA's adoptions awaiting a second administrator, each child named by the birth identity
    (reading the names is audited, as adoption entries: national auditors only)."""
    la_code = policy.own_la(principal, Permission.DECIDE_ADOPTION)
    with runtime.unit_of_work() as uow:
        requests = uow.adoptions.pending_in(la_code)
        if not requests:
            return []
        children = name_children(
            uow,
            runtime,
            principal,
            [r.birth_cp_id for r in requests],
            kind=AuditKind.ADOPTION_READ,
            details={"requests": [str(r.id) for r in requests]},
        )
        uow.commit()
    return [
        WaitingAdoption(
            r.id, r.birth_cp_id, r.requester_id, r.requested_at, children.get(r.birth_cp_id.value)
        )
        for r in requests
    ]


def _request_to_decide(
    runtime: Runtime, uow: UnitOfWork, principal: Principal, request_id: int
) -> StoredAdoptionRequest:
    """A pending request of the administrator's own LA that someone else asked for (four eyes),
    made through the application (PlantedRequest otherwise: see `request_integrity`)."""
    request = uow.adoptions.get(request_id)
    policy.require_own_la_item(
        principal, Permission.DECIDE_ADOPTION, request.la_code, "no such adoption request"
    )
    policy.require_second_pair_of_eyes(principal, request.requester_id)
    if request.state is not RequestState.PENDING:
        raise ValidationError("request", "has already been decided")
    require_made_here(
        runtime, uow, ADOPTION, request_id, cp_id=request.birth_cp_id.value, la_code=request.la_code
    )
    return request


def adoption_to_decide(runtime: Runtime, principal: Principal, request_id: int) -> PendingAdoption:
    """One pending adoption a second administrator is about to decide (reading it is audited)."""
    with refusing_planted(runtime, principal), runtime.unit_of_work() as uow:
        request = _request_to_decide(runtime, uow, principal, request_id)
        pending = PendingAdoption(
            request.id,
            request.birth_cp_id,
            request.requester_id,
            request.requested_at,
            _IDENTITY_DECODER.decode(uow.adoptions.identity(request.id)),
        )
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.ADOPTION_READ,
                principal.user_id,
                (pending.birth_id.value,),
                {"requests": [str(request_id)]},
            )
        )
        uow.commit()
    return pending


def decide_adoption(
    runtime: Runtime, principal: Principal, request_id: int, *, approve: bool
) -> ContactPointId | None:
    """A second administrator approves (seal and re-issue now; the new ID is returned this once) or
    rejects; either way the request's adoptive identity is erased."""
    with refusing_planted(runtime, principal), runtime.unit_of_work() as uow:
        request = _request_to_decide(runtime, uow, principal, request_id)
        new_id = None
        if approve:
            identity = _IDENTITY_DECODER.decode(uow.adoptions.identity(request_id))
            new_id = _seal_and_issue(uow, request.birth_cp_id, identity)
        state = RequestState.APPROVED if approve else RequestState.REJECTED
        uow.adoptions.decide(request_id, state, principal.user_id, runtime.clock.now())
        kind = AuditKind.ADOPTION_APPROVED if approve else AuditKind.ADOPTION_REJECTED
        audit_log(runtime, uow).append(
            AuditEvent(kind, principal.user_id, (request.birth_cp_id.value,), {"request": request_id})
        )
        uow.commit()
    return new_id


def _seal_and_issue(uow: UnitOfWork, birth_id: ContactPointId, adoptive: AdoptiveIdentity) -> ContactPointId:
    stored = uow.children.get(birth_id)
    new_id = uow.children.reserve_ids(1)[0]
    sealed, new = adoption_records(stored.record, adoptive, new_id)
    uow.children.replace(sealed, stored.version)
    uow.reviews.make_private(birth_id, sealed.la_code)
    uow.children.add_many([new])
    return new_id
