"""`contactpoint sources`: the operator's data-source accounts, their keys (shown once, kept hashed,
revocable), and a real `contactpoint serve` process taking a submission without writing a temp file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from contactpoint.access.errors import AuthenticationFailed
from contactpoint.access.roles import Role
from contactpoint.access.tokens import token_hash
from contactpoint.app.accounts.accounts import begin_sign_in
from contactpoint.app.feeds.sources import authenticate_source
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditKind
from contactpoint.console import app
from contactpoint.settings import Settings
from contactpoint.store.access_models import SourceAccountRow
from tests.factories import ChildFactory
from tests.linkage_support import child_benefit_row, write_child_benefit
from tests.websupport import free_port


def invoke(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(settings.home), *args],
        env={"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()},
    )
    return result.exit_code, result.output


def _add(settings: Settings, name: str, source: str = "child_benefit") -> str:
    code, output = invoke(settings, "sources", "add-account", name, "--source", source)
    assert code == 0, output
    found = re.search(r"API key: (cpds_\S+)", output)
    assert found is not None
    return found.group(1)


def test_an_account_is_bound_to_its_source_its_key_kept_only_hashed_and_revocable(
    runtime: Runtime, settings: Settings
) -> None:
    key = _add(settings, "hmrc-child-benefit")

    session = authenticate_source(runtime, key)
    assert (session.principal.role, session.principal.source) == (Role.DATA_SOURCE, "child_benefit")
    assert (
        invoke(settings, "sources", "add-account", "hmrc-child-benefit", "--source", "child_benefit")[0] == 2
    )
    assert invoke(settings, "sources", "add-account", "other-feed", "--source", "no_such_source")[0] == 2
    code, listing = invoke(settings, "sources", "list")
    assert code == 0
    assert "hmrc-child-benefit" in listing
    assert "active" in listing
    assert key not in listing
    with runtime.engine.connect() as connection:
        assert connection.scalars(select(SourceAccountRow.key_hash)).all() == [token_hash(key)]
    with pytest.raises(AuthenticationFailed):  # a machine never signs in with a password
        begin_sign_in(runtime, "hmrc-child-benefit", key, "127.0.0.1")

    assert invoke(settings, "sources", "revoke", "hmrc-child-benefit")[0] == 0

    with pytest.raises(AuthenticationFailed):
        authenticate_source(runtime, key)
    assert "revoked" in invoke(settings, "sources", "list")[1]
    assert invoke(settings, "sources", "revoke", "nobody-here")[0] == 6
    with runtime.engine.connect() as connection:
        assert connection.scalars(select(SourceAccountRow.key_hash)).all() == [None]
    with runtime.unit_of_work() as uow:
        kinds = [entry.kind for entry in uow.audit.iter_entries()]
        assert "second-factor secrets" not in uow.key_usage(runtime.keyring.current)
    assert kinds == [AuditKind.ACCOUNT_CREATED, AuditKind.SIGN_IN_FAILED, AuditKind.SOURCE_REVOKED]


def _serve(settings: Settings, port: int, tmpdir: Path) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,  # noqa: TID251  # the child process runs in the test's own environment
        "CONTACTPOINT_HOME": str(settings.home),
        "CONTACTPOINT_DATABASE_URL": settings.resolved_database_url(),
        "TMPDIR": str(tmpdir),
    }
    return subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
        [sys.executable, "-c", "from contactpoint.console import app; app()", "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/v1/openapi.json", timeout=2)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        else:
            return


def test_a_served_submission_writes_no_temporary_file_and_a_revoked_key_is_refused_at_once(
    runtime: Runtime, settings: Settings, tmp_path: Path, factory: ChildFactory
) -> None:
    key = _add(settings, "hmrc-child-benefit")
    feed = write_child_benefit(
        tmp_path / "feed.csv", [child_benefit_row(f"CB{i}", factory.child()) for i in range(3)]
    )
    tmpdir = tmp_path / "server-tmp"
    tmpdir.mkdir()
    port = free_port()
    server = _serve(settings, port, tmpdir)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
        url = f"{base}/api/v1/feeds/child_benefit/submissions"
        response = httpx.post(url, headers=headers, content=feed.read_bytes(), timeout=120)
        assert response.status_code == 200, response.text
        assert response.json()["read"] == 3
        assert list(tmpdir.iterdir()) == []

        assert invoke(settings, "sources", "revoke", "hmrc-child-benefit")[0] == 0
        assert httpx.post(url, headers=headers, content=feed.read_bytes()).status_code == 401
    finally:
        server.terminate()
        server.wait(20)
