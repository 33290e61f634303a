"""The web layer's commands: the first national administrator, the demo's accounts, audit verify."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp
from typer.testing import CliRunner

from contactpoint.app.accounts import begin_sign_in, complete_sign_in
from contactpoint.app.services import build_services
from contactpoint.cli.main import app
from contactpoint.settings import Settings


def invoke(home, *args):
    return CliRunner().invoke(app, ["--data-dir", str(home), *args])


def test_create_admin_makes_a_national_administrator_who_enrols_at_first_sign_in(tmp_path):
    home = tmp_path / "store"
    assert invoke(home, "init").exit_code == 0
    result = invoke(home, "users", "create-admin", "ops-admin")
    assert result.exit_code == 0, result.output
    match = re.search(r"One-time password: (\S+)", result.output)
    assert match is not None
    password = match.group(1)
    services = build_services(Settings(home=home))
    try:
        grant = begin_sign_in(services, "ops-admin", password, "127.0.0.1")
        assert grant.stage == "enrol"
    finally:
        services.close()
    again = invoke(home, "users", "create-admin", "ops-admin")
    assert again.exit_code == 2  # the username is taken


def test_the_demo_prints_working_credentials_for_every_role_and_serves_nothing_when_told(tmp_path):
    home = tmp_path / "demo"
    result = invoke(home, "demo", "--children", "200", "--seed", "3", "--no-serve")
    assert result.exit_code == 0, result.output
    found = re.findall(r"(demo-[a-z0-9-]+)\s+password (\S+)\s+TOTP secret (\S+)", result.output)
    assert len(found) == 8  # every role, and a second LA data administrator for four-eyes decisions
    services = build_services(Settings(home=home))
    try:
        for username, password, secret in found:
            grant = begin_sign_in(services, username, password, "127.0.0.1")
            code = pyotp.TOTP(secret).at(datetime.now(UTC))
            assert complete_sign_in(services, grant.token, code, "127.0.0.1").stage == "full"
    finally:
        services.close()
    verify = invoke(home, "audit", "verify")
    assert verify.exit_code == 0, verify.output
