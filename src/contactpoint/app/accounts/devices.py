"""Known devices: a browser or API client that has signed in to an account before is not held back
by strangers' failures against that account.

The per-account password counter slows guessing spread over many addresses, but a stranger who
keeps it full would keep the owner out too. After a successful sign-in the holder's client is given
a device token (OWASP's device cookie): the issue time sealed under a keyring-derived key and bound
to the username, so it cannot be forged, read or moved to another account. An attempt that brings
a valid one skips the per-account counter; the per-(account, address) and per-address counters
still apply, so a stolen token buys no more guesses than its thief's own address allows.
"""

from __future__ import annotations

import base64
import binascii
import struct
from datetime import datetime, timedelta

from contactpoint.app.runtime import Runtime
from contactpoint.domain.errors import IntegrityFailure, KeyringError

# Long enough to outlast holidays; a device unseen for longer is a stranger again.
KNOWN_FOR = timedelta(days=90)
MAX_TOKEN_LENGTH = 200


def issue_device_token(runtime: Runtime, username: str) -> str:
    """A token for the client that has just signed in as `username`."""
    sealed = runtime.device_box.seal(runtime.clock.now().isoformat(), username.casefold())
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def is_known_device(runtime: Runtime, token: str | None, username: str) -> bool:
    """Whether `token` was issued to this account's holder within `KNOWN_FOR`; anything else,
    malformed, forged, another account's or sealed under a retired key, is an unknown device."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    try:
        sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        issued = datetime.fromisoformat(runtime.device_box.open(sealed, username.casefold()))
    except (binascii.Error, ValueError, struct.error, IntegrityFailure, KeyringError):
        return False
    now = runtime.clock.now()
    return issued <= now and now - issued < KNOWN_FOR
