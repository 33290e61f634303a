"""The audit log is tamper-evident (invariant 6): rows are edited, deleted, inserted and reordered
directly in SQL, and `audit verify` (the use case and the command) catches each."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from contactpoint.app.oversight.auditing import audit_log, checkpoint_audit, verify_audit
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.console import app

N = 12


@pytest.fixture
def logged(runtime):
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        for i in range(N):
            log.append(AuditEvent(AuditKind.VIEW, i + 1, (f"{100000000000 + i}",), {"reason": "assessment"}))
        uow.commit()
    checkpoint_audit(runtime)
    return runtime


def _sql(runtime, statement: str, **params) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_an_untouched_log_verifies(logged):
    report = verify_audit(logged)
    assert report.ok, report.problems
    assert report.entries == N
    assert report.checkpoints == 1


def test_the_command_says_intact_and_exits_zero(logged, settings):
    result = CliRunner().invoke(
        app, ["--data-dir", str(settings.home), "audit", "verify"], env=_env(settings)
    )
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def _env(settings):
    return {"CONTACTPOINT_DATABASE_URL": settings.resolved_database_url()}


def test_an_edited_payload_is_detected(logged, settings):
    _sql(logged, "UPDATE audit_entries SET payload = :p WHERE seq = 5", p=b"\x00" * 40)
    report = verify_audit(logged)
    assert any("entry 5" in p for p in report.problems)
    result = CliRunner().invoke(
        app, ["--data-dir", str(settings.home), "audit", "verify"], env=_env(settings)
    )
    assert result.exit_code == 7


def test_an_edited_actor_or_time_is_detected(logged):
    _sql(logged, "UPDATE audit_entries SET actor_id = 99 WHERE seq = 3")
    assert any("entry 3" in p for p in verify_audit(logged).problems)


def test_a_deleted_entry_is_detected(logged):
    _sql(logged, "DELETE FROM audit_entries WHERE seq = 7")
    problems = verify_audit(logged).problems
    assert any("entry 7: missing" in p for p in problems)


def test_a_deleted_subject_row_is_detected(logged):
    _sql(logged, "DELETE FROM audit_subjects WHERE seq = 4")
    assert any("entry 4" in p for p in verify_audit(logged).problems)


def test_an_inserted_entry_is_detected(logged):
    _sql(logged, "UPDATE audit_entries SET seq = seq + 1000 WHERE seq > 6")
    _sql(logged, "UPDATE audit_entries SET seq = seq - 999 WHERE seq > 1000")
    _sql(
        logged,
        "INSERT INTO audit_entries (seq, at, kind, actor_id, key_version, payload, prev_hash, entry_hash) "
        "SELECT 7, at, kind, actor_id, key_version, payload, entry_hash, entry_hash "
        "FROM audit_entries WHERE seq = 6",
    )
    assert not verify_audit(logged).ok


def test_reordered_entries_are_detected(logged):
    _sql(logged, "UPDATE audit_entries SET seq = 1000 WHERE seq = 2")
    _sql(logged, "UPDATE audit_entries SET seq = 2 WHERE seq = 3")
    _sql(logged, "UPDATE audit_entries SET seq = 3 WHERE seq = 1000")
    problems = verify_audit(logged).problems
    assert any("entry 2" in p for p in problems)
    assert any("entry 3" in p for p in problems)


def test_a_truncated_tail_is_detected_even_with_the_head_rewritten(logged):
    _sql(logged, "DELETE FROM audit_subjects WHERE seq > 9")
    _sql(logged, "DELETE FROM audit_entries WHERE seq > 9")
    _sql(
        logged,
        "UPDATE audit_head SET seq = 9, entry_hash = (SELECT entry_hash FROM audit_entries WHERE seq = 9)",
    )
    problems = verify_audit(logged).problems
    assert any(f"checkpoint {N}" in p for p in problems)


def test_a_rewritten_chain_fails_the_signed_checkpoint(logged):
    _sql(logged, "UPDATE audit_checkpoints SET entry_hash = :h", h=b"\x01" * 32)
    assert any("bad signature" in p for p in verify_audit(logged).problems)


def test_the_log_holds_no_plaintext_reason_or_id(logged):
    with logged.engine.connect() as connection:
        payloads = [row[0] for row in connection.execute(text("SELECT payload FROM audit_entries"))]
    assert all(b"assessment" not in bytes(p) and b"100000000000" not in bytes(p) for p in payloads)
