"""Children named on the LA ContactPoint team's lists (shielding requests, reviews due, brokered
contact): a list of 12-digit IDs asks the team to open each record to know whom it is about.

A child is named only where the policy lets the reader see the record (the owning LA's data
administrators; `record_view_level`), and reading the names is audited before they are returned, like
any other read of a record (invariant 5). Adoptions have their own list (`adoption.adoptions_waiting`),
which names the birth identity only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from contactpoint.access import policy
from contactpoint.access.policy import Principal
from contactpoint.app.operations.retention import today_in_england
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind, Detail
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class NamedChild:
    """Whom a list row is about: the child's current name and date of birth."""

    name: str
    date_of_birth: date


def child_named(record: ChildRecord) -> NamedChild:
    """The record's current name and date of birth, as a list shows them."""
    name = record.names.current
    return NamedChild(f"{name.given} {name.family}", record.date_of_birth)


def name_children(
    uow: UnitOfWork,
    runtime: Runtime,
    principal: Principal,
    cp_ids: Iterable[ContactPointId],
    *,
    kind: AuditKind,
    details: dict[str, Detail],
) -> dict[str, NamedChild]:
    """The children of `cp_ids` this reader may see, by ID; one audit entry names those shown.

    The caller commits the unit of work (with the entry) before returning the names."""
    today = today_in_england(runtime.clock)
    named = {
        cp_id.value: child_named(stored.record)
        for cp_id, stored in uow.children.get_many(cp_ids).items()
        if policy.record_view_level(principal, stored.record, today) is not policy.ViewLevel.NONE
    }
    if named:
        audit_log(runtime, uow).append(AuditEvent(kind, principal.user_id, tuple(sorted(named)), details))
    return named
