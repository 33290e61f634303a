"""Checkpoints exported outside the database, for a witness to keep.

Each signed checkpoint is appended, as one JSON line of sequence number, time, chain tag, key
version and signature (no personal data, no secret), to a file an operator ships elsewhere (a
write-once bucket, another organisation). Someone who can write the database can delete
checkpoint rows and truncate the log, but not the copies the witness holds, so `audit verify`
checking the database against the file shows the truncation.

Besides checkpoints, every transaction that appended to the log adds a head line (the newest
entry's sequence number, time, key version and keyed chain tag) once it commits: the unsigned tail
between checkpoints is then witnessed too, so erasing the newest entries and moving `audit_head`
back shows as a witness that saw further than the log goes. A head line carries no signature; its
tag is the chain's HMAC, which only the keyring makes, and `verify` checks it against the entry.

Lines are appended after the transaction that signed them commits (a checkpoint of a rolled-back
entry must never reach a witness), under an exclusive `flock` so the processes of one server never
interleave or repeat lines. A crash between commit and append leaves the file behind the database;
the next export catches up, starting from the file's last checkpoint line.

The file protects only if it leaves the machine: someone with the server's file access can truncate
it along with the database (ADR 0029). `within_reach` says whether it plainly has not.
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


@dataclass(frozen=True, slots=True)
class WitnessedHead:
    """The log's newest entry as a committed transaction left it."""

    seq: int
    at: datetime
    entry_hash: bytes
    key_version: int


@dataclass
class WitnessRead:
    """The checkpoints and heads a file holds, and the lines it could not read."""

    checkpoints: list[StoredCheckpoint] = field(default_factory=list)
    heads: list[WitnessedHead] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)
    exists: bool = True

    @property
    def furthest(self) -> WitnessedHead | None:
        """The newest entry the witness saw, by head line or checkpoint."""
        seen = [
            *self.heads,
            *(WitnessedHead(c.seq, c.at, c.entry_hash, c.key_version) for c in self.checkpoints),
        ]
        return max(seen, key=lambda head: head.seq, default=None)


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


def _head_line(head: WitnessedHead) -> bytes:
    body = {
        "head": head.seq,
        "at": head.at.isoformat(),
        "entry_hash": head.entry_hash.hex(),
        "key_version": head.key_version,
    }
    return json.dumps(body, separators=(",", ":")).encode() + b"\n"


def _parse(raw: bytes) -> StoredCheckpoint | WitnessedHead:
    data = json.loads(raw)
    if "head" in data:
        return WitnessedHead(
            int(data["head"]),
            datetime.fromisoformat(data["at"]),
            bytes.fromhex(data["entry_hash"]),
            int(data["key_version"]),
        )
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
        """The sequence number of the file's last checkpoint line, 0 when there is none (read from
        the end; head lines after it are passed over)."""
        try:
            with self.path.open("rb") as handle:
                return self._last_seq(handle.fileno())
        except FileNotFoundError:
            return 0

    @staticmethod
    def _last_seq(descriptor: int) -> int:
        end = os.fstat(descriptor).st_size
        carry = b""
        while end > 0:
            start = max(0, end - _TAIL_BYTES)
            chunk = os.pread(descriptor, end - start, start) + carry
            lines = chunk.split(b"\n")
            carry = lines.pop(0) if start > 0 else b""  # possibly cut: read whole with the next chunk
            for raw in reversed(lines):
                if not raw.strip():
                    continue
                try:
                    parsed = _parse(raw)
                except (ValueError, KeyError, TypeError):
                    return 0
                if isinstance(parsed, StoredCheckpoint):
                    return parsed.seq
            end = start
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

    def append_head(self, head: WitnessedHead) -> None:
        """Append one head line (after the transaction that wrote that entry committed)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            os.write(descriptor, _head_line(head))
        finally:
            os.close(descriptor)

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
                parsed = _parse(raw)
            except (ValueError, KeyError, TypeError):
                found.unreadable.append(number)
                continue
            if isinstance(parsed, WitnessedHead):
                found.heads.append(parsed)
            else:
                found.checkpoints.append(parsed)
        return found


def within_reach(path: Path, data_dir: Path) -> str | None:
    """Why the witness file is plainly within reach of whoever can rewrite the store (inside the
    data folder, or a file this account owns and may write), or None. Shipping it elsewhere as it
    is written is what makes it a witness; a setting records that the operator does (ADR 0029)."""
    resolved = path.resolve()
    if resolved.is_relative_to(data_dir.resolve()):
        return "the audit witness file is inside the data folder"
    try:
        info = resolved.stat()
    except FileNotFoundError:
        return None
    if info.st_uid == os.getuid() and os.access(resolved, os.W_OK):
        return "the audit witness file is owned and writable by this account"
    return None
