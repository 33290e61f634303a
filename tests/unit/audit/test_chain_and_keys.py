from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contactpoint.audit.chain import canonical_time, entry_hash, legacy_entry_hash
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
    key = b"k" * 32
    assert entry_hash(key, **BASE) != entry_hash(key, **{**BASE, field: other})


def test_the_entry_tag_needs_the_key_so_a_database_writer_cannot_recompute_it():
    assert entry_hash(b"k" * 32, **BASE) != entry_hash(b"K" * 32, **BASE)
    assert entry_hash(b"k" * 32, **BASE) != legacy_entry_hash(**BASE)


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
    signature = keys.sign(10, b"h" * 32, NOW)
    assert keys.signed_time(10, b"h" * 32, NOW, 1, signature) == (True, True)
    assert not keys.signed_time(11, b"h" * 32, NOW, 1, signature)[0]
    assert not keys.signed_time(10, b"i" * 32, NOW, 1, signature)[0]
    assert not keys.signed_time(10, b"h" * 32, NOW + timedelta(minutes=1), 1, signature)[0]
    other = AuditKeys(Keyring.create(NOW))
    assert not other.signed_time(10, b"h" * 32, NOW, 1, signature)[0]


def test_subject_hashes_are_keyed():
    first, second = AuditKeys(Keyring.create(NOW)), AuditKeys(Keyring.create(NOW))
    assert first.subject("123456789012") != second.subject("123456789012")
    assert len(first.subject("123456789012")) == 16
