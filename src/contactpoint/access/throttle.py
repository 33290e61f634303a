"""How long a sign-in must wait after failures: slows guessing without locking anyone out.

Failures are counted per (account, address) and per address, never per account alone: a
stranger failing against Alice's account from their address slows only themselves, and Alice
signs in from hers. The wait grows exponentially after a few free attempts and is capped, so
nothing is ever permanently locked. Counts expire after an hour without failures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

FORGET_AFTER = timedelta(hours=1)
MAX_WAIT_SECONDS = 900


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    """Free attempts before waits begin, for one kind of key."""

    name: str
    free_attempts: int


PER_ACCOUNT_AND_ADDRESS = ThrottleRule("account-address", 5)
PER_ADDRESS = ThrottleRule("address", 30)


def throttle_key(rule: ThrottleRule, address: str, username: str | None = None) -> bytes:
    """The stored key: a hash, so the throttle table lists no usernames or addresses."""
    material = f"{rule.name}\x00{address}\x00{(username or '').casefold()}"
    return hashlib.sha256(material.encode()).digest()


def wait_seconds(rule: ThrottleRule, failures: int) -> int:
    """Seconds to wait after the last failure before another attempt is heard."""
    over = failures - rule.free_attempts
    if over < 0:
        return 0
    return int(min(2**over, MAX_WAIT_SECONDS))


def retry_after(rule: ThrottleRule, failures: int, last_failure: datetime, now: datetime) -> int:
    """Seconds still to wait now (0 when an attempt may proceed)."""
    if now - last_failure >= FORGET_AFTER:
        return 0
    remaining = last_failure + timedelta(seconds=wait_seconds(rule, failures)) - now
    return max(0, int(remaining.total_seconds() + 0.999))
