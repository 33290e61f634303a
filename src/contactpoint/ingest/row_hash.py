"""The ledger's content hash: HMAC-SHA256 of a row under a key from the keyring.

A bare SHA-256 of a row would let whoever holds a database copy confirm a guess of a row's
content (a name and date of birth are a small space); keyed, it confirms nothing without the
keys, which never live in the database. Rows are looked up under every held key version, so a
feed sent again during or after a key rotation is still recognised.
"""

from __future__ import annotations

import hashlib
import hmac

from contactpoint.crypto.keyring import Keyring

PURPOSE = "feed-row-hash"


class RowHasher:
    """Keyed content hashes of feed rows, under the current and every other held key version."""

    def __init__(self, keyring: Keyring) -> None:
        self._current = keyring.key(PURPOSE)
        self._others = [keyring.key(PURPOSE, n) for n in sorted(keyring.versions) if n != keyring.current]

    def current(self, canonical: bytes) -> str:
        """The hash recorded for a row processed now."""
        return hmac.new(self._current, canonical, hashlib.sha256).hexdigest()

    def all(self, canonical: bytes) -> tuple[str, ...]:
        """The current hash first, then the row's hash under each older held version."""
        return (
            self.current(canonical),
            *(hmac.new(key, canonical, hashlib.sha256).hexdigest() for key in self._others),
        )
