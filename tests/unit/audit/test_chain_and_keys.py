from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contactpoint.audit.chain import canonical_time, entry_hash
from contactpoint.audit.keys import AuditKeys
from contactpoint.crypto.keyring import Keyring
from contactpoint.domain.errors import IntegrityFailure

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BASE: dict[str, Any] = {
    "prev_hash": bytes(32),
    "seq": 1,
    "at": NOW,
    "kind": "children:search",
    "actor_id": 7,
    "key_version": 1,
    "payload": b"sealed",
    "subjects": [b"a" * 16],
}


@pytest.mark.parametrize(
    ("field", "other"),
    [
        ("prev_hash", b"\x01" * 32),
        ("seq", 2),
        ("at", NOW + timedelta(microseconds=1)),
        ("kind", "children:view"),
        ("actor_id", 8),
        ("key_version", 2),
        ("payload", b"sealeD"),
        ("subjects", [b"b" * 16]),
    ],
)
def test_every_field_is_covered_by_the_entry_hash(field, other):
    assert entry_hash(**BASE) != entry_hash(**{**BASE, field: other})


def test_time_hashes_the_same_whether_the_database_returns_it_naive_or_aware():
    assert canonical_time(NOW) == canonical_time(NOW.replace(tzinfo=None))


def test_payloads_are_encrypted_and_bound_to_their_entry():
    keys = AuditKeys(Keyring.create(NOW))
    sealed = keys.seal(5, "children:view", {"children": ["123"], "reason": "assessment"})
    assert b"assessment" not in sealed
    assert keys.open(5, "children:view", 1, sealed)["reason"] == "assessment"
    with pytest.raises(IntegrityFailure):
        keys.open(6, "children:view", 1, sealed)


def test_checkpoint_signatures_verify_and_fail_when_anything_changes():
    keys = AuditKeys(Keyring.create(NOW))
    signature = keys.sign(10, b"h" * 32)
    assert keys.signature_valid(10, b"h" * 32, 1, signature)
    assert not keys.signature_valid(11, b"h" * 32, 1, signature)
    assert not keys.signature_valid(10, b"i" * 32, 1, signature)
    other = AuditKeys(Keyring.create(NOW))
    assert not other.signature_valid(10, b"h" * 32, 1, signature)


def test_subject_hashes_are_keyed():
    first, second = AuditKeys(Keyring.create(NOW)), AuditKeys(Keyring.create(NOW))
    assert first.subject("123456789012") != second.subject("123456789012")
    assert len(first.subject("123456789012")) == 16
