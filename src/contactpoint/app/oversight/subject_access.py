"""Subject access: everything held about a child, its sources, and every access to it.

An auditor of the child's owning LA produces the report for a requester named by a closed code. What
the report may disclose depends on who asked (`disclosure_for`): the young person sees all that is
held about them; a parent or carer, or a representative, never sees a sensitive service, carers'
contact details (other people's data), the record's status or anything that locates the child
(address, LA, organisations, sources), for any child: a third party's report has the same shape
whether or not the child is shielded, so its gaps cannot tell a parent which child is hidden.
A sealed record, or one outside the auditor's LA, is not found, exactly like a missing one.
Producing the report is audited, and committed, before it is returned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from contactpoint.access import policy
from contactpoint.access.policy import Principal
from contactpoint.access.roles import Permission
from contactpoint.app.children.reasons import AccessReason
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import OWNERS, RESTRICTED_KINDS, AuditEvent, AuditKind, Detail
from contactpoint.domain.errors import NotFound
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord, Involvement
from contactpoint.domain.visibility import as_limited, is_shielded, shielded_identity
from contactpoint.domain.vocabulary import RecordStatus, ServiceType
from contactpoint.store.access_repository import StoredUser
from contactpoint.store.audit_repository import StoredEntry
from contactpoint.store.unit_of_work import UnitOfWork

# Far beyond any one child's history; a report that reaches it says so rather than end silently.
MAX_ACCESSES = 10_000
RESTRICTED_NOTICE = (
    "Some information may be withheld from this report where disclosing it could put the young person "
    "at risk, would break a confidence they are owed, or is another person's information."
)


class Requester(StrEnum):
    """Who asked for the report (the LA team checks identity and authority outside the system)."""

    YOUNG_PERSON = "young_person"
    PARENT_CARER = "parent_carer"
    REPRESENTATIVE = "representative"

    @property
    def label(self) -> str:
        """Text for forms and the report."""
        return _REQUESTER_LABELS[self]


_REQUESTER_LABELS = {
    Requester.YOUNG_PERSON: "The young person",
    Requester.PARENT_CARER: "A parent or carer with parental responsibility",
    Requester.REPRESENTATIVE: "A representative acting for the young person",
}


class ReportFormat(StrEnum):
    """How the report left the system (recorded in its audit entry)."""

    JSON = "json"
    HTML = "html"
    PDF = "pdf"


WITHHELD_SOURCE = "withheld"  # a provenance entry's source, where naming it would locate the child


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What a report for this requester about this record may show."""

    locating: bool  # address, LA, identifiers, services' organisations, accessors' organisations, sources
    sensitive: bool  # sexual health, CAMHS, substance misuse, and who from them accessed the record
    carer_contacts: bool  # carers' phone, email and address: other people's data
    status: bool  # record status, shielding and brokering history
    source_keys: bool  # each source's own row key: a key into another organisation's system
    # a shielded child's names, carers, services and provenance since shielding; not listed as withheld,
    # so the categories a parent's report withholds are the same for every child
    later_changes: bool = True

    @property
    def withheld(self) -> list[str]:
        """The categories left out, for the LA team handling the request (never in the PDF)."""
        return [
            name
            for name, shown in (
                ("locating_details", self.locating),
                ("sensitive_services", self.sensitive),
                ("carer_contacts", self.carer_contacts),
                ("record_status", self.status),
                ("source_row_keys", self.source_keys),
            )
            if not shown
        ]


def disclosure_for(requester: Requester, record: ChildRecord) -> Disclosure:
    """The young person sees everything held about them. Anyone else is a third party to their
    confidences: no sensitive service (recorded on the young person's consent or on harm), no carer's
    contact details, no status, no source's own row keys, and nothing that would locate the child,
    whatever the record's status.

    For a shielded child a third party learns nothing that came after it was shielded: the identity
    sealed then (`domain/visibility.as_limited`), the services and provenance entries dated by then,
    since a new name, a new carer or a new school is what shielding keeps from the person it
    protects against. The report's shape is that of any child's; only its content stops at the
    shielding.
    """
    if requester is Requester.YOUNG_PERSON:
        return Disclosure(locating=True, sensitive=True, carer_contacts=True, status=True, source_keys=True)
    return Disclosure(
        locating=False,
        sensitive=False,
        carer_contacts=False,
        status=False,
        source_keys=False,
        later_changes=not is_shielded(record),
    )


