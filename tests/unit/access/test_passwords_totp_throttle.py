from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from contactpoint.access import passwords, throttle, totp
from contactpoint.access.tokens import new_token, same_token, token_hash
from contactpoint.domain.errors import ValidationError

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_passwords_are_hashed_with_argon2id_at_owasp_strength():
    stored = passwords.hash_password("a long enough passphrase")
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=3,p=1" in stored
    assert passwords.verify_password(stored, "a long enough passphrase")
    assert not passwords.verify_password(stored, "a long enough passphrasf")


def test_an_unknown_account_fails_verification_like_a_wrong_password():
    assert not passwords.verify_password(None, "whatever it is")


def test_short_passwords_are_refused():
    with pytest.raises(ValidationError):
        passwords.hash_password("short")


def test_a_totp_code_is_accepted_once_only():
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    first = totp.check_code(secret, code, NOW, last_step=0)
    assert first.accepted
    assert not totp.check_code(secret, code, NOW, last_step=first.step).accepted


def test_a_totp_code_from_one_step_either_side_is_accepted_but_not_two():
    secret = totp.new_secret()
    assert totp.check_code(secret, pyotp.TOTP(secret).at(NOW - timedelta(seconds=30)), NOW, 0).accepted
    assert not totp.check_code(secret, pyotp.TOTP(secret).at(NOW - timedelta(seconds=90)), NOW, 0).accepted
    assert not totp.check_code(secret, "12345x", NOW, 0).accepted


def test_the_enrolment_qr_code_is_inline_svg():
    svg = totp.qr_svg(totp.provisioning_uri(totp.new_secret(), "someone"))
    assert svg.startswith("<svg")
    assert "<script" not in svg


def test_session_tokens_carry_256_bits_and_only_their_hash_is_kept():
    token = new_token()
    assert len(token) >= 43
    assert token_hash(token) != token.encode()
    assert len(token_hash(token)) == 32
    assert same_token(token, token)
    assert not same_token(token, new_token())


def test_throttling_allows_free_attempts_then_waits_exponentially_up_to_a_cap():
    rule = throttle.PER_ACCOUNT_AND_ADDRESS
    assert throttle.wait_seconds(rule, rule.free_attempts - 1) == 0
    assert throttle.wait_seconds(rule, rule.free_attempts) == 1
    assert throttle.wait_seconds(rule, rule.free_attempts + 3) == 8
    assert throttle.wait_seconds(rule, 1000) == throttle.MAX_WAIT_SECONDS


def test_throttling_never_locks_for_good_and_forgets_after_an_hour():
    rule = throttle.PER_ACCOUNT_AND_ADDRESS
    assert throttle.retry_after(rule, 1000, NOW, NOW) == throttle.MAX_WAIT_SECONDS
    assert throttle.retry_after(rule, 1000, NOW, NOW + timedelta(seconds=throttle.MAX_WAIT_SECONDS)) == 0
    assert throttle.retry_after(rule, 10, NOW, NOW + throttle.FORGET_AFTER) == 0


def test_throttle_keys_are_per_account_and_address_and_reveal_neither():
    rule = throttle.PER_ACCOUNT_AND_ADDRESS
    key = throttle.throttle_key(rule, "192.0.2.1", "alice")
    assert key != throttle.throttle_key(rule, "192.0.2.2", "alice")
    assert key != throttle.throttle_key(rule, "192.0.2.1", "bob")
    assert b"alice" not in key
