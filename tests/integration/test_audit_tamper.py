"""The audit log is tamper-evident (invariant 6): rows are edited, deleted, inserted and reordered
directly in SQL, and `audit verify` (the use case and the command) catches each, including the
attacks of someone with write access to the database who knows how the chain is built."""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from contactpoint.access.roles import Role
from contactpoint.app.oversight.auditing import audit_log, checkpoint_audit, verify_audit
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.audit.witness import CheckpointFile
from contactpoint.cli.audit import EXIT_WITNESS_IN_REACH
from contactpoint.cli.main import app
from contactpoint.store.access_models import AuditEntryRow
from tests.websupport import api_token, live_server, make_account

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
    assert report.checkpoints == 2  # the first entry's and the explicit one
    assert report.witnessed == 2


def test_the_command_says_intact_and_exits_zero_when_the_witness_is_shipped(logged, settings):
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(settings.home), "audit", "verify"],
        env={**_env(settings), "CONTACTPOINT_AUDIT_WITNESS_SHIPPED": "true"},
    )
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    assert "Warning" not in result.output


def test_the_command_warns_with_its_own_exit_code_while_the_witness_sits_in_the_data_folder(logged, settings):
    result = _verify_command(settings)
    assert result.exit_code == EXIT_WITNESS_IN_REACH, result.output
    assert "intact" in result.output
    assert "inside the data folder" in result.output


def test_a_witness_outside_the_data_folder_that_this_account_can_rewrite_is_warned_about(runtime, tmp_path):
    witness = tmp_path / "elsewhere" / "witness.jsonl"
    settings = runtime.settings.model_copy(update={"audit_witness_file": witness})
    runtime.settings = settings
    with runtime.unit_of_work() as uow:
        audit_log(runtime, uow).append(AuditEvent(AuditKind.SEARCH, 1, (), {"reason": "assessment"}))
        uow.commit()
    report = verify_audit(runtime)
    assert report.ok, report.problems
    assert any("owned and writable by this account" in w for w in report.warnings)
    runtime.settings = settings.model_copy(update={"audit_witness_shipped": True})
    assert verify_audit(runtime).warnings == []


def _append_unsigned(runtime, count: int) -> None:
    """Reads in working hours: each its own request and commit, none signing a checkpoint."""
    for i in range(count):
        with runtime.unit_of_work() as uow:
            audit_log(runtime, uow).append(AuditEvent(AuditKind.SEARCH, 40 + i, (), {"reason": "assessment"}))
            uow.commit()


def _erase_after(runtime, seq: int) -> None:
    _sql(runtime, "DELETE FROM audit_subjects WHERE seq > :s", s=seq)
    _sql(runtime, "DELETE FROM audit_entries WHERE seq > :s", s=seq)
    _sql(
        runtime,
        "UPDATE audit_head SET seq = :s, entry_hash = (SELECT entry_hash FROM audit_entries WHERE seq = :s)",
        s=seq,
    )


def test_erasing_the_unsigned_tail_and_moving_the_head_back_shows_against_the_witness(logged):
    _append_unsigned(logged, 3)
    with logged.unit_of_work() as uow:
        assert uow.audit.latest_checkpoint_seq() == N  # the three reads wait unsigned
    _erase_after(logged, N)
    problems = verify_audit(logged).problems
    assert any(f"the witness file saw entry {N + 3}, the log ends at entry {N}" in p for p in problems), (
        problems
    )


def test_an_unsigned_entry_replaced_after_the_witness_saw_it_shows(logged):
    _append_unsigned(logged, 2)
    _erase_after(logged, N + 1)
    _append_unsigned(logged, 1)  # the application writes a new entry N + 2 over the erased one
    problems = verify_audit(logged).problems
    assert any(f"entry {N + 2}: differs from what the witness file saw" in p for p in problems), problems


def test_the_witness_file_records_every_committed_head_and_no_rolled_back_one(logged, settings):
    _append_unsigned(logged, 2)
    with logged.unit_of_work() as uow:
        audit_log(logged, uow).append(AuditEvent(AuditKind.SEARCH, 99, (), {"reason": "assessment"}))
        # no commit: the read failed, its entry must not reach the witness
    read = CheckpointFile(settings.resolved_audit_witness_file()).read()
    assert read.furthest is not None
    assert read.furthest.seq == N + 2
    assert verify_audit(logged).ok


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


def _verify_command(settings):
    return CliRunner().invoke(app, ["--data-dir", str(settings.home), "audit", "verify"], env=_env(settings))


def _attacker_sha256(row, prev_hash: bytes, subjects: list[bytes]) -> bytes:
    """The chain as an attacker who read the source recomputes it: plain SHA-256, no key."""

    def field(value: bytes) -> bytes:
        return struct.pack(">I", len(value)) + value

    at = row.at.astimezone(UTC) if row.at.tzinfo is not None else row.at
    digest = hashlib.sha256(b"contactpoint-audit/1")
    digest.update(field(prev_hash))
    digest.update(struct.pack(">Q", row.seq))
    digest.update(field(at.replace(tzinfo=None).isoformat(timespec="microseconds").encode()))
    digest.update(field(row.kind.encode()))
    digest.update(field(b"" if row.actor_id is None else str(row.actor_id).encode()))
    digest.update(struct.pack(">I", row.key_version))
    digest.update(field(bytes(row.payload)))
    for subject in sorted(subjects):
        digest.update(field(subject))
    return digest.digest()


