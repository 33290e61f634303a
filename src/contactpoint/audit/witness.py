"""Checkpoints exported outside the database, for a witness to keep.

Each signed checkpoint is appended, as one JSON line of sequence number, time, chain tag, key
version and signature (no personal data, no secret), to a file an operator ships elsewhere (a
write-once bucket, another organisation). Someone who can write the database can delete
checkpoint rows and truncate the log, but not the copies the witness holds, so `audit verify`
checking the database against the file shows the truncation.

Lines are appended after the transaction that signed them commits (a checkpoint of a rolled-back
entry must never reach a witness), under an exclusive `flock` so the processes of one server never
interleave or repeat lines. A crash between commit and append leaves the file behind the database;
the next export catches up, starting from the file's last line.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from contactpoint.store.audit_repository import StoredCheckpoint

_TAIL_BYTES = 4096


@dataclass
class WitnessRead:
    """The checkpoints a file holds, and the lines it could not read."""

    checkpoints: list[StoredCheckpoint] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    exists: bool = True


def _line(checkpoint: StoredCheckpoint) -> bytes:
    return (
        json.dumps(
            {
                "seq": checkpoint.seq,
                "at": checkpoint.at.isoformat(),
                "entry_hash": checkpoint.entry_hash.hex(),
                "key_version": checkpoint.key_version,
                "signature": checkpoint.signature.hex(),
            },
            separators=(",", ":"),
        ).encode()
        + b"\n"
    )


def _parse(raw: bytes) -> StoredCheckpoint:
    data = json.loads(raw)
    return StoredCheckpoint(
        int(data["seq"]),
        datetime.fromisoformat(data["at"]),
        bytes.fromhex(data["entry_hash"]),
        int(data["key_version"]),
        bytes.fromhex(data["signature"]),
    )


class CheckpointFile:
    """An append-only JSON Lines file of signed checkpoints."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def last_seq(self) -> int:
        """The sequence number on the file's last line, 0 when there is none (read from the end)."""
        try:
            with self.path.open("rb") as handle:
                return self._last_seq(handle.fileno())
        except FileNotFoundError:
            return 0

    @staticmethod
    def _last_seq(descriptor: int) -> int:
        size = os.fstat(descriptor).st_size
        start = max(0, size - _TAIL_BYTES)
        tail = os.pread(descriptor, size - start, start)
        for raw in reversed(tail.splitlines()):
            if raw.strip():
                try:
                    return _parse(raw).seq
                except (ValueError, KeyError, TypeError):
                    return 0
        return 0

    def append(self, checkpoints: Iterable[StoredCheckpoint]) -> int:
        """Append the checkpoints newer than the file's last line, in order; returns how many."""
        ordered = sorted(checkpoints, key=lambda c: c.seq)
        if not ordered:
            return 0
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            last = self._last_seq(descriptor)
            lines = b"".join(_line(c) for c in ordered if c.seq > last)
            if lines:
                os.write(descriptor, lines)
                os.fsync(descriptor)
            return lines.count(b"\n")
        finally:
            os.close(descriptor)  # closing releases the flock

    def read(self) -> WitnessRead:
        """Every checkpoint in the file; unreadable lines are reported by line number."""
        found = WitnessRead()
        try:
            raw_lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            found.exists = False
            return found
        for number, raw in enumerate(raw_lines, start=1):
            if not raw.strip():
                continue
            try:
                found.checkpoints.append(_parse(raw))
            except (ValueError, KeyError, TypeError):
                found.unreadable.append(number)
        return found
