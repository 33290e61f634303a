"""Consent the LA team records for a young person (DESIGN section 2): keeping the record to 25, and
the sensitive services recorded with consent, which a withdrawal removes.

Only the owning LA's data administrators manage consent, on records they can see (a sealed record,
or one archived more than a year ago, is not found). Every read and change is audited with codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from contactpoint.access import policy
from contactpoint.access.policy import Principal, ViewLevel
from contactpoint.access.roles import Permission
from contactpoint.app.operations.retention import today_in_england
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.app.safeguards.naming import NamedChild, child_named
from contactpoint.audit.events import AuditEvent, AuditKind, Detail
from contactpoint.domain import retention
from contactpoint.domain.errors import ConcurrentUpdate, NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord, RetentionExtension
from contactpoint.domain.vocabulary import ExtensionBasis, RecordStatus, SensitiveBasis, ServiceType
from contactpoint.store.repository import StoredChild
from contactpoint.store.unit_of_work import UnitOfWork

_CONSENT_BASES = frozenset({SensitiveBasis.CONSENT_YOUNG_PERSON, SensitiveBasis.CONSENT_CARER})


@dataclass(frozen=True, slots=True)
class SensitiveConsent:
    """A sensitive service's involvement and the ground it was recorded on."""

    index: int
    service: ServiceType
    organisation: str
    basis: SensitiveBasis
    start: date
    end: date | None

    @property
    def withdrawable(self) -> bool:
        """Recorded with consent (not on the significant-harm ground), so a withdrawal removes it."""
        return self.basis in _CONSENT_BASES


@dataclass(frozen=True, slots=True)
class ConsentView:
    """What consent a record rests on, for the LA team."""

    cp_id: ContactPointId
    version: int
    status: RecordStatus
    extension: RetentionExtension | None
    kept_until: date | None
    sensitive: list[SensitiveConsent]
    child: NamedChild | None = None  # whom the page is about (the reader may see the whole record)


def _readable(runtime: Runtime, uow: UnitOfWork, principal: Principal, cp_id: ContactPointId) -> StoredChild:
    policy.require(principal, Permission.MANAGE_CONSENT)
    stored = uow.children.get(cp_id)
    level = policy.record_view_level(principal, stored.record, today_in_england(runtime.clock))
    if level is not ViewLevel.ADMIN:
        raise NotFound("no such record")
    return stored


def consents_of(runtime: Runtime, principal: Principal, cp_id: ContactPointId) -> ConsentView:
    """The record's consents (reading them is audited)."""
    with runtime.unit_of_work() as uow:
        stored = _readable(runtime, uow, principal, cp_id)
        record, version = stored.record, stored.version
        audit_log(runtime, uow).append(AuditEvent(AuditKind.CONSENT_READ, principal.user_id, (cp_id.value,)))
        uow.commit()
    extension = record.retention_extension
    return ConsentView(
        cp_id,
        version,
        record.status,
        extension,
        retention.anniversary(record.date_of_birth, retention.EXTENDED_AGE)
        if extension is not None and extension.withdrawn_on is None
        else None,
        [
            SensitiveConsent(
                index, item.service, item.organisation.name, item.sensitive_basis, item.start, item.end
            )
            for index, item in enumerate(record.involvements)
            if item.sensitive_basis is not None
        ],
        child_named(record),
    )


def _change(
    runtime: Runtime,
    principal: Principal,
    cp_id: ContactPointId,
    *,
    expected_version: int,
    kind: AuditKind,
    details: dict[str, Detail],
    change: Callable[[ChildRecord], ChildRecord],
) -> int:
    with runtime.unit_of_work() as uow:
        stored = _readable(runtime, uow, principal, cp_id)
        if stored.version != expected_version:
            raise ConcurrentUpdate("the record changed since it was read")
        version = uow.children.replace(change(stored.record), stored.version)
        audit_log(runtime, uow).append(AuditEvent(kind, principal.user_id, (cp_id.value,), details))
        uow.commit()
    return version


def record_retention_consent(
    runtime: Runtime,
    principal: Principal,
    cp_id: ContactPointId,
    *,
    basis: ExtensionBasis,
    consented_on: date,
    expected_version: int,
) -> int:
    """A care leaver or young person with learning difficulties agrees to be kept to 25."""
    today = today_in_england(runtime.clock)
    return _change(
        runtime,
        principal,
        cp_id,
        expected_version=expected_version,
        kind=AuditKind.CONSENT_RECORDED,
        details={"consent": "retention", "basis": basis.value},
        change=lambda record: retention.with_extension_consent(record, basis, consented_on, today),
    )


def withdraw_retention_consent(
    runtime: Runtime,
    principal: Principal,
    cp_id: ContactPointId,
    *,
    withdrawn_on: date,
    expected_version: int,
) -> int:
    """The young person withdraws it; the next retention run archives the record."""
    today = today_in_england(runtime.clock)
    return _change(
        runtime,
        principal,
        cp_id,
        expected_version=expected_version,
        kind=AuditKind.CONSENT_WITHDRAWN,
        details={"consent": "retention"},
        change=lambda record: retention.with_extension_withdrawn(record, withdrawn_on, today),
    )


def withdraw_sensitive_consent(
    runtime: Runtime, principal: Principal, cp_id: ContactPointId, *, index: int, expected_version: int
) -> int:
    """Consent to record a sensitive service is withdrawn: the involvement is removed, not ended."""

    def without(record: ChildRecord) -> ChildRecord:
        if not 0 <= index < len(record.involvements):
            raise NotFound("no such involvement")
        basis = record.involvements[index].sensitive_basis
        if basis not in _CONSENT_BASES:
            raise ValidationError(
                "sensitive_basis", "only an involvement recorded with consent is removed on withdrawal"
            )
        kept = record.involvements[:index] + record.involvements[index + 1 :]
        return replace(record, involvements=kept)

    return _change(
        runtime,
        principal,
        cp_id,
        expected_version=expected_version,
        kind=AuditKind.CONSENT_WITHDRAWN,
        details={"consent": "sensitive_service"},
        change=without,
    )
