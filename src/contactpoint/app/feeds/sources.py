"""Data sources (DESIGN section 1): machine accounts bound to one feed, and their feed submissions.

A machine holds an API key instead of a password and a second factor: 256 random bits shown once at
creation, kept only as a SHA-256 hash (like session tokens), revoked by forgetting the hash. Its
account is a `users` row of the `data_source` role (so audit entries name it like anyone else) with
no usable password and no second-factor secret (nothing sealed under a key version), plus a
`source_accounts` row binding it to its feed.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from contactpoint.access import passwords
from contactpoint.access.errors import AuthenticationFailed, SubmissionsLimited
from contactpoint.access.policy import Principal, require_own_feed
from contactpoint.access.roles import Role
from contactpoint.access.tokens import new_token, token_hash
from contactpoint.app.accounts.accounts import Authenticated
from contactpoint.app.accounts.integrity import refuse_tampered
from contactpoint.app.feeds.batch import RunReport
from contactpoint.app.feeds.ingest import DEFAULT_BATCH, ingest_rows
from contactpoint.app.feeds.linker import Linker
from contactpoint.app.oversight import misuse
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.ingest.feed_row import Rejected
from contactpoint.ingest.mapping import load_mapping, shipped_sources
from contactpoint.ingest.readers import FeedFormat, parse_feed
from contactpoint.store.source_repository import StoredSourceAccount

# Tells a data source's key from a session token at a glance (and in a leaked log, to a scanner).
KEY_PREFIX = "cpds_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")  # the usernames' rule (app/accounts.py)


@dataclass(frozen=True, slots=True)
class NewSourceAccount:
    """A created machine account and its API key (shown once, never stored)."""

    user_id: int
    name: str
    source: str
    key: str


@dataclass(frozen=True, slots=True)
class SubmissionReceipt:
    """What a data source is told about its submission: which of its rows were taken and which not.

    Never what became of a row taken (linked, new, held for review, held privately): that depends on
    records the source did not send, so a report that said it would let a key holder try guesses
    about a shielded or sealed child one row at a time and read the answers. Every count here
    follows from the rows sent and the source's own earlier rows alone.
    """

    source: str
    reference: str  # random, so that it says nothing of how many runs other sources made
    read: int
    accepted: int
    skipped: int
    rejected: int
    dropped: dict[str, int]  # the source's own rows taken without a field that broke its rule, by field
    rejects: tuple[Rejected, ...]


def new_reference() -> str:
    """An opaque reference for one submission: random, unlike the run's number, which counts every
    source's runs and would tell a key holder how often others submit."""
    return secrets.token_urlsafe(12)


def receipt_of(report: RunReport, reference: str) -> SubmissionReceipt:
    """The source's view of a run (the full report stays with the audit log and the national team),
    under the submission's opaque `reference` (the audit entry ties it to the run)."""
    return SubmissionReceipt(
        source=report.source,
        reference=reference,
        read=report.read,
        accepted=report.read - report.skipped - report.rejected,
        skipped=report.skipped,
        rejected=report.rejected,
        dropped=dict(report.dropped),
        rejects=tuple(sorted(report.rejects, key=lambda r: r.line)),
    )


def is_source_key(token: str) -> bool:
    """Whether a bearer credential is shaped like a data source's key (not a session token)."""
    return token.startswith(KEY_PREFIX)


def add_source_account(runtime: Runtime, name: str, source: str) -> NewSourceAccount:
    """The national administrator's `sources add-account`: a machine account for one source's feed."""
    if not _NAME.match(name):
        raise ValidationError(
            "name", "must be 3 to 64 lower-case letters, digits, dots, dashes or underscores"
        )
    if source not in shipped_sources():
        raise ValidationError("source", "no mapping file for that source")
    key = KEY_PREFIX + new_token()
    with runtime.unit_of_work() as uow:
        if uow.users.exists(name):
            raise ValidationError("name", "is already taken")
        user_id = uow.users.add(
            username=name,
            role=Role.DATA_SOURCE.value,
            la_code=None,
            org_code=None,
            org_name=None,
            service=None,
            # A hash of a password nobody ever sees: sign-in by password fails like any wrong one.
            password_hash=passwords.hash_password(passwords.generate_password()),
            totp_secret=b"",  # no second factor: nothing is sealed for this account
            created_at=runtime.clock.now(),
        )
        uow.sources.add(user_id, source, token_hash(key))
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.ACCOUNT_CREATED,
                None,
                (),
                {"account": user_id, "role": Role.DATA_SOURCE.value, "la": None, "source": source},
            )
        )
        uow.commit()
    return NewSourceAccount(user_id, name, source, key)


