"""A keyed tag over a safeguarding request's row (shielding, unshielding, adoption), so that a request
planted or edited in the database is refused at its decision instead of decided.

Four eyes rests on the request row: who asked, about which child, for what change. A database writer
who is also a data administrator could insert a pending request in a colleague's name and decide it
alone. The tag is HMAC-SHA256 under a key derived from the keyring, which never enters the database,
over the columns fixed when the request is made (its number included, so a tag copied from another
row does not fit). The decision's own columns (state, decider, time) are left out: a request
decided once is refused again through the audit chain, which holds its decision
(`app/safeguards/request_integrity.py`). Same mechanism as the account tags (ADR 0016), kept apart
from them (ADR 0028).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Mapping
from datetime import UTC, date, datetime

from contactpoint.crypto.keyring import Keyring

_PURPOSE = "safeguards/request-integrity-hmac"
_PREFIX = b"contactpoint-request/1"

# The tagged columns of each request table, in the order they are fed to the MAC.
TAGGED: dict[str, tuple[str, ...]] = {
    "shielding_requests": (
        "id",
        "cp_id",
        "la_code",
        "change",
        "reason",
        "requested_by",
        "review_on",
        "requester_id",
        "requested_at",
    ),
    "adoption_requests": ("id", "birth_cp_id", "la_code", "requester_id", "requested_at"),
}


def _encode(value: object) -> bytes:
    if value is None:
        return b"\xff\xff\xff\xff"  # no length prefix is this long: None differs from any value
    if isinstance(value, datetime):  # SQLite hands back naive UTC, PostgreSQL aware: one instant
        instant = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        raw = instant.isoformat(timespec="microseconds").encode()
    elif isinstance(value, date | int | str):
        raw = str(value).encode()
    else:
        raise TypeError(f"cannot tag a {type(value).__name__}")
    return struct.pack(">I", len(raw)) + raw


class RequestTagger:
    """Makes and checks request tags under the keyring's versions."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    @property
    def current_version(self) -> int:
        """The key version new tags use."""
        return self._keyring.current

    def tag(self, table: str, row: Mapping[str, object], version: int | None = None) -> bytes:
        """The tag of a request row of `table` (a mapping of its tagged columns) under `version`."""
        mac = hmac.new(self._keyring.key(_PURPOSE, version), _PREFIX, hashlib.sha256)
        mac.update(_encode(table))
        for column in TAGGED[table]:
            mac.update(_encode(row[column]))
        return mac.digest()

    def intact(self, table: str, row: Mapping[str, object], version: int | None, tag: bytes | None) -> bool:
        """True when `tag`, made under `version`, is the row's tag now."""
        if tag is None or version is None or version not in self._keyring.versions:
            return False
        return hmac.compare_digest(self.tag(table, row, version), tag)
