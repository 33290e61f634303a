"""A keyed tag over an account's security-relevant fields, so that an edit made in the database
(a role raised, an LA or organisation moved, a suspension lifted, a password hash replaced) is
noticed by the application instead of believed. Machine accounts' key rows (a data source's feed
and key hash, a client system's key hash and creator) carry a tag of their own, so a key hash
swapped in or a feed changed in the database opens nothing either.

The tag is HMAC-SHA256 under a key derived from the keyring, which never enters the database: a
database writer can change the fields or copy another account's tag, but cannot make a tag that
matches (the account id and username are inside it). Fields that change at every sign-in (the last
TOTP step) or that only time things (creation, last password change) are left out.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from enum import StrEnum
from typing import Any

from contactpoint.crypto.keyring import Keyring

_PURPOSE = "accounts/integrity-hmac"
_PREFIX = b"contactpoint-account/1"
_KEY_PURPOSE = "accounts/key-integrity-hmac"
_KEY_PREFIX = b"contactpoint-account-key/1/"

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


class KeyTable(StrEnum):
    """A table of machine accounts' keys, tagged beside the `users` row it extends."""

    SOURCE_ACCOUNTS = "source_accounts"
    CLIENT_SYSTEMS = "client_systems"

    @property
    def tagged(self) -> tuple[tuple[str, type], ...]:
        """The columns its tag covers (`revoked_at` as whether it is set)."""
        return _KEY_TAGGED[self]


_KEY_TAGGED: dict[KeyTable, tuple[tuple[str, type], ...]] = {
    KeyTable.SOURCE_ACCOUNTS: (("user_id", int), ("source", str), ("key_hash", bytes), ("revoked_at", bool)),
    KeyTable.CLIENT_SYSTEMS: (
        ("user_id", int),
        ("key_hash", bytes),
        ("created_by", int),
        ("revoked_at", bool),
    ),
}


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

    def _mac(
        self, purpose: str, prefix: bytes, fields: tuple[tuple[str, type], ...], row: Any, version: int | None
    ) -> bytes:
        mac = hmac.new(self._keyring.key(purpose, version), prefix, hashlib.sha256)
        for name, kind in fields:
            mac.update(_encode(getattr(row, name), kind))
        return mac.digest()

    def tag(self, account: Any, version: int | None = None) -> bytes:
        """The tag of `account` (anything with the `TAGGED` attributes) under `version`."""
        return self._mac(_PURPOSE, _PREFIX, TAGGED, account, version)

    def intact(self, account: Any, version: int | None, tag: bytes | None) -> bool:
        """True when `tag`, made under `version`, is the account's tag now."""
        if tag is None or version is None or version not in self._keyring.versions:
            return False
        return hmac.compare_digest(self.tag(account, version), tag)

    def key_tag(self, table: KeyTable, row: Any, version: int | None = None) -> bytes:
        """The tag of a key row of `table` (anything with its tagged attributes) under `version`."""
        return self._mac(
            f"{_KEY_PURPOSE}/{table.value}", _KEY_PREFIX + table.value.encode(), table.tagged, row, version
        )

    def key_intact(self, table: KeyTable, row: Any, version: int | None, tag: bytes | None) -> bool:
        """True when `tag`, made under `version`, is the key row's tag now."""
        if tag is None or version is None or version not in self._keyring.versions:
            return False
        return hmac.compare_digest(self.key_tag(table, row, version), tag)
