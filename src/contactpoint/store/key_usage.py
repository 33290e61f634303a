"""What still depends on a key version, across every table that holds something sealed under one.

Retiring a version destroys its secret; anything still sealed or signed under it would be lost:
records, review items, merge snapshots, pending adoptions and the term-frequency tables built from
the index (personal data), TOTP secrets (accounts locked out), first halves of one-time passwords
awaiting release, audit entries and checkpoints (the log could no longer be verified), and account
tags (every account refused), and pending shielding and adoption requests' tags (each refused at
its decision; decided requests' tags are not needed again).
"""

from __future__ import annotations

import struct

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from contactpoint.store.access_models import AuditCheckpointRow, AuditEntryRow, UserRow
from contactpoint.store.feed_models import Merge, ReviewItem
from contactpoint.store.linkage_models import TermFrequencyTableRow
from contactpoint.store.models import RecordKey
from contactpoint.store.safeguard_models import AdoptionRequestRow, ShieldingRequestRow

_VERSIONED: dict[str, InstrumentedAttribute[int] | InstrumentedAttribute[int | None]] = {
    "records": RecordKey.key_version,
    "review items": ReviewItem.key_version,
    "merge snapshots": Merge.key_version,
    "pending adoptions": AdoptionRequestRow.key_version,
    "term-frequency tables": TermFrequencyTableRow.key_version,
    "audit entries": AuditEntryRow.key_version,
    "audit checkpoints": AuditCheckpointRow.key_version,
    "account tags": UserRow.integrity_version,
}


def _sealed_under(sealed: bytes | None, version: int) -> bool:
    return sealed is not None and len(sealed) >= 4 and struct.unpack(">I", sealed[:4])[0] == version


def key_version_usage(session: Session, version: int) -> dict[str, int]:
    """How many of each kind of thing still need `version`; kinds with none are left out."""
    usage = {
        kind: count
        for kind, column in _VERSIONED.items()
        if (count := session.scalar(select(func.count()).where(column == version)) or 0)
    }
    # A TOTP secret carries its key version in its first four bytes (access/secret_box.py).
    secrets = session.scalars(select(UserRow.totp_secret))
    totp = sum(1 for sealed in secrets if _sealed_under(sealed, version))
    if totp:
        usage["second-factor secrets"] = totp
    halves = session.scalars(select(UserRow.pending_password).where(UserRow.pending_password.is_not(None)))
    pending = sum(1 for sealed in halves if _sealed_under(sealed, version))
    if pending:
        usage["one-time password halves awaiting release"] = pending
    waiting = sum(
        session.scalar(
            select(func.count()).where(table.integrity_version == version, table.state == "pending")
        )
        or 0
        for table in (ShieldingRequestRow, AdoptionRequestRow)
    )
    if waiting:
        usage["pending safeguard requests' tags"] = waiting
    return usage
