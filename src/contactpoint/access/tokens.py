"""Session tokens: 256 random bits given to the browser, only their SHA-256 kept on the server."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh session or CSRF token (URL-safe base64 of 32 random bytes)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> bytes:
    """What the database keeps: a stolen sessions table lets nobody in."""
    return hashlib.sha256(token.encode()).digest()


def same_token(expected: str, given: str) -> bool:
    """Constant-time comparison of two tokens (CSRF)."""
    return hmac.compare_digest(expected.encode(), given.encode())
