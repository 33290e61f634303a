"""How long a sign-in must wait after failures: slows guessing without locking anyone out.

Passwords are counted per (account, address), the guesser's own pair, with waits that grow to a
quarter of an hour; per account wherever the guesses come from, with short waits only (guessing
from many addresses is slowed, and a stranger can delay Alice by a minute at most, never lock
her out); and per address with a ceiling far above what an office behind one NAT address gets
wrong in an hour, so one guesser there does not shut out their colleagues. Second-factor codes
need the password first, so they are counted per account (and each password-stage session takes
only a handful, then ends). The wait grows exponentially after the free attempts and is capped,
so nothing is ever permanently locked. Counts expire after an hour without failures. The address
is the peer's unless it is a proxy named in settings (cli/serve.py). An attempt is counted before
it is verified and refunded if it succeeds (app/accounts/attempts.py), so concurrent guesses cannot
all pass one check.
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
    max_wait_seconds: int = MAX_WAIT_SECONDS


PER_ACCOUNT_AND_ADDRESS = ThrottleRule("account-address", 5)
PER_ACCOUNT = ThrottleRule("account", 10, max_wait_seconds=60)
PER_ADDRESS = ThrottleRule("address", 300)
CODES_PER_ACCOUNT = ThrottleRule("code-account", 5)
CODES_PER_STAGE = ThrottleRule("code-stage", 3)  # then the password-stage session ends
# Not a rule: marks, per counter, the wait whose first refusal has been audited.
REFUSALS_AUDITED = ThrottleRule("refusals-audited", 0)
# A client system's requests in a fixed one-minute window (the limit is a setting): a misused key
# reads slowly, not in bulk.
CLIENT_REQUESTS = ThrottleRule("client-requests", 0)
CLIENT_WINDOW = timedelta(minutes=1)
# A client system's requests in its current hour, all of them and reads alone (searches are the rest):
# its ceiling whoever it claims to act for, and what its misuse signals read.
CLIENT_HOURLY = ThrottleRule("client-hourly", 0)
CLIENT_HOURLY_READS = ThrottleRule("client-hourly-reads", 0)
CLIENT_HOUR = timedelta(hours=1)


def window_wait(
    limit: int, counted: int, window_start: datetime, now: datetime, window: timedelta = CLIENT_WINDOW
) -> int:
    """Seconds until a fixed window's count starts afresh, or 0 while the window has room."""
    if now - window_start >= window or counted < limit:
        return 0
    remaining = window_start + window - now
    return max(1, int(remaining.total_seconds() + 0.999))


def throttle_key(rule: ThrottleRule, address: str = "", username: str | None = None) -> bytes:
    """The stored key: a hash, so the throttle table lists no usernames or addresses."""
    material = f"{rule.name}\x00{address}\x00{(username or '').casefold()}"
    return hashlib.sha256(material.encode()).digest()


def wait_seconds(rule: ThrottleRule, failures: int) -> int:
    """Seconds to wait after the last failure before another attempt is heard."""
    over = failures - rule.free_attempts
    if over < 0:
        return 0
    return int(min(2 ** min(over, 30), rule.max_wait_seconds))


def retry_after(rule: ThrottleRule, failures: int, last_failure: datetime, now: datetime) -> int:
    """Seconds still to wait now (0 when an attempt may proceed)."""
    if now - last_failure >= FORGET_AFTER:
        return 0
    remaining = last_failure + timedelta(seconds=wait_seconds(rule, failures)) - now
    return max(0, int(remaining.total_seconds() + 0.999))