@dataclass(frozen=True, slots=True)
class NameEntry:
    """A name held: current, former or known as."""

    kind: str
    given: str
    family: str


@dataclass(frozen=True, slots=True)
class WhereaboutsEntry:
    """The address state, and the address when one is held."""

    state: str
    lines: list[str]
    postcode: str | None
    intent_to_return: str | None


@dataclass(frozen=True, slots=True)
class CarerEntry:
    """A parent or carer; contact details only where the disclosure allows."""

    given: str
    family: str
    relationship: str
    parental_responsibility: bool
    phone: str | None
    email: str | None
    address: list[str]


@dataclass(frozen=True, slots=True)
class InvolvementEntry:
    """A service working with the child, and who recorded it."""

    service: str
    organisation_code: str | None  # None: withheld from a third party
    organisation_name: str | None
    practitioner: str | None
    phone: str | None
    email: str | None
    start: date
    end: date | None
    lead_professional: bool
    caf_exists: bool
    sensitive_basis: str | None
    recorded_by: str
    recorded_on: date | None


@dataclass(frozen=True, slots=True)
class ProvenanceEntry:
    """Which source gave a field its value, and as of when."""

    field: str
    source: str
    row_key: str | None
    as_of: date


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """A source whose feed rows were applied to the record."""

    source: str
    rows: int


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One access to the record: when, what, by whom (organisation and role, never a person), why."""

    at: datetime
    action: str
    organisation: str | None
    role: str
    service: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class SubjectAccessReport:
    """Everything held about one child, as this requester may receive it."""

    cp_id: str
    requester: Requester
    produced_at: datetime
    status: str | None
    la_code: str | None
    names: list[NameEntry]
    date_of_birth: date
    gender: str
    whereabouts: WhereaboutsEntry | None
    carers: list[CarerEntry]
    involvements: list[InvolvementEntry]
    identifiers: list[str]
    date_of_death: date | None
    retention_extension: str | None
    archived_on: date | None
    provenance: list[ProvenanceEntry]
    sources: list[SourceEntry]
    accesses: list[AccessEntry]
    accesses_complete: bool
    withheld: list[str]
    notice: str | None


_ACTIONS: dict[str, str] = {
    AuditKind.SEARCH: "searched (the child was among the results)",
    AuditKind.VIEW: "viewed the record",
    AuditKind.OVERRIDE: "viewed the record under the shielding override",
    AuditKind.VIEW_REFUSED: "tried to view the record (refused, nothing shown)",
    AuditKind.SYSTEM_READ: "read the record with an operator's tool",
    AuditKind.INVOLVEMENT_ADDED: "recorded an involvement",
    AuditKind.INVOLVEMENT_UPDATED: "updated an involvement",
    AuditKind.INVOLVEMENT_ENDED: "ended an involvement",
    AuditKind.AUDIT_READ: "read the audit log about the record",
    AuditKind.SHIELDING_REQUESTED: "asked for a change to shielding",
    AuditKind.SHIELDING_APPROVED: "approved a change to shielding",
    AuditKind.SHIELDING_REJECTED: "rejected a change to shielding",
    AuditKind.SHIELDING_READ: "opened a request about shielding to decide it",
    AuditKind.CONTACT_REQUESTED: "asked the LA team to broker contact",
    AuditKind.CONTACT_CLOSED: "closed a request for brokered contact",
    AuditKind.SUBJECT_ACCESS: "produced a subject access report",
}
_STATUS_KINDS = frozenset(
    {
        AuditKind.SHIELDING_REQUESTED,
        AuditKind.SHIELDING_APPROVED,
        AuditKind.SHIELDING_REJECTED,
        AuditKind.SHIELDING_READ,
        AuditKind.CONTACT_REQUESTED,
        AuditKind.CONTACT_CLOSED,
    }
)
_INVOLVEMENT_KINDS = frozenset(
    {AuditKind.INVOLVEMENT_ADDED, AuditKind.INVOLVEMENT_UPDATED, AuditKind.INVOLVEMENT_ENDED}
)
_KIND_REASONS: dict[str, str] = {
    AuditKind.SYSTEM_READ: "Operating the system",
    AuditKind.INVOLVEMENT_ADDED: "Recording their service's involvement",
    AuditKind.INVOLVEMENT_UPDATED: "Recording their service's involvement",
    AuditKind.INVOLVEMENT_ENDED: "Recording their service's involvement",
    AuditKind.AUDIT_READ: "Checking the record's use (audit)",
    AuditKind.SHIELDING_REQUESTED: "Protecting the child",
    AuditKind.SHIELDING_APPROVED: "Protecting the child",
    AuditKind.SHIELDING_REJECTED: "Protecting the child",
    AuditKind.SHIELDING_READ: "Protecting the child",
    AuditKind.CONTACT_REQUESTED: "Contacting another practitioner",
    AuditKind.CONTACT_CLOSED: "Contacting another practitioner",
    AuditKind.SUBJECT_ACCESS: "A subject access request",
}


@dataclass(frozen=True, slots=True)
class _Entry:
    """A decrypted audit entry about the child."""

    at: datetime
    kind: str
    actor_id: int | None
    details: dict[str, Detail]


def _is_sensitive_service(value: Detail) -> bool:
    return (
        isinstance(value, str) and value in {s.value for s in ServiceType} and ServiceType(value).is_sensitive
    )


def _organisation(user: StoredUser | None) -> str:
    if user is None:
        return "ContactPoint operators"
    if user.org_name:
        return user.org_name
    if user.la_code:
        return f"Local authority {user.la_code}"
    return "ContactPoint national team"


def _reason(entry: _Entry) -> str:
    code = entry.details.get("reason")
    if isinstance(code, str) and code in {r.value for r in AccessReason}:
        return AccessReason(code).label
    return _KIND_REASONS.get(entry.kind, "Not recorded")


def _access(entry: _Entry, user: StoredUser | None, disclosure: Disclosure) -> AccessEntry | None:
    if entry.kind in _STATUS_KINDS and not disclosure.status:
        return None
    hidden_service = not disclosure.sensitive and _is_sensitive_service(entry.details.get("service"))
    if entry.kind in _INVOLVEMENT_KINDS and hidden_service:
        return None
    kind = entry.kind
    if kind == AuditKind.OVERRIDE and not disclosure.status:
        kind = AuditKind.VIEW  # the override exists only for shielded children
    return AccessEntry(
        at=entry.at,
        action=_ACTIONS.get(kind, "used the record"),
        # A report that withholds sensitive services names no accessor's service or organisation
        # at all: a blank beside others' named ones would tell a parent that a sensitive one looked.
        organisation=_organisation(user) if disclosure.locating and disclosure.sensitive else None,
        role=user.role if user else "system",
        service=user.service if user is not None and disclosure.sensitive else None,
        reason=_reason(entry),
    )


def _involvement(
    item: Involvement, recorded: dict[tuple[str, str], date], *, locating: bool
) -> InvolvementEntry:
    """The service, its dates and flags; who and where (organisation, practitioner, contacts) only
    where the disclosure may locate the child."""
    when = recorded.get((item.service.value, item.organisation.code))
    practitioner = item.practitioner
    return InvolvementEntry(
        service=item.service.value,
        organisation_code=item.organisation.code if locating else None,
        organisation_name=item.organisation.name if locating else None,
        practitioner=f"{practitioner.given} {practitioner.family}" if practitioner and locating else None,
        phone=item.contact.phone if locating else None,
        email=item.contact.email if locating else None,
        start=item.start,
        end=item.end,
        lead_professional=item.lead_professional,
        caf_exists=item.caf_exists,
        sensitive_basis=item.sensitive_basis.value if item.sensitive_basis else None,
        recorded_by="the service itself" if when else "source feeds",
        recorded_on=when,
    )


def _recorded_by_services(entries: list[_Entry]) -> dict[tuple[str, str], date]:
    """The last date each involvement (service, organisation) was changed by its own practitioners."""
    found: dict[tuple[str, str], date] = {}
    for entry in entries:
        service, organisation = entry.details.get("service"), entry.details.get("organisation")
        if entry.kind in _INVOLVEMENT_KINDS and isinstance(service, str) and isinstance(organisation, str):
            found[(service, organisation)] = entry.at.date()
    return found


def _known_then(day: date | None, shown: Disclosure, sealed_on: date | None) -> bool:
    """Whether something dated `day` may be shown: anything, unless the report stops at a shielding
    whose day is known, and then only what is dated by that day."""
    if shown.later_changes or sealed_on is None:
        return True
    return day is not None and day <= sealed_on


def _as_at_shielding(record: ChildRecord, sealed_on: date | None) -> ChildRecord:
    """A shielded child as a third party may know it: the identity sealed at shielding, and only the
    services that had started by then, none shown as ended since (an end says the child moved on).
    A record shielded before the day was sealed keeps its services: nothing tells which came later."""
    limited = as_limited(record)
    if sealed_on is None:
        return limited
    kept = tuple(
        replace(item, end=item.end if item.end is not None and item.end <= sealed_on else None)
        for item in limited.involvements
        if item.start <= sealed_on
    )
    return replace(limited, involvements=kept)


def build_report(
    record: ChildRecord,
    requester: Requester,
    produced_at: datetime,
    *,
    provenance: list[ProvenanceEntry],
    sources: list[SourceEntry],
    entries: list[_Entry],
    users: dict[int, StoredUser],
    complete: bool,
) -> SubjectAccessReport:
    """Assemble what the disclosure allows; nothing withheld is even copied into the report."""
    shown = disclosure_for(requester, record)
    sealed_on = shielded_identity(record).sealed_on if not shown.later_changes else None
    if not shown.later_changes:
        record = _as_at_shielding(record, sealed_on)
    names = [
        NameEntry(kind, n.given, n.family)
        for kind, group in (
            ("current", (record.names.current,)),
            ("former", record.names.former),
            ("known_as", record.names.known_as),
        )
        for n in group
    ]
    address = record.whereabouts.address
    whereabouts = (
        WhereaboutsEntry(
            record.whereabouts.state.value,
            [*address.lines, *([address.town] if address.town else [])] if address else [],
            address.postcode.value if address else None,
            record.whereabouts.intent_to_return.value if record.whereabouts.intent_to_return else None,
        )
        if shown.locating
        else None
    )
    carers = [
        CarerEntry(
            c.name.given,
            c.name.family,
            c.relationship.value,
            c.parental_responsibility,
            c.contact.phone if shown.carer_contacts else None,
            c.contact.email if shown.carer_contacts else None,
            [*c.address.lines, c.address.postcode.value] if c.address and shown.carer_contacts else [],
        )
        for c in record.carers
    ]
    recorded = _recorded_by_services(entries)
    involvements = [
        _involvement(item, recorded, locating=shown.locating)
        for item in record.involvements
        if shown.sensitive or not item.service.is_sensitive
    ]
    accesses = [
        access
        for entry in entries
        if (access := _access(entry, users.get(entry.actor_id) if entry.actor_id else None, shown))
    ]
    extension = record.retention_extension
    return SubjectAccessReport(
        cp_id=record.cp_id.value,
        requester=requester,
        produced_at=produced_at,
        status=record.status.value if shown.status else None,
        la_code=record.la_code if shown.locating else None,
        names=names,
        date_of_birth=record.date_of_birth,
        gender=record.gender.value,
        whereabouts=whereabouts,
        carers=carers,
        involvements=involvements,
        identifiers=[f"{i.scheme.value}: {i.value}" for i in record.identifiers] if shown.locating else [],
        date_of_death=record.date_of_death,
        retention_extension=(
            f"{extension.basis.value}, consented {extension.consented_on.isoformat()}"
            + (f", withdrawn {extension.withdrawn_on.isoformat()}" if extension.withdrawn_on else "")
            if extension
            else None
        ),
        archived_on=record.archival.archived_on if record.archival else None,
        provenance=[
            ProvenanceEntry(
                p.field,
                p.source if shown.locating else WITHHELD_SOURCE,
                p.row_key if shown.source_keys else None,
                p.as_of,
            )
            for p in provenance
            if (shown.locating or p.field != "address") and _known_then(p.as_of, shown, sealed_on)
        ],
        # Which services' feeds hold the child (the GP's, the school census) says where they are.
        sources=sources if shown.locating else [],
        accesses=accesses,
        accesses_complete=complete,
        withheld=shown.withheld,
        notice=None if requester is Requester.YOUNG_PERSON else RESTRICTED_NOTICE,
    )


def _entries(runtime: Runtime, rows: list[StoredEntry]) -> list[_Entry]:
    opened = []
    for row in sorted(rows, key=lambda r: r.seq):
        payload = runtime.audit_keys.open(row.seq, row.kind, row.key_version, row.payload)
        payload.pop("children", None)  # other children of a search are never part of this report
        payload.pop(OWNERS, None)
        opened.append(_Entry(row.at, row.kind, row.actor_id, payload))
    return opened


def _users(uow: UnitOfWork, entries: list[_Entry]) -> dict[int, StoredUser]:
    found: dict[int, StoredUser] = {}
    for actor in {e.actor_id for e in entries if e.actor_id is not None}:
        try:
            found[actor] = uow.users.get(actor)
        except NotFound:
            continue
    return found


def may_report_on(principal: Principal, record: ChildRecord) -> bool:
    """Own LA only, and never a sealed (adoption birth identity) record."""
    return (
        principal.la_code is not None
        and principal.la_code == record.la_code
        and record.status is not RecordStatus.SEALED
    )


def produce_subject_access_report(
    runtime: Runtime,
    principal: Principal,
    cp_id: ContactPointId,
    requester: Requester,
    *,
    output: ReportFormat = ReportFormat.JSON,
) -> SubjectAccessReport:
    """Write the audit entry, gather record, provenance and accesses, commit, and only then return."""
    policy.require(principal, Permission.PRODUCE_SUBJECT_ACCESS)
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        try:
            record: ChildRecord | None = uow.children.get(cp_id).record
        except NotFound:
            record = None
        details: dict[str, Detail] = {"requester": requester.value, "format": output.value}
        if record is None or not may_report_on(principal, record):
            log.append(
                AuditEvent(
                    AuditKind.SUBJECT_ACCESS, principal.user_id, (cp_id.value,), {**details, "found": False}
                )
            )
            uow.commit()
            raise NotFound("no such record")
        log.append(
            AuditEvent(
                AuditKind.SUBJECT_ACCESS, principal.user_id, (cp_id.value,), {**details, "found": True}
            )
        )
        keys = runtime.audit_keys
        rows = uow.audit.query(
            actor_ids=None,
            subjects=[keys.subject(cp_id.value, version) for version in keys.held_versions()],
            since=None,
            until=None,
            exclude_actor=None,
            limit=MAX_ACCESSES,
            # An adoption in progress is for the LA, the court and national auditors, not a report.
            exclude_kinds=RESTRICTED_KINDS,
        )
        entries = _entries(runtime, rows)
        users = _users(uow, entries)
        held = uow.provenance.of([cp_id.value]).get(cp_id.value, {})
        provenance = [
            ProvenanceEntry(p.field, p.source, p.row_key, p.as_of)
            for p in sorted(held.values(), key=lambda p: p.field)
        ]
        counts = Counter(row.source for row in uow.ledger.rows_of(cp_id.value))
        uow.commit()
    return build_report(
        record,
        requester,
        runtime.clock.now(),
        provenance=provenance,
        sources=[SourceEntry(source, n) for source, n in sorted(counts.items())],
        entries=entries,
        users=users,
        complete=len(rows) < MAX_ACCESSES,
    )
