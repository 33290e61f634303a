"""Password hashing with argon2id at OWASP's recommended parameters (argon2-cffi)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from contactpoint.domain.errors import ValidationError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (minimum); we use 19 MiB with
# t=3, one of its equivalent-strength rows, with a 16-byte salt and 32-byte tag.
_HASHER = PasswordHasher(
    time_cost=3, memory_cost=19_456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)
MIN_LENGTH = 12
MAX_LENGTH = 128
# Verified against when the username is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def check_password_rules(password: str) -> None:
    """NCSC/NIST style: long enough, no composition rules, bounded so hashing cannot be abused."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationError("password", f"must be {MIN_LENGTH} to {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """An argon2id PHC string with its own salt."""
    check_password_rules(password)
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when the password matches; always spends one hash's time, even for unknown accounts."""
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A one-time initial password for a new account (about 120 bits)."""
    return secrets.token_urlsafe(15)
