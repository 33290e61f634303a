"""Tables of practitioner access: accounts, sessions, throttles, the audit log and misuse alerts.

They register on the same metadata as the child tables so one Alembic history covers them all.
No column holds a child's personal data in the clear: the audit payload is encrypted and children
appear in `audit_subjects` only as keyed hashes of their IDs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from contactpoint.store.models import Base


class UserRow(Base):
    """A person who signs in. Staff are identified by a username; the role and scope decide the rest."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # The holder's name as auditors and administrators read it ("Sam Teacher"); the username at creation
    # unless given.
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    la_code: Mapped[str | None] = mapped_column(String(9), index=True)
    org_code: Mapped[str | None] = mapped_column(String(12))
    org_name: Mapped[str | None] = mapped_column(String(120))
    service: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[bytes] = mapped_column(LargeBinary)  # AES-GCM under a keyring-derived key
    totp_enrolled: Mapped[bool] = mapped_column(Boolean)
    totp_last_step: Mapped[int] = mapped_column(BigInteger)
    suspended: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Keyed hashes of the holder's family name and home postcode (never the values), so a view of a
    # child who shares either raises a misuse alert (app/affinity.py); with the keyring version.
    surname_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    postcode_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    affinity_version: Mapped[int | None] = mapped_column(Integer)
    # An account of special reach stays suspended until an administrator other than its creator
    # approves it (app/accounts/accounts.py).
    awaiting_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(Integer)
    # A password an administrator set (new account or reset) is one-time: it must be changed at first
    # sign-in and stops working once it is older than the one-time limit (app/accounts/passwords.py).
    password_must_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_set_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A keyed tag over the security-relevant columns (crypto/account_tag.py) and its key version:
    # an account whose tag does not match was edited outside the application and is refused.
    integrity_tag: Mapped[bytes | None] = mapped_column(LargeBinary)
    integrity_version: Mapped[int | None] = mapped_column(Integer)
    # The first half of a one-time password, sealed, while a second administrator has still to issue
    # the other half (app/accounts/accounts.py); erased when they do.
    pending_password: Mapped[bytes | None] = mapped_column(LargeBinary)


class OrganisationRow(Base):
    """The closed register of organisations practitioners act for: its LA and the services it records.

    Kept by the national administrator; a user administrator makes accounts only for these.
    """

    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    la_code: Mapped[str] = mapped_column(String(9), index=True)
    services: Mapped[str] = mapped_column(String(400))  # service codes, comma-separated


class SessionRow(Base):
    """A server-side session, keyed by the SHA-256 of its token (the token itself is never stored)."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # "totp" or "enrol" (password accepted), "password" (both factors; a one-time password to change),
    # or "full"
    stage: Mapped[str] = mapped_column(String(16))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PageStateRow(Base):
    """A UI page's saved state (a search and its results, a record opened with a reason), so a page
    reached by POST can redirect to an opaque URL that Back and refresh can load again. Keyed by the
    SHA-256 of its random ID; sealed and bound to its session, which takes it along when it ends."""

    __tablename__ = "page_states"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    session_hash: Mapped[bytes] = mapped_column(
        LargeBinary(32), ForeignKey("user_sessions.token_hash", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ThrottleRow(Base):
    """Failed sign-ins counted per key: a hash of (account, address) or of the address alone."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditHeadRow(Base):
    """The chain's head: one row, locked by every append so entries form a single sequence."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # The last signed checkpoint, so an append knows without a query whether the next one is due
    # (only a trigger for signing: verification trusts signatures, never these columns).
    checkpoint_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    checkpoint_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntryRow(Base):
    """One audit event. The payload (IDs and codes only) is encrypted; the hash chains it to the last."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    key_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))

    # Misuse checks count one account's recent entries of one kind on every search.
    __table_args__ = (Index("ix_audit_entries_actor_kind_at", "actor_id", "kind", "at"),)


class AuditSubjectRow(Base):
    """Which children an entry concerns, as keyed hashes of their IDs, so auditors can query by child."""

    __tablename__ = "audit_subjects"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    subject: Mapped[bytes] = mapped_column(LargeBinary(16), primary_key=True, index=True)
    # The LA owning the child when the entry was written, so its auditors see other LAs' reads of it
    # (a filter on who may read the entry, not part of what the chain protects).
    la_code: Mapped[str | None] = mapped_column(String(9), index=True)


class AuditCheckpointRow(Base):
    """An Ed25519 signature over the chain head at `seq`; the signing key never enters the database."""

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    entry_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    key_version: Mapped[int] = mapped_column(Integer)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class AlertRow(Base):
    """A misuse signal about one user, ranked by score for auditors."""

    __tablename__ = "misuse_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    la_code: Mapped[str | None] = mapped_column(String(9))
    kind: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column(Integer)
    audit_seq: Mapped[int | None] = mapped_column(BigInteger)
    # The audit entry that records this alert in the chain (none for alerts raised before that).
    entry_seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # An auditor's handling: new, under review, or closed with an outcome; who moved it last, when.
    state: Mapped[str] = mapped_column(String(16), default="new", server_default="new")
    outcome: Mapped[str | None] = mapped_column(String(24))
    state_by: Mapped[int | None] = mapped_column(Integer)
    state_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SourceAccountRow(Base):
    """A data source's machine account: the `users` row it extends, its one feed, and its API key's hash.

    The key itself is never stored (SHA-256 of 256 random bits, like session tokens); revoking clears
    the hash, so nothing that was once a key opens anything again.
    """

    __tablename__ = "source_accounts"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # keyed tag over user, source, key hash and revocation (crypto/account_tag.KeyTable)
    integrity_tag: Mapped[bytes | None] = mapped_column(LargeBinary)
    integrity_version: Mapped[int | None] = mapped_column(Integer)


class NotificationRow(Base):
    """An in-service message to an organisation's service team or an LA's team (no email exists).

    Addressed to whoever holds the role, not to a person: an involvement names an organisation and a
    service, not an account. It holds a ContactPoint ID and a code, never a name.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    cp_id: Mapped[str] = mapped_column(String(12))
    org_code: Mapped[str | None] = mapped_column(String(12), index=True)
    service: Mapped[str | None] = mapped_column(String(32))
    la_code: Mapped[str | None] = mapped_column(String(9), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
