import json
from datetime import UTC, datetime

import pytest

from contactpoint.crypto.keyring import FileKeyStore, Keyring
from contactpoint.domain.errors import KeyringError

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_purposes_and_versions_give_different_keys():
    keyring = Keyring.create(NOW).rotated(NOW)
    keys = {keyring.key(p, v) for p in ("record-key-wrap", "blind-index/family_dob", "audit") for v in (1, 2)}
    assert len(keys) == 6
    assert all(len(k) == 32 for k in keys)


def test_the_same_keyring_derives_the_same_keys_after_a_round_trip():
    keyring = Keyring.create(NOW).rotated(NOW)
    again = Keyring.from_json(keyring.to_json())
    assert again.current == 2
    assert again.key("record-key-wrap", 1) == keyring.key("record-key-wrap", 1)


def test_a_retired_version_is_gone_and_the_current_one_cannot_be_retired():
    keyring = Keyring.create(NOW).rotated(NOW)
    retired = keyring.without(1)
    with pytest.raises(KeyringError, match="not held"):
        retired.key("record-key-wrap", 1)
    with pytest.raises(KeyringError, match="current"):
        retired.without(2)


def test_key_file_is_private_and_rewritten_atomically(tmp_path):
    store = FileKeyStore(tmp_path / "keys" / "keyring.json")
    store.save(Keyring.create(NOW))
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    store.save(store.load().rotated(NOW))
    assert store.load().current == 2
    assert [p.name for p in store.path.parent.iterdir()] == ["keyring.json"]


def test_a_key_file_readable_by_others_is_refused(tmp_path):
    store = FileKeyStore(tmp_path / "keyring.json")
    store.save(Keyring.create(NOW))
    store.path.chmod(0o644)
    with pytest.raises(KeyringError, match="chmod 600"):
        store.load()


def test_a_missing_key_file_says_how_to_make_one(tmp_path):
    with pytest.raises(KeyringError, match="contactpoint init"):
        FileKeyStore(tmp_path / "absent.json").load()


@pytest.mark.parametrize("text", ["", "{}", '{"format": "other"}', "not json"])
def test_malformed_keyrings_are_refused_without_echoing_them(text):
    with pytest.raises(KeyringError) as caught:
        Keyring.from_json(text)
    assert text not in str(caught.value) or not text


def test_short_secrets_are_refused():
    data = json.loads(Keyring.create(NOW).to_json())
    data["versions"][0]["secret"] = "c2hvcnQ="
    with pytest.raises(KeyringError, match="wrong length"):
        Keyring.from_json(json.dumps(data))
