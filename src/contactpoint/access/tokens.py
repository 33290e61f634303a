"""Session tokens: 256 random bits given to the browser, only their SHA-256 kept on the server.

A session token names the channel that created it ("ui." for the browser's cookie, "api." for a
bearer token). The name is inside what the server hashes, so it cannot be changed without making a
token the server never issued, and each channel accepts only its own: a cookie token lifted from a
browser opens no API session (which needs no CSRF token), and an API token set as a cookie opens no
UI page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import StrEnum

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
    """What the database keeps: a stolen sessions table lets nobody in."""
    return hashlib.sha256(token.encode()).digest()


def same_token(expected: str, given: str) -> bool:
    """Constant-time comparison of two tokens (CSRF)."""
    return hmac.compare_digest(expected.encode(), given.encode())
