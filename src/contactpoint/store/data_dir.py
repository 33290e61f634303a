"""The data directory's own permissions: checked on every start, as the key file's are.

The directory holds the embedded database, by default the key file, the audit witness file and
the writer's lock file. Files inside are created private, but a directory others can enter or list
lets them see what is there and, with write access, swap a file out; so a directory open to group
or others stops every command and the server, with a message that says how to fix it.
"""

from __future__ import annotations

import stat
from pathlib import Path

from contactpoint.domain.errors import StoreUnavailable


def require_private_dir(path: Path) -> None:
    """Refuse a data directory that group or others may read, write or enter (a missing one is fine:
    `init` creates it private)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreUnavailable(f"the data directory is open to group or others (chmod 700 it): {path}")
