"""The ledger's content hash is keyed: stable, sensitive to every value, useless without the keys."""

from __future__ import annotations

from datetime import UTC, datetime

from contactpoint.crypto.keyring import Keyring
from contactpoint.ingest.mapping import SourceMapping
from contactpoint.ingest.row_hash import RowHasher

NOW = datetime(2026, 11, 23, tzinfo=UTC)
ROW: dict[str, str | None] = {"recordId": "YJ1", "givenName": "Amy", "familyName": "Stone", "postcode": None}


def test_the_hash_is_stable_and_changes_with_any_value_or_blank() -> None:
    hasher = RowHasher(Keyring.create(NOW))
    canonical = SourceMapping.canonical

    assert hasher.current(canonical(ROW)) == hasher.current(canonical(dict(ROW)))
    assert hasher.current(canonical(ROW)) != hasher.current(canonical({**ROW, "givenName": "Amie"}))
    assert hasher.current(canonical(ROW)) != hasher.current(canonical({**ROW, "postcode": ""}))


def test_without_the_keyring_a_row_hash_cannot_be_confirmed() -> None:
    canonical = SourceMapping.canonical(ROW)

    assert RowHasher(Keyring.create(NOW)).current(canonical) != RowHasher(Keyring.create(NOW)).current(
        canonical
    )


def test_after_a_rotation_the_row_is_still_recognised_under_the_old_version() -> None:
    keyring = Keyring.create(NOW)
    before = RowHasher(keyring).current(SourceMapping.canonical(ROW))

    after = RowHasher(keyring.rotated(NOW)).all(SourceMapping.canonical(ROW))

    assert after[0] != before
    assert before in after[1:]
