"""A keyed tag over an account's security-relevant fields, so that an edit made in the database
(a role raised, an LA or organisation moved, a suspension lifted, a password hash replaced) is
noticed by the application instead of believed.

The tag is HMAC-SHA256 under a key derived from the keyring, which never enters the database: a
database writer can change the fields or copy another account's tag, but cannot make a tag that
matches (the account id and username are inside it). Fields that change at every sign-in (the last
TOTP step) or that only time things (creation, last password change) are left out.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from typing import Any

from contactpoint.crypto.keyring import Keyring

_PURPOSE = "accounts/integrity-hmac"
_PREFIX = b"contactpoint-account/1"

# (column, kind): each is read by attribute, from a table row or a stored account alike
TAGGED: tuple[tuple[str, type], ...] = (
    ("id", int),
    ("username", str),
    ("role", str),
    ("la_code", str),
    ("org_code", str),
    ("org_name", str),
    ("service", str),
    ("suspended", bool),
    ("awaiting_approval", bool),
    ("created_by", int),
    ("password_hash", str),
    ("totp_secret", bytes),
    ("totp_enrolled", bool),
    ("password_must_change", bool),
)
TAGGED_COLUMNS = tuple(name for name, _ in TAGGED)


def _encode(value: Any, kind: type) -> bytes:
    if value is None:
        return b"\xff\xff\xff\xff"  # no length prefix is this long: None differs from any value
    if kind is bool:
        raw = b"1" if value else b"0"
    elif kind is bytes:
        raw = bytes(value)
    else:
        raw = str(kind(value)).encode()
    return struct.pack(">I", len(raw)) + raw


class AccountTagger:
    """Makes and checks account tags under the keyring's versions."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    @property
    def current_version(self) -> int:
        """The key version new tags use."""
        return self._keyring.current

    def tag(self, account: Any, version: int | None = None) -> bytes:
        """The tag of `account` (anything with the `TAGGED` attributes) under `version`."""
        mac = hmac.new(self._keyring.key(_PURPOSE, version), _PREFIX, hashlib.sha256)
        for name, kind in TAGGED:
            mac.update(_encode(getattr(account, name), kind))
        return mac.digest()

    def intact(self, account: Any, version: int | None, tag: bytes | None) -> bool:
        """True when `tag`, made under `version`, is the account's tag now."""
        if tag is None or version is None or version not in self._keyring.versions:
            return False
        return hmac.compare_digest(self.tag(account, version), tag)
