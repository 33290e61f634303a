"""The organisation register: which organisations practitioners act for, their LA and services.

A closed list kept by the national administrator (through the CLI, on the server), so that a user
administrator cannot invent an organisation, place it in another LA or give it a sensitive service
to reach involvements their LA's practitioners never recorded.
"""

from __future__ import annotations

from collections.abc import Collection

from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.records import Organisation, check_la_code
from contactpoint.domain.vocabulary import ServiceType
from contactpoint.store.access_repository import StoredOrganisation


def register_organisation(
    runtime: Runtime, code: str, name: str, la_code: str, services: Collection[ServiceType]
) -> StoredOrganisation:
    """Add an organisation to the register, or change its name, LA or services (audited)."""
    Organisation(code, name)  # the record's own rules for an organisation's code and name
    check_la_code(la_code)
    if not services:
        raise ValidationError("services", "an organisation records at least one service")
    entry = StoredOrganisation(code, name, la_code, tuple(sorted({s.value for s in services})))
    with runtime.unit_of_work() as uow:
        uow.organisations.put(entry)
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.ORGANISATION_REGISTERED,
                None,
                (),
                {"organisation": code, "la": la_code, "services": ",".join(entry.services)},
            )
        )
        uow.commit()
    return entry


def list_organisations(runtime: Runtime) -> list[StoredOrganisation]:
    """The whole register."""
    with runtime.unit_of_work() as uow:
        return uow.organisations.all()
