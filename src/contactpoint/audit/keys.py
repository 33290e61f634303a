"""The audit log's keys, all derived from the keyring (so none of them is ever in the database).

- payload encryption: AES-256-GCM, bound to the entry's sequence number and kind;
- subject hashes: HMAC-SHA256 of a ContactPoint ID, truncated to 128 bits, so auditors can find a
  child's entries without the log listing children in the clear;
- checkpoint signing: an Ed25519 key whose 32-byte seed is derived per key version. The public
  key can be published so that anyone can check checkpoints without holding any secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contactpoint.audit.events import Detail
from contactpoint.crypto.keyring import Keyring
from contactpoint.domain.errors import IntegrityFailure

_PAYLOAD = "audit/payload"
_SUBJECT = "audit/subject"
_SIGNING = "audit/checkpoint-ed25519"
SUBJECT_BYTES = 16


class AuditKeys:
    """Encrypts payloads, hashes subjects, signs and checks checkpoints."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    @property
    def current_version(self) -> int:
        """The key version new entries use."""
        return self._keyring.current

    def held_versions(self) -> list[int]:
        """Every key version still held (subject hashes are looked up under each)."""
        return sorted(self._keyring.versions)

    @staticmethod
    def _aad(seq: int, kind: str) -> bytes:
        return struct.pack(">Q", seq) + kind.encode()

    def seal(self, seq: int, kind: str, payload: dict[str, Detail]) -> bytes:
        """Encrypt a payload for entry `seq`."""
        nonce = os.urandom(12)
        plain = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        key = self._keyring.key(_PAYLOAD, self.current_version)
        return nonce + AESGCM(key).encrypt(nonce, plain, self._aad(seq, kind))

    def open(self, seq: int, kind: str, key_version: int, sealed: bytes) -> dict[str, Detail]:
        """Decrypt a payload; a payload moved to another entry fails."""
        try:
            plain = AESGCM(self._keyring.key(_PAYLOAD, key_version)).decrypt(
                sealed[:12], sealed[12:], self._aad(seq, kind)
            )
        except InvalidTag as error:
            raise IntegrityFailure(f"audit entry {seq} failed authentication") from error
        loaded: dict[str, Detail] = json.loads(plain)
        return loaded

    def subject(self, cp_id: str, version: int | None = None) -> bytes:
        """The keyed hash under which an entry about this child is found."""
        key = self._keyring.key(_SUBJECT, self.current_version if version is None else version)
        return hmac.new(key, cp_id.encode(), hashlib.sha256).digest()[:SUBJECT_BYTES]

    def _signing_key(self, version: int) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self._keyring.key(_SIGNING, version))

    def public_key(self, version: int | None = None) -> Ed25519PublicKey:
        """The verification key (publishable)."""
        return self._signing_key(self.current_version if version is None else version).public_key()

    @staticmethod
    def checkpoint_message(seq: int, entry_hash: bytes) -> bytes:
        """What a checkpoint signs."""
        return b"contactpoint-audit-checkpoint/1" + struct.pack(">Q", seq) + entry_hash

    def sign(self, seq: int, entry_hash: bytes) -> bytes:
        """Sign the chain head at `seq` under the current key version."""
        return self._signing_key(self.current_version).sign(self.checkpoint_message(seq, entry_hash))

    def signature_valid(self, seq: int, entry_hash: bytes, key_version: int, signature: bytes) -> bool:
        """Check a checkpoint's signature."""
        try:
            self.public_key(key_version).verify(signature, self.checkpoint_message(seq, entry_hash))
        except InvalidSignature:
            return False
        return True
