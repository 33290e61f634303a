"""Child processes stop with the process that started them, even when it is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.process_support import running, still_running_after

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal")

_CHILD = """
import sys
from contactpoint.child_processes import stop_with_parent
stop_with_parent(int(sys.argv[1]), graceful=sys.argv[2] == "graceful")
print("ready", flush=True)
sum(range(10**12))  # busy in one long call that never lets another thread of the process run
"""

_PARENT = """
import os, subprocess, sys, time
command = [sys.executable, "-c", sys.argv[1], str(os.getpid()), sys.argv[2]]
child = subprocess.Popen(command, stdout=subprocess.PIPE)
assert child.stdout is not None and child.stdout.readline() == b"ready\\n"
print(child.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("mode", ["kill", "graceful"])
def test_a_busy_child_stops_the_moment_its_killed_parent_dies(mode):
    with subprocess.Popen(  # noqa: S603  # our own interpreter with a fixed script
        [sys.executable, "-c", _PARENT, _CHILD, mode], stdout=subprocess.PIPE
    ) as parent:
        child = 0  # none yet
        try:
            assert parent.stdout is not None
            child = int(parent.stdout.readline())
            assert running(child)
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            assert not still_running_after({child}, seconds=1), "the child outlived its parent"
        finally:
            if parent.poll() is None:
                parent.kill()
            if running(child):
                os.kill(child, signal.SIGKILL)


def test_a_child_whose_parent_died_before_it_asked_stops_at_once():
    not_the_parent = 1  # as if the parent had died already and the child had been adopted
    child = subprocess.run(  # noqa: S603  # our own interpreter with a fixed script
        [sys.executable, "-c", _CHILD, str(not_the_parent), "kill"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL
    assert child.stdout == b""