def _rechain_from(runtime, first: int) -> None:
    """Recompute every tag from entry `first` on, and move the head, as a database writer can."""
    with runtime.engine.begin() as connection:
        prev = connection.execute(
            text("SELECT entry_hash FROM audit_entries WHERE seq = :s"), {"s": first - 1}
        ).scalar_one()
        entries = AuditEntryRow.__table__
        rows = connection.execute(select(entries).where(entries.c.seq >= first).order_by(entries.c.seq)).all()
        for row in rows:
            subjects = [
                bytes(s)
                for (s,) in connection.execute(
                    text("SELECT subject FROM audit_subjects WHERE seq = :s"), {"s": row.seq}
                )
            ]
            new = _attacker_sha256(row, bytes(prev), subjects)
            connection.execute(
                text("UPDATE audit_entries SET prev_hash = :p, entry_hash = :h WHERE seq = :s"),
                {"p": prev, "h": new, "s": row.seq},
            )
            prev = new
        connection.execute(
            text("UPDATE audit_head SET seq = :s, entry_hash = :h"), {"s": rows[-1].seq, "h": prev}
        )


@pytest.fixture
def long_log(runtime):
    """250 entries as a working day writes them: views, an override, checkpoints only as appends sign them."""
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        for i in range(250):
            kind = AuditKind.OVERRIDE if i == 229 else AuditKind.VIEW
            log.append(AuditEvent(kind, 40 + i % 5, (f"{200000000000 + i}",), {"reason": "assessment"}))
        uow.commit()
    return runtime


def test_truncating_the_log_and_deleting_later_checkpoints_is_detected(long_log, settings):
    _sql(long_log, "DELETE FROM audit_subjects WHERE seq > 120")
    _sql(long_log, "DELETE FROM audit_entries WHERE seq > 120")
    _sql(long_log, "DELETE FROM audit_checkpoints WHERE seq > 120")
    _sql(
        long_log,
        "UPDATE audit_head SET seq = 120, "
        "entry_hash = (SELECT entry_hash FROM audit_entries WHERE seq = 120)",
    )
    result = _verify_command(settings)
    assert result.exit_code == 7, result.output
    assert "checkpoint 201" in result.output


def test_re_attributing_an_override_and_recomputing_the_chain_is_detected(long_log, settings):
    _sql(long_log, "UPDATE audit_entries SET actor_id = 99 WHERE seq = 230")
    _rechain_from(long_log, 230)
    _sql(long_log, "DELETE FROM audit_checkpoints WHERE seq >= 230")
    result = _verify_command(settings)
    assert result.exit_code == 7, result.output
    assert "checkpoint 230: in the witness file, gone from the database" in result.output  # signed at once


def test_a_log_whose_checkpoints_are_gone_everywhere_fails(long_log, settings):
    _sql(long_log, "DELETE FROM audit_checkpoints")
    settings.resolved_audit_witness_file().unlink()
    problems = verify_audit(long_log).problems
    assert any("no signed checkpoint" in p for p in problems)


def test_checkpoints_are_signed_every_n_entries_and_exported_to_the_witness_file(long_log, settings):
    read = CheckpointFile(settings.resolved_audit_witness_file()).read()
    assert [checkpoint.seq for checkpoint in read.checkpoints] == [1, 101, 201, 230]  # 230: override
    assert [head.seq for head in read.heads] == [250]  # one head line per commit, however many entries
    assert b"assessment" not in settings.resolved_audit_witness_file().read_bytes()
    assert verify_audit(long_log).ok


def test_a_rolled_back_append_exports_no_checkpoint(runtime, settings):
    with runtime.unit_of_work() as uow:
        audit_log(runtime, uow).append(AuditEvent(AuditKind.VIEW, 1, (), {}))
    assert not settings.resolved_audit_witness_file().exists()
    assert verify_audit(runtime).ok


def test_deleting_or_downgrading_a_misuse_alert_is_detected(runtime):
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        trigger = log.append(AuditEvent(AuditKind.OVERRIDE, 7, ("123456789012",), {"reason": "assessment"}))
        log.record_alert(user_id=7, la_code="E08", signal="override_use", score=60, trigger_seq=trigger)
        log.record_alert(user_id=7, la_code="E08", signal="out_of_hours", score=5, trigger_seq=trigger)
        uow.commit()
    assert verify_audit(runtime).ok
    _sql(runtime, "UPDATE misuse_alerts SET score = 1 WHERE kind = 'override_use'")
    assert any("differs from audit entry" in p for p in verify_audit(runtime).problems)
    _sql(runtime, "DELETE FROM misuse_alerts WHERE kind = 'override_use'")
    assert any("records an alert that is gone" in p for p in verify_audit(runtime).problems)


