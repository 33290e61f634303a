"""The web layer's commands: the first national administrator, the demo's accounts, audit verify."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyotp
import pytest
from typer.testing import CliRunner

from contactpoint.app.accounts.accounts import begin_sign_in, complete_sign_in
from contactpoint.bootstrap import build_runtime
from contactpoint.cli.audit import EXIT_WITNESS_IN_REACH
from contactpoint.console import app
from contactpoint.settings import Settings
from tests.process_support import running, still_running_after
from tests.websupport import free_port

CLI = [sys.executable, "-c", "from contactpoint.console import app; app()"]


def invoke(home, *args):
    return CliRunner().invoke(app, ["--data-dir", str(home), *args])


def test_create_admin_makes_a_national_administrator_who_enrols_at_first_sign_in(tmp_path):
    home = tmp_path / "store"
    assert invoke(home, "init").exit_code == 0
    result = invoke(home, "users", "create-admin", "ops-admin", "--name", "Olu Operator")
    assert result.exit_code == 0, result.output
    match = re.search(r"One-time password: (\S+)", result.output)
    assert match is not None
    password = match.group(1)
    runtime = build_runtime(Settings(home=home))
    try:
        grant = begin_sign_in(runtime, "ops-admin", password, "127.0.0.1")
        assert grant.stage == "enrol"
        with runtime.unit_of_work() as uow:
            held = uow.users.by_username("ops-admin")
        assert held is not None
        assert held.display_name == "Olu Operator"
    finally:
        runtime.close()
    again = invoke(home, "users", "create-admin", "ops-admin")
    assert again.exit_code == 2  # the username is taken


def test_the_demo_prints_working_credentials_for_every_role_and_serves_nothing_when_told(tmp_path):
    home = tmp_path / "demo"
    result = invoke(home, "demo", "--children", "200", "--seed", "3", "--no-serve")
    assert result.exit_code == 0, result.output
    found = re.findall(r"(demo-[a-z0-9-]+)\s+password (\S+)\s+TOTP secret (\S+)", result.output)
    assert len(found) == 8  # every role, and a second LA data administrator for four-eyes decisions
    runtime = build_runtime(Settings(home=home))
    try:
        for username, password, secret in found:
            grant = begin_sign_in(runtime, username, password, "127.0.0.1")
            code = pyotp.TOTP(secret).at(datetime.now(UTC))
            assert complete_sign_in(runtime, grant.token, code, "127.0.0.1").stage == "full"
    finally:
        runtime.close()
    verify = invoke(home, "audit", "verify")
    # intact, with the warning that the witness file sits in the data folder (ADR 0029)
    assert verify.exit_code == EXIT_WITNESS_IN_REACH, verify.output
    assert "Audit log intact" in verify.output


def _worker_pids(parent: int) -> set[int]:
    """The worker processes uvicorn's supervisor started (multiprocessing spawns them fresh)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if ppid == parent and b"spawn_main" in command:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker processes from /proc")
def test_serve_with_two_workers_answers_from_two_processes_on_one_port_and_ctrl_c_stops_them(tmp_path):
    home = tmp_path / "demo"
    made = invoke(home, "demo", "--children", "100", "--seed", "5", "--no-serve")
    assert made.exit_code == 0, made.output
    found = re.search(r"demo-practitioner\s+password (\S+)\s+TOTP secret (\S+)", made.output)
    assert found is not None
    port = free_port()
    server = subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
        [*CLI, "--data-dir", str(home), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, which Ctrl-C signals as a whole
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while len(_worker_pids(server.pid)) < 2 or not _answers(base):
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        workers = _worker_pids(server.pid)
        assert len(workers) == 2
        signed_in = httpx.post(
            f"{base}/api/v1/sessions",
            json={"username": "demo-practitioner", "password": found[1], "code": pyotp.TOTP(found[2]).now()},
        )
        assert signed_in.status_code == 201, signed_in.text
        bearer = {"Authorization": f"Bearer {signed_in.json()['token']}"}
        search = {"family_name": "Nobody", "date_of_birth": "2015-01-01", "reason": "assessment"}
        for _ in range(20):  # a fresh connection each time: either worker may take it, and audit it
            response = httpx.post(f"{base}/api/v1/searches", json=search, headers=bearer, timeout=10)
            assert response.status_code == 200, response.text
    finally:
        os.killpg(server.pid, signal.SIGINT)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    assert "from 2 processes" in output
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    verified = invoke(home, "audit", "verify")
    assert verified.exit_code == EXIT_WITNESS_IN_REACH, verified.output
    assert "Audit log intact" in verified.output


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal")
def test_a_killed_serve_takes_its_workers_with_it(tmp_path):
    home = tmp_path / "store"
    assert invoke(home, "init").exit_code == 0
    port = free_port()
    with subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
        [*CLI, "--data-dir", str(home), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as server:
        workers: set[int] = set()
        try:
            deadline = time.monotonic() + 60
            while len(workers := _worker_pids(server.pid)) < 2 or not _answers(f"http://127.0.0.1:{port}"):
                assert server.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the workers did not start"
                time.sleep(0.2)
            server.send_signal(signal.SIGKILL)  # the supervisor alone, as the OOM killer would
            server.wait()
            assert not still_running_after(workers, seconds=10), "the workers outlived the killed server"
        finally:
            for pid in workers:
                if running(pid):
                    os.kill(pid, signal.SIGKILL)
