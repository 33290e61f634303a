"""A versioned keyring kept outside the database, and the stores that hold it.

Each version holds one random root secret; every key the system uses is derived from it with HKDF
under a purpose label, so a key for one job (wrapping record keys, one blind index, the audit log)
can never be used for another. Rotation adds a version; retiring a version destroys its secret,
which is only allowed once nothing is encrypted or indexed under it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from contactpoint.domain.errors import KeyringError

SECRET_BYTES = 32
_FORMAT = "contactpoint-keyring/1"


@lru_cache(maxsize=4096)
def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"contactpoint/{purpose}".encode()
    ).derive(secret)


@dataclass(frozen=True, slots=True)
class KeyVersion:
    """One generation of keys: a root secret and when it was made."""

    number: int
    secret: bytes = field(repr=False)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Keyring:
    """All key versions still held, and which one new data is written under."""

    versions: Mapping[int, KeyVersion]
    current: int

    def __post_init__(self) -> None:
        if self.current not in self.versions:
            raise KeyringError("the current key version is not in the keyring")

    @classmethod
    def create(cls, now: datetime) -> Keyring:
        """A new keyring with one random version."""
        first = KeyVersion(1, secrets.token_bytes(SECRET_BYTES), now)
        return cls({1: first}, 1)

    def key(self, purpose: str, version: int | None = None) -> bytes:
        """The 256-bit key for `purpose` under `version` (default: the current one)."""
        number = self.current if version is None else version
        held = self.versions.get(number)
        if held is None:
            raise KeyringError(f"key version {number} is not held (retired or never created)")
        return _derive(held.secret, purpose)

    def rotated(self, now: datetime) -> Keyring:
        """A keyring with a new current version; the old ones stay until retired."""
        number = max(self.versions) + 1
        versions = {**self.versions, number: KeyVersion(number, secrets.token_bytes(SECRET_BYTES), now)}
        return replace(self, versions=versions, current=number)

    def without(self, number: int) -> Keyring:
        """A keyring with `number` destroyed. The current version cannot be retired."""
        if number == self.current:
            raise KeyringError("the current key version cannot be retired")
        if number not in self.versions:
            raise KeyringError(f"key version {number} is not held")
        return replace(self, versions={n: v for n, v in self.versions.items() if n != number})

    def to_json(self) -> str:
        """Serialised form for a key file or a deployment's secret store."""
        return json.dumps(
            {
                "format": _FORMAT,
                "current": self.current,
                "versions": [
                    {
                        "number": v.number,
                        "secret": base64.b64encode(v.secret).decode(),
                        "created_at": v.created_at.isoformat(),
                    }
                    for v in sorted(self.versions.values(), key=lambda v: v.number)
                ],
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        """Parse a keyring; every problem is a KeyringError that never echoes key material."""
        try:
            data = json.loads(text)
            if data.get("format") != _FORMAT:
                raise KeyringError("not a contactpoint keyring")
            versions = {
                int(v["number"]): KeyVersion(
                    int(v["number"]),
                    base64.b64decode(v["secret"], validate=True),
                    datetime.fromisoformat(v["created_at"]),
                )
                for v in data["versions"]
            }
            current = int(data["current"])
        except (ValueError, KeyError, TypeError) as error:
            raise KeyringError("the keyring is malformed") from error
        if any(len(v.secret) != SECRET_BYTES for v in versions.values()):
            raise KeyringError("a key version has a secret of the wrong length")
        return cls(versions, current)


class KeyStore(Protocol):
    """Where the keyring lives: a file the operator controls, or a deployment's secret store."""

    def load(self) -> Keyring:
        """Read the keyring."""
        ...

    def save(self, keyring: Keyring) -> None:
        """Replace the keyring atomically."""
        ...


class FileKeyStore:
    """A key file readable by its owner only, written atomically so a crash never loses keys."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        """True when a key file is already there."""
        return self.path.exists()

    def load(self) -> Keyring:
        """Read the key file, refusing one that others could read or write."""
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError as error:
            raise KeyringError("no key file: run `contactpoint init` first") from error
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyringError("the key file is open to group or others: chmod 600 it")
        return Keyring.from_json(self.path.read_text(encoding="utf-8"))

    def save(self, keyring: Keyring) -> None:
        """Write to a private temporary file beside the target, then rename over it."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(keyring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self.path)


class StaticKeyStore:
    """A keyring supplied whole (a deployment's secret, or a test). Rotation must happen at the source."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def load(self) -> Keyring:
        """The keyring as supplied."""
        return self._keyring

    def save(self, keyring: Keyring) -> None:
        """Keep the new keyring in memory only; the operator must publish it to the secret store."""
        self._keyring = keyring


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)
