"""The witness file holds checkpoints and head lines; exports resume from the last checkpoint line
however many head lines follow it, and a reader tells the two apart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from contactpoint.audit.witness import CheckpointFile, WitnessedHead, within_reach
from contactpoint.store.audit_repository import StoredCheckpoint

AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _checkpoint(seq: int) -> StoredCheckpoint:
    return StoredCheckpoint(seq, AT, bytes([seq % 256]) * 32, 1, b"\x01" * 64)


def test_the_last_checkpoint_is_found_behind_many_head_lines(tmp_path: Path) -> None:
    witness = CheckpointFile(tmp_path / "witness.jsonl")
    witness.append([_checkpoint(1), _checkpoint(7)])
    for seq in range(8, 300):  # far more than one read from the end holds
        witness.append_head(WitnessedHead(seq, AT, b"\x02" * 32, 1))
    assert witness.last_seq() == 7
    assert witness.append([_checkpoint(7), _checkpoint(120)]) == 1  # only the new one is added
    read = witness.read()
    assert [c.seq for c in read.checkpoints] == [1, 7, 120]
    assert len(read.heads) == 292
    assert read.furthest is not None
    assert read.furthest.seq == 299
    assert read.unreadable == []


def test_a_witness_in_the_data_folder_or_rewritable_by_this_account_is_within_reach(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert within_reach(data / "witness.jsonl", data) == "the audit witness file is inside the data folder"
    elsewhere = tmp_path / "elsewhere.jsonl"
    assert within_reach(elsewhere, data) is None  # not written yet
    elsewhere.write_text("")
    assert within_reach(elsewhere, data) == "the audit witness file is owned and writable by this account"
