"""What the audit log records: kinds of event and their payloads (IDs and codes, never names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

Detail = str | int | bool | list[str] | None
OWNERS = "owners"  # payload key: the owning LA of each child named ("" unknown), in the children's order


class AuditKind(StrEnum):
    """Event kinds, shaped "resource:action" like permissions."""

    SEARCH = "children:search"
    VIEW = "children:view"
    VIEW_REFUSED = "children:view-refused"
    SYSTEM_READ = "children:system-read"
    OVERRIDE = "children:override"
    INVOLVEMENT_ADDED = "involvements:add"
    INVOLVEMENT_UPDATED = "involvements:update"
    INVOLVEMENT_ENDED = "involvements:end"
    LEAD_PROFESSIONAL_CHANGED = "involvements:lead"  # who holds the role now, and who held it
    SIGNED_IN = "sessions:sign-in"
    SIGN_IN_FAILED = "sessions:sign-in-failed"
    SIGN_IN_THROTTLED = "sessions:sign-in-throttled"  # refused unverified: the counter, once per wait
    SIGNED_OUT = "sessions:sign-out"
    ENROLLED = "accounts:enrol"
    ACCOUNT_CREATED = "accounts:create"
    ACCOUNT_SUSPENDED = "accounts:suspend"
    ACCOUNT_REINSTATED = "accounts:reinstate"
    ACCOUNT_RESET = "accounts:reset"
    ACCOUNT_APPROVED = "accounts:approve"
    PASSWORD_CHANGED = "accounts:password-change"  # noqa: S105  # by the holder; how many other sessions it ended
    ORGANISATION_REGISTERED = "organisations:register"
    GEOGRAPHY_IMPORTED = "geography:import"
    AUTHORITY_CONTACT_SET = "authorities:contact"
    AUDIT_READ = "audit:read"
    AUDIT_EXPORTED = "audit:export"  # the entries an auditor downloaded as CSV
    SHIELDING_REQUESTED = "shielding:request"
    SHIELDING_APPROVED = "shielding:approve"
    SHIELDING_REJECTED = "shielding:reject"
    SHIELDING_READ = "shielding:read"  # a request opened to confirm a decision: it names the child
    CONTACT_REQUESTED = "contact:request"
    CONTACT_CLOSED = "contact:close"
    SUBJECT_ACCESS = "children:subject-access"
    ADOPTION_REQUESTED = "adoptions:request"
    ADOPTION_READ = "adoptions:read"
    ADOPTION_APPROVED = "adoptions:approve"
    ADOPTION_REJECTED = "adoptions:reject"
    CONSENT_READ = "consent:read"
    CONSENT_RECORDED = "consent:record"
    CONSENT_WITHDRAWN = "consent:withdraw"
    REVIEW_OPENED = "review:open"
    REVIEW_DECIDED = "review:decide"
    FEED_SUBMITTED = "feeds:submit"  # a data source's upload: source, run and counts
    LINKS_EXPORTED = "feeds:export-links"  # the operator exported a source's row keys and IDs
    RECORDS_MERGED = "children:merge"  # the operator merged two records: the merge number
    RECORDS_UNMERGED = "children:unmerge"  # the operator undid a merge: the merge number
    FEED_LOADED = "feeds:load"  # an initial load started, restarted or finished: source, run and counts
    SOURCE_REVOKED = "sources:revoke"  # a data source's API key revoked
    CLIENT_REQUEST = "clients:request"  # a client system's request for a named practitioner, or its refusal
    CLIENT_REVOKED = "clients:revoke"  # a client system's API key revoked
    ALERT_RAISED = "alerts:raise"  # a misuse alert about the actor: signal, score, the entry that raised it
    NOTIFICATIONS_READ = "notifications:read"  # a team's notifications shown: the children they name
    ALERTS_READ = "alerts:read"  # an auditor or user administrator listed misuse alerts
    ALERT_STATE_CHANGED = "alerts:state"  # an auditor moved an alert on: its new state and outcome


# Entries that tell that a child was adopted: national auditors only (DESIGN invariant 4 and section 1;
# an LA auditor querying a sealed birth record's ID learns nothing of its adoption).
RESTRICTED_KINDS = frozenset(
    {
        AuditKind.ADOPTION_REQUESTED,
        AuditKind.ADOPTION_READ,
        AuditKind.ADOPTION_APPROVED,
        AuditKind.ADOPTION_REJECTED,
    }
)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One thing that happened: who, to which children (by ContactPoint ID), and coded details.

    `owners` names the local authority of each child it knows (ID to LA code), so that the owning
    LA's auditors find what practitioners of other LAs did to their children.
    """

    kind: AuditKind
    actor_id: int | None
    children: tuple[str, ...] = ()
    details: dict[str, Detail] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
