"""Password hashing with argon2id at OWASP's recommended parameters (argon2-cffi)."""

from __future__ import annotations

import re
import secrets
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

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


@cache
def _common_passwords() -> frozenset[str]:
    """The passwords most often found in breaches, as zxcvbn ships them (data in the package)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_chosen_password(password: str, *, username: str, current: str | None = None) -> None:
    """NIST SP 800-63B for a password a person chooses: the length rules, then not one of the
    commonly breached passwords, not built on the account's own name, and not the one it replaces.
    No composition rules (they make passwords weaker, not stronger)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationError("new_password", f"must be {MIN_LENGTH} to {MAX_LENGTH} characters")
    folded = password.casefold()
    if folded in _common_passwords() or folded.strip("0123456789!?.") in _common_passwords():
        raise ValidationError("new_password", "is a commonly used password; choose another")
    name_parts = re.split(r"[._-]", username.casefold())
    if username.casefold() in folded or any(len(part) >= 4 and part in folded for part in name_parts):
        raise ValidationError("new_password", "must not contain your username")
    if current is not None and password == current:
        raise ValidationError("new_password", "must differ from your current password")


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


def generate_half() -> str:
    """One administrator's half of a one-time password (80 bits, 14 characters); the holder types
    the first half and then the second, so neither administrator alone knows the password."""
    return secrets.token_urlsafe(10)
