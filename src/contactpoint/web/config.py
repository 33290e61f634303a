"""Web settings that differ between a deployment and a test run."""

from __future__ import annotations

from dataclasses import dataclass

SESSION_COOKIE = "__Host-cp_session"
# A signed-in browser's known-device token (app/accounts/devices.py); lasts as the token does.
DEVICE_COOKIE = "__Host-cp_device"
DEVICE_COOKIE_MAX_AGE = 90 * 24 * 3600
PRE_SESSION_COOKIE = "__Host-cp_presession"


@dataclass(frozen=True, slots=True)
class WebConfig:
    """`hsts` is on by default; the demo serves plain HTTP on 127.0.0.1, which browsers treat as secure."""

    hsts: bool = True
    # Requests running blocking work at once (anyio's default is 40). One process runs Python on one
    # core; beyond a few threads they only contend for the GIL (docs/adr/0011).
    worker_threads: int = 4
