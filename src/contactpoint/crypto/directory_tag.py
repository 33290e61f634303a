"""A keyed tag over an LA directory entry's team contact, so that an edit made in the database (a
phone number or email redirected to someone else) is refused instead of shown to practitioners as
the way to reach the LA's ContactPoint team.

HMAC-SHA256 under a keyring-derived key over the LA code and the three contact fields: a database
writer can change the fields or copy another LA's tag, but cannot make a tag that matches. The
authority's name is public reference data reloaded from the ONS lookup, so it is left out.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

from contactpoint.crypto.keyring import Keyring

_PURPOSE = "directory/contact-hmac"
_PREFIX = b"contactpoint-directory/1"


def _field(value: str | None) -> bytes:
    if value is None:
        return b"\xff\xff\xff\xff"  # no length prefix is this long: None differs from any value
    raw = value.encode()
    return struct.pack(">I", len(raw)) + raw


class DirectoryTagger:
    """Makes and checks directory contact tags under the keyring's versions."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    @property
    def current_version(self) -> int:
        """The key version new tags use."""
        return self._keyring.current

    def tag(
        self, code: str, contact: tuple[str | None, str | None, str | None], version: int | None = None
    ) -> bytes:
        """The tag of LA `code`'s (phone, email, address) under `version` (default: the current one)."""
        mac = hmac.new(self._keyring.key(_PURPOSE, version), _PREFIX, hashlib.sha256)
        for value in (code, *contact):
            mac.update(_field(value))
        return mac.digest()

    def intact(
        self,
        code: str,
        contact: tuple[str | None, str | None, str | None],
        version: int | None,
        tag: bytes | None,
    ) -> bool:
        """True when the contact is as the application wrote it; an entry with no contact at all
        needs no tag (there is nothing to redirect)."""
        if tag is None or version is None:
            return all(value is None for value in contact)
        if version not in self._keyring.versions:
            return False
        return hmac.compare_digest(self.tag(code, contact, version), tag)
