"""Envelope encryption of child records with AES-GCM.

Each record has its own random data key, so a record can be destroyed by destroying its key
(crypto-shredding) and re-encrypted without touching any other. The data key is wrapped by a key
derived from the keyring. Both ciphertexts bind their context as associated data: the table, the
record's ID, its status, its LA and its version for the payload; the ID and key version for the
wrapped key. A ciphertext moved to another row, or a row whose plaintext columns were edited
(e.g. status changed from shielded to active), fails to decrypt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contactpoint.crypto.keyring import Keyring
from contactpoint.domain.errors import IntegrityFailure

NONCE_BYTES = 12
_WRAP_PURPOSE = "record-key-wrap"


@dataclass(frozen=True, slots=True)
class RecordContext:
    """What a ciphertext is bound to; any change to these makes decryption fail."""

    table: str
    record_id: str
    status: str
    la_code: str
    version: int

    def associated_data(self) -> bytes:
        """Unambiguous encoding: no field may contain the separator."""
        parts = (self.table, self.record_id, self.status, self.la_code, str(self.version))
        if any("\x1f" in part for part in parts):
            raise ValueError("context fields may not contain the unit separator")
        return "\x1f".join(parts).encode()


@dataclass(frozen=True, slots=True)
class SealedRecord:
    """A payload ciphertext, its wrapped data key, and the key version that wrapped it."""

    payload: bytes
    wrapped_key: bytes
    key_version: int


def _wrap_context(record_id: str, key_version: int) -> bytes:
    return f"record_keys\x1f{record_id}\x1f{key_version}".encode()


class RecordCipher:
    """Seals and opens record payloads under the keyring's current version."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring
        self._kek: dict[int, AESGCM] = {}

    def _key_encryption_key(self, version: int) -> AESGCM:
        kek = self._kek.get(version)
        if kek is None:
            kek = self._kek[version] = AESGCM(self._keyring.key(_WRAP_PURPOSE, version))
        return kek

    @property
    def current_key_version(self) -> int:
        """The key version new seals are wrapped under."""
        return self._keyring.current

    def seal(self, plaintext: bytes, context: RecordContext) -> SealedRecord:
        """Encrypt under a fresh data key, wrapped with the current key version."""
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(NONCE_BYTES)
        payload = nonce + AESGCM(data_key).encrypt(nonce, plaintext, context.associated_data())
        version = self._keyring.current
        wrap_nonce = os.urandom(NONCE_BYTES)
        wrapped = wrap_nonce + self._key_encryption_key(version).encrypt(
            wrap_nonce, data_key, _wrap_context(context.record_id, version)
        )
        return SealedRecord(payload, wrapped, version)

    def open(self, sealed: SealedRecord, context: RecordContext) -> bytes:
        """Decrypt, or raise IntegrityFailure if anything bound to the ciphertext was changed."""
        kek = self._key_encryption_key(sealed.key_version)
        try:
            data_key = kek.decrypt(
                sealed.wrapped_key[:NONCE_BYTES],
                sealed.wrapped_key[NONCE_BYTES:],
                _wrap_context(context.record_id, sealed.key_version),
            )
            return AESGCM(data_key).decrypt(
                sealed.payload[:NONCE_BYTES], sealed.payload[NONCE_BYTES:], context.associated_data()
            )
        except InvalidTag as error:
            raise IntegrityFailure(f"{context.table} row failed authentication") from error
