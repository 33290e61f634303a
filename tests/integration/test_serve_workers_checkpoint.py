"""`contactpoint serve --workers N` signs an audit checkpoint when it stops, as one process does: the
entries its workers appended are covered at once, so truncating them afterwards shows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from contactpoint.app.runtime import Runtime
from tests.websupport import free_port

_CLI = "from contactpoint.console import app; app()"


def _wait_until_served(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "serve stopped early"
        try:
            if httpx.get(f"{base}/sign-in", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("serve did not start")


def test_serve_with_workers_signs_a_checkpoint_of_the_head_when_it_stops(runtime: Runtime) -> None:
    settings = runtime.settings
    port = free_port()
    # The child reads its settings from the environment, as an operator's shell would give them
    env = os.environ | {"CONTACTPOINT_DATABASE_URL": settings.database_url or ""}  # noqa: TID251
    command = [sys.executable, "-c", _CLI, "--data-dir", str(settings.home), "serve", "--port", str(port)]
    with subprocess.Popen(  # noqa: S603  # our own interpreter and command
        [*command, "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ) as server:
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_served(base, server)
            body = {"username": "nobody-here", "password": "x" * 12, "code": "123456"}
            for _ in range(2):  # the first may be signed at once (the last checkpoint is old), not the second
                assert httpx.post(f"{base}/api/v1/sessions", json=body, timeout=30).status_code == 401
            with runtime.unit_of_work() as uow:
                head, _ = uow.audit.head()
                assert uow.audit.latest_checkpoint_seq() < head  # a failed sign-in, not yet signed
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=60) == 0
        finally:
            if server.poll() is None:
                server.kill()
    with runtime.unit_of_work() as uow:
        head, _ = uow.audit.head()
        assert uow.audit.latest_checkpoint_seq() == head
