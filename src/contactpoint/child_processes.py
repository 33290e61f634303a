"""Child processes that stop when the process that started them dies, however it died.

A feed worker or a server worker left running after its parent was killed (SIGKILL, the OOM killer, a
crash) keeps decrypted records in memory and may keep writing or serving. Closing pipes does not stop
them: a `multiprocessing` child holds both ends of its own pipes, so it never reads end-of-file.

On Linux the kernel sends the child a signal the moment its parent dies (`PR_SET_PDEATHSIG`), with no
polling, so nothing depends on the child being scheduled soon. The signal fires when the parent *thread*
that started the child ends, so start such children from a thread that lives as long as they should
(the main thread, as the feed pool and uvicorn's supervisor do). Elsewhere a daemon thread polls for the
parent instead; it is slower under load, hence only the fallback.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_POLL_SECONDS = 0.2


def stop_with_parent(parent: int, *, graceful: bool = False) -> None:
    """Make the calling process stop as soon as process `parent` (the one that started it) dies.

    `parent` is the pid the parent passed in, not `os.getppid()` read here: if the parent died before
    this ran, the process has already been adopted and `os.getppid()` names the adopter. With `graceful`
    the process gets SIGTERM (a server finishes its requests), otherwise SIGKILL (a feed worker's
    uncommitted batch rolls back, as the killed run's own would).
    """
    if sys.platform == "linux":
        stop = signal.SIGTERM if graceful else signal.SIGKILL
        libc = ctypes.CDLL(None, use_errno=True)  # prctl lives in the C library Python is linked with
        if libc.prctl(_PR_SET_PDEATHSIG, int(stop), 0, 0, 0) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(error)}")
        if os.getppid() != parent:  # the parent died before the signal was set: it will never come
            os.kill(os.getpid(), stop)
        return
    threading.Thread(target=_poll_parent, args=(parent, graceful), daemon=True).start()


def _poll_parent(parent: int, graceful: bool) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    if graceful:
        signal.raise_signal(signal.SIGTERM)
    else:
        os._exit(1)
