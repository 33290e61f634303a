"""Session tokens: 256 random bits given to the browser, only a keyed hash of them kept on the server.

A session token names the channel that created it ("ui." for the browser's cookie, "api." for a
bearer token). The name is inside what the server hashes, so it cannot be changed without making a
token the server never issued, and each channel accepts only its own: a cookie token lifted from a
browser opens no API session (which needs no CSRF token), and an API token set as a cookie opens no
UI page.

A session's row is found by HMAC-SHA256 of its token under a keyring-derived key
(`TokenHasher`), not a plain hash: someone who can write the database but holds no key cannot
insert a row for a token of their choosing and so sign in as any account. The hash is taken under
the keyring's current version, so a process that loads a rotated keyring ends the sessions of the
old one (as an upgrade from plain hashes ends every session).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

from contactpoint.crypto.keyring import Keyring

TOKEN_BYTES = 32


class Channel(StrEnum):
    """Where a session was started, and so where its token is accepted."""

    UI = "ui"
    API = "api"


def new_session_token(channel: Channel) -> str:
    """A fresh session token for one channel."""
    return f"{channel.value}.{new_token()}"


def session_channel(token: str) -> Channel | None:
    """The channel a session token was issued for, or None for anything else."""
    prefix, dot, _rest = token.partition(".")
    if not dot:
        return None
    try:
        return Channel(prefix)
    except ValueError:
        return None


def new_token() -> str:
    """A fresh session or CSRF token (URL-safe base64 of 32 random bytes)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> bytes:
    """Plain SHA-256 of a machine key, as data-source and client-system key rows still keep it.

    Not for sessions or page states, whose rows anyone able to write the database could then make:
    those use `TokenHasher`."""
    return hashlib.sha256(token.encode()).digest()


class TokenHasher:
    """Keyed hashes of bearer tokens (sessions, saved page states), under the keyring's current
    version: a database writer without the keys cannot make a row that a token they chose finds."""

    _PURPOSE = "sessions/token-hmac"

    def __init__(self, keyring: Keyring) -> None:
        self._key = keyring.key(self._PURPOSE)

    def digest(self, token: str) -> bytes:
        """The 32-byte value kept in place of `token`."""
        return hmac.new(self._key, token.encode(), hashlib.sha256).digest()


def same_token(expected: str, given: str) -> bool:
    """Constant-time comparison of two tokens (CSRF)."""
    return hmac.compare_digest(expected.encode(), given.encode())
