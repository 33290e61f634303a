"""The audit log's keys, all derived from the keyring (so none of them is ever in the database).

- payload encryption: AES-256-GCM, bound to the entry's sequence number and kind;
- subject hashes: HMAC-SHA256 of a ContactPoint ID, truncated to 128 bits, so auditors can find a
  child's entries without the log listing children in the clear;
- chain tags: HMAC-SHA256 per entry (audit/chain.py), so only a holder of the keyring can
  recompute the chain;
- checkpoint signing: an Ed25519 key whose 32-byte seed is derived per key version. The public
  key can be published so that anyone can check checkpoints without holding any secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
from datetime import datetime

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contactpoint.audit.chain import canonical_time
from contactpoint.audit.events import Detail
from contactpoint.crypto.keyring import Keyring
from contactpoint.domain.errors import IntegrityFailure

_PAYLOAD = "audit/payload"
_SUBJECT = "audit/subject"
_SIGNING = "audit/checkpoint-ed25519"
_CHAIN = "audit/chain-hmac"
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

    def chain_key(self, version: int) -> bytes:
        """The HMAC key that tags entries written under key `version`."""
        return self._keyring.key(_CHAIN, version)

    @staticmethod
    def checkpoint_message(seq: int, entry_hash: bytes, at: datetime | None) -> bytes:
        """What a checkpoint signs: the head, and when (older checkpoints signed no time)."""
        if at is None:
            return b"contactpoint-audit-checkpoint/1" + struct.pack(">Q", seq) + entry_hash
        return (
            b"contactpoint-audit-checkpoint/2"
            + struct.pack(">Q", seq)
            + entry_hash
            + canonical_time(at).encode()
        )

    def sign(self, seq: int, entry_hash: bytes, at: datetime) -> bytes:
        """Sign the chain head at `seq`, and the time of signing, under the current key version."""
        return self._signing_key(self.current_version).sign(self.checkpoint_message(seq, entry_hash, at))

    def signed_time(
        self, seq: int, entry_hash: bytes, at: datetime, key_version: int, signature: bytes
    ) -> tuple[bool, bool]:
        """Whether a checkpoint's signature holds, and whether it covers its time (older ones do not)."""
        public = self.public_key(key_version)
        for message, timed in (
            (self.checkpoint_message(seq, entry_hash, at), True),
            (self.checkpoint_message(seq, entry_hash, None), False),
        ):
            try:
                public.verify(signature, message)
            except InvalidSignature:
                continue
            return True, timed
        return False, False
