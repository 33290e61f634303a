"""Helpers for tests about child processes (Linux /proc)."""

from __future__ import annotations

import time
from pathlib import Path


def running(pid: int) -> bool:
    """Whether `pid` is a live process. A zombie is not: it has exited and holds no memory, file or lock,
    and only waits for whoever adopted it (init, on its own schedule) to collect its exit status."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def still_running_after(pids: set[int], seconds: float) -> set[int]:
    """The processes of `pids` still running once `seconds` have passed (returns early when none is)."""
    deadline = time.monotonic() + seconds
    while (pids := {pid for pid in pids if running(pid)}) and time.monotonic() < deadline:
        time.sleep(0.01)
    return pids
