"""Encrypts small secrets at rest under keyring-derived keys, bound to what they belong to: an
account's TOTP secret and the first half of a one-time password awaiting the second administrator
to the username, the UI's saved page states to their session and ID."""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contactpoint.crypto.keyring import Keyring
from contactpoint.domain.errors import IntegrityFailure

PURPOSE = "totp-secret"
PENDING_HALF = "pending-password-half"


class SecretBox:
    """AES-256-GCM with the key version in front, so secrets survive key rotation."""

    def __init__(self, keyring: Keyring, purpose: str = PURPOSE) -> None:
        self._keyring = keyring
        self._purpose = purpose

    def seal(self, secret: str, username: str) -> bytes:
        """Encrypt under the current key version, bound to `username` (or whatever the purpose binds to)."""
        version = self._keyring.current
        nonce = os.urandom(12)
        sealed = AESGCM(self._keyring.key(self._purpose, version)).encrypt(
            nonce, secret.encode(), username.encode()
        )
        return struct.pack(">I", version) + nonce + sealed

    def open(self, sealed: bytes, username: str) -> str:
        """Decrypt; a secret moved to another account fails."""
        (version,) = struct.unpack(">I", sealed[:4])
        try:
            plain = AESGCM(self._keyring.key(self._purpose, version)).decrypt(
                sealed[4:16], sealed[16:], username.encode()
            )
        except InvalidTag as error:
            raise IntegrityFailure(f"a stored {self._purpose} failed authentication") from error
        return plain.decode()