def revoke_source_account(runtime: Runtime, name: str) -> StoredSourceAccount:
    """`sources revoke`: the key stops working at once and for good (a new account gets a new key)."""
    with runtime.unit_of_work() as uow:
        account = uow.sources.by_username(name)
        if account is None:
            raise NotFound("no data source account of that name")
        now = runtime.clock.now()
        uow.sources.revoke(account.user_id, now)
        uow.users.set_suspended(account.user_id, True)
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.SOURCE_REVOKED, None, (), {"account": account.user_id, "source": account.source}
            )
        )
        uow.commit()
        revoked = uow.sources.by_username(name)
    return revoked or account


def list_source_accounts(runtime: Runtime) -> list[StoredSourceAccount]:
    """`sources list`: every machine account, its source and whether its key still works."""
    with runtime.unit_of_work() as uow:
        return uow.sources.all()


def authenticate_source(runtime: Runtime, key: str, now: datetime | None = None) -> Authenticated:
    """The machine account behind an API key; a revoked, unknown or malformed key is not signed in."""
    if not is_source_key(key):
        raise AuthenticationFailed("not signed in")
    with runtime.unit_of_work() as uow:
        account = uow.sources.by_key(token_hash(key))
        user = uow.users.get(account.user_id) if account is not None else None
    if account is None or user is None or not account.active:
        raise AuthenticationFailed("not signed in")
    if not user.intact or not account.intact:
        refuse_tampered(runtime, user)
    principal = Principal(account.user_id, account.username, Role.DATA_SOURCE, None, source=account.source)
    # No session: nothing to idle out and no form to protect (an API key is never a cookie).
    return Authenticated(principal, "", now or runtime.clock.now())


def check_submission(runtime: Runtime, principal: Principal, source: str) -> None:
    """Refuse before the body is read: only a key bound to this source submits its feed, and only
    as often as the settings allow in a window (a feed is an extract sent a few times a day)."""
    require_own_feed(principal, source)
    settings = runtime.settings
    window = timedelta(seconds=settings.feed_submission_window_seconds)
    with runtime.unit_of_work() as uow:
        made = uow.audit.count_by_actor(
            principal.user_id, AuditKind.FEED_SUBMITTED.value, runtime.clock.now() - window
        )
    if made >= settings.feed_submissions_per_window:
        raise SubmissionsLimited(settings.feed_submission_window_seconds)


def submit_feed(
    runtime: Runtime,
    principal: Principal,
    source: str,
    feed_format: FeedFormat,
    chunks: Iterable[bytes],
    *,
    linker: Linker,
    batch_size: int = DEFAULT_BATCH,
) -> SubmissionReceipt:
    """Take a data source's feed, arriving as byte chunks, into the index through the feed pipeline.

    Batches commit as they go (the ledger makes a resubmission finish a broken one without
    duplicates). The audit entry is written whatever happens, with the counts so far and whether
    the run completed; it holds codes and counts, never a value. The source gets a receipt only.
    """
    check_submission(runtime, principal, source)
    mapping = load_mapping(source)
    report = RunReport(source)
    reference = new_reference()
    completed = False
    try:
        ingest_rows(
            runtime,
            parse_feed(feed_format, chunks, mapping.check_header),
            source,
            linker,
            batch_size=batch_size,
            mapping=mapping,
            report=report,
        )
        completed = True
    finally:
        _audit_submission(runtime, principal, report, feed_format, reference, completed=completed)
    return receipt_of(report, reference)


def _audit_submission(
    runtime: Runtime,
    principal: Principal,
    report: RunReport,
    feed_format: FeedFormat,
    reference: str,
    *,
    completed: bool,
) -> None:
    outcomes = report.outcomes
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        seq = log.append(
            AuditEvent(
                AuditKind.FEED_SUBMITTED,
                principal.user_id,
                (),
                {
                    "source": report.source,
                    "format": feed_format.value,
                    "run": report.run_id or None,
                    "reference": reference,
                    "completed": completed,
                    "read": report.read,
                    "skipped": report.skipped,
                    "rejected": report.rejected,
                    "linked": outcomes.get("linked", 0),
                    "new": outcomes.get("new", 0),
                    "review": outcomes.get("review", 0),
                    "private_holds": report.private_holds,
                    "partial": report.partial_rows,
                    "unmatched": len(report.unmatched),
                },
            )
        )
        if report.run_id:
            misuse.after_submission(
                uow,
                log,
                principal,
                runtime.settings,
                runtime.clock.now(),
                seq=seq,
                run_id=report.run_id,
                rows=report.read,
                partial_rows=report.partial_rows,
            )
        uow.commit()