def test_moving_an_entry_out_of_an_la_auditors_sight_is_detected(runtime):
    """The LA column beside each child scopes LA auditors' queries; the tagged payload names it too."""
    with runtime.unit_of_work() as uow:
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.VIEW, 7, ("123456789012",), {"reason": "assessment"}, owners={"123456789012": "E08"}
            )
        )
        uow.commit()
    assert verify_audit(runtime).ok
    _sql(runtime, "UPDATE audit_subjects SET la_code = 'E09'")
    assert any(
        "local authorities recorded beside it were changed" in p for p in verify_audit(runtime).problems
    )


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE misuse_alerts SET la_code = 'E09'",  # out of the LA auditors' list
        "UPDATE misuse_alerts SET at = :earlier",  # out of the dates they look at
        "UPDATE misuse_alerts SET audit_seq = 1",  # pointing at another entry
    ],
)
def test_an_alert_moved_in_any_column_is_detected(runtime, edit):
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        log.append(AuditEvent(AuditKind.VIEW, 7, ("123456789012",), {"reason": "assessment"}))
        trigger = log.append(AuditEvent(AuditKind.OVERRIDE, 7, ("123456789012",), {"reason": "assessment"}))
        log.record_alert(user_id=7, la_code="E08", signal="override_use", score=60, trigger_seq=trigger)
        uow.commit()
    assert verify_audit(runtime).ok
    _sql(runtime, edit, earlier=datetime(2020, 1, 1, tzinfo=UTC))
    assert any("differs from audit entry" in p for p in verify_audit(runtime).problems)


def test_a_made_up_alert_is_detected(runtime):
    with runtime.unit_of_work() as uow:
        audit_log(runtime, uow).append(AuditEvent(AuditKind.VIEW, 7, (), {}))
        uow.commit()
    with runtime.unit_of_work() as uow:
        uow.audit.add_alert(
            at=datetime(2026, 11, 23, tzinfo=UTC),
            user_id=7,
            la_code="E08",
            kind="probing",
            score=40,
            audit_seq=1,
        )
        uow.commit()
    assert any("recorded in no audit entry" in p for p in verify_audit(runtime).problems)


def test_erasing_the_newest_entries_with_their_alert_is_detected(long_log, settings):
    """An alert signs a checkpoint at once, so the stalking it records never sits in the unsigned tail."""
    with long_log.unit_of_work() as uow:
        log = audit_log(long_log, uow)
        for i in range(5):
            log.append(AuditEvent(AuditKind.VIEW, 41, (f"{300000000000 + i}",), {"reason": "assessment"}))
        trigger = log.append(AuditEvent(AuditKind.VIEW, 41, ("300000000099",), {"reason": "assessment"}))
        log.record_alert(user_id=41, la_code="E08", signal="shielded_hit", score=30, trigger_seq=trigger)
        uow.commit()
    _sql(long_log, "DELETE FROM misuse_alerts")
    _sql(long_log, "DELETE FROM audit_subjects WHERE seq > 250")
    _sql(long_log, "DELETE FROM audit_entries WHERE seq > 250")
    _sql(long_log, "DELETE FROM audit_checkpoints WHERE seq > 250")
    _sql(
        long_log,
        "UPDATE audit_head SET seq = 250, "
        "entry_hash = (SELECT entry_hash FROM audit_entries WHERE seq = 250)",
    )
    result = _verify_command(settings)
    assert result.exit_code == 7, result.output
    assert "checkpoint 257" in result.output


def test_handling_an_alert_is_recorded_in_the_chain_and_erasing_that_record_is_detected(runtime, clock):
    """An auditor listing alerts over HTTP leaves an `alerts:read` entry naming the alerts seen."""
    with runtime.unit_of_work() as uow:
        log = audit_log(runtime, uow)
        trigger = log.append(AuditEvent(AuditKind.OVERRIDE, 7, ("123456789012",), {"reason": "assessment"}))
        alert_seq = log.record_alert(
            user_id=7, la_code="201", signal="override_use", score=60, trigger_seq=trigger
        )
        uow.commit()
    auditor = make_account(runtime, Role.NATIONAL_AUDITOR)
    with live_server(runtime) as base, httpx.Client(base_url=base) as client:
        token = api_token(client, clock, auditor)
        listed = client.get("/api/v1/alerts", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    with runtime.unit_of_work() as uow:
        reads = [e for e in uow.audit.iter_entries() if e.kind == AuditKind.ALERTS_READ.value]
    assert [e.actor_id for e in reads] == [auditor.user_id]
    opened = runtime.audit_keys.open(reads[0].seq, reads[0].kind, reads[0].key_version, reads[0].payload)
    assert opened["alerts"] == [str(alert_seq)]
    assert verify_audit(runtime).ok
    _sql(runtime, "DELETE FROM audit_subjects WHERE seq = :seq", seq=reads[0].seq)
    _sql(runtime, "DELETE FROM audit_entries WHERE seq = :seq", seq=reads[0].seq)
    assert not verify_audit(runtime).ok
