from dataclasses import replace
from datetime import UTC, datetime

import pytest

from contactpoint.crypto.keyring import Keyring
from contactpoint.crypto.record_cipher import RecordCipher, RecordContext, SealedRecord
from contactpoint.domain.errors import IntegrityFailure, KeyringError

NOW = datetime(2026, 11, 23, tzinfo=UTC)
PLAINTEXT = b'{"names":{"current":["Amelia","Hartley"]}}'
CONTEXT = RecordContext("children", "123456789012", "shielded", "330", 3)


@pytest.fixture
def cipher() -> RecordCipher:
    return RecordCipher(Keyring.create(NOW))


def test_round_trip(cipher):
    sealed = cipher.seal(PLAINTEXT, CONTEXT)
    assert cipher.open(sealed, CONTEXT) == PLAINTEXT
    assert b"Amelia" not in sealed.payload + sealed.wrapped_key


def test_sealing_twice_gives_different_ciphertexts(cipher):
    first, second = cipher.seal(PLAINTEXT, CONTEXT), cipher.seal(PLAINTEXT, CONTEXT)
    assert first.payload != second.payload
    assert first.wrapped_key != second.wrapped_key


@pytest.mark.parametrize("part", ["payload", "wrapped_key"])
def test_any_flipped_bit_is_detected(cipher, part):
    sealed = cipher.seal(PLAINTEXT, CONTEXT)
    damaged = bytearray(getattr(sealed, part))
    damaged[len(damaged) // 2] ^= 0x01
    with pytest.raises(IntegrityFailure):
        cipher.open(replace(sealed, **{part: bytes(damaged)}), CONTEXT)


@pytest.mark.parametrize(
    "changed",
    [
        {"record_id": "999999999999"},  # the ciphertext moved to another row
        {"status": "active"},  # a shielded child's status edited in the clear
        {"la_code": "201"},
        {"version": 2},  # an older version replayed
        {"table": "archive"},
    ],
)
def test_ciphertext_is_bound_to_its_row(cipher, changed):
    sealed = cipher.seal(PLAINTEXT, CONTEXT)
    with pytest.raises(IntegrityFailure):
        cipher.open(sealed, replace(CONTEXT, **changed))


def test_swapping_wrapped_keys_between_rows_fails(cipher):
    other = replace(CONTEXT, record_id="210987654321")
    first, second = cipher.seal(PLAINTEXT, CONTEXT), cipher.seal(PLAINTEXT, other)
    with pytest.raises(IntegrityFailure):
        cipher.open(SealedRecord(first.payload, second.wrapped_key, 1), CONTEXT)


def test_a_relabelled_key_version_fails():
    keyring = Keyring.create(NOW).rotated(NOW)
    cipher = RecordCipher(keyring)
    sealed = cipher.seal(PLAINTEXT, CONTEXT)
    assert sealed.key_version == 2
    with pytest.raises(IntegrityFailure):
        cipher.open(replace(sealed, key_version=1), CONTEXT)


def test_a_retired_key_version_cannot_open_old_data():
    keyring = Keyring.create(NOW)
    sealed = RecordCipher(keyring).seal(PLAINTEXT, CONTEXT)
    after = keyring.rotated(NOW).without(1)
    with pytest.raises(KeyringError, match="version 1"):
        RecordCipher(after).open(sealed, CONTEXT)


def test_another_keyring_cannot_open_data():
    sealed = RecordCipher(Keyring.create(NOW)).seal(PLAINTEXT, CONTEXT)
    with pytest.raises(IntegrityFailure):
        RecordCipher(Keyring.create(NOW)).open(sealed, CONTEXT)
