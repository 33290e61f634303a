"""Web settings that differ between a deployment and a test run."""

from __future__ import annotations

from dataclasses import dataclass

SESSION_COOKIE = "__Host-cp_session"
PRE_SESSION_COOKIE = "__Host-cp_presession"


@dataclass(frozen=True, slots=True)
class WebConfig:
    """`hsts` is on by default; the demo serves plain HTTP on 127.0.0.1, which browsers treat as secure."""

    hsts: bool = True
    # Requests running blocking work at once (anyio's default is 40). One process runs Python on one
    # core; beyond a few threads they only contend for the GIL (docs/adr/0011).
    worker_threads: int = 4
