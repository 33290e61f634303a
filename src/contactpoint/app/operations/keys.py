"""Key rotation and retirement.

Rotation adds a key version and re-encrypts every record under it in batches, each batch its own
transaction, so an interrupted run resumes where it stopped: records already moved are not
touched again. The term-frequency tables (a few sealed rows) are re-sealed and the accounts'
integrity tags re-made first, in one transaction, on every run. A version can be retired (its
secret destroyed) only when nothing sealed under it is left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contactpoint.app.runtime import Runtime
from contactpoint.domain.errors import KeyringError

DEFAULT_ROTATION_BATCH = 1_000
_ROTATED = {"records", "term-frequency tables", "account tags"}  # what `keys rotate` moves to the new version


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What a rotation run did."""

    new_version_created: bool
    current_version: int
    resealed: int
    remaining: int


def pending_rotation(runtime: Runtime) -> int:
    """Records not yet under the current key version."""
    with runtime.unit_of_work() as uow:
        counts = uow.children.counts_by_key_version()
    return sum(n for version, n in counts.items() if version != runtime.keyring.current)


def rotate_keys(
    runtime: Runtime,
    *,
    batch_size: int = DEFAULT_ROTATION_BATCH,
    max_batches: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> RotationReport:
    """Start a rotation (unless one is unfinished) and re-encrypt up to `max_batches` batches."""
    created = False
    if pending_rotation(runtime) == 0:
        runtime.key_store.save(runtime.keyring.rotated(runtime.clock.now()))
        runtime.use_keyring(runtime.key_store.load())
        created = True
    with runtime.unit_of_work() as uow:
        uow.term_frequencies.reseal_not_under(runtime.keyring.current)
        uow.users.retag_not_under(runtime.keyring.current)
        uow.sources.retag_not_under(runtime.keyring.current)
        uow.clients.retag_not_under(runtime.keyring.current)
        uow.commit()
    remaining = pending_rotation(runtime)
    if on_start is not None:
        on_start(remaining)
    resealed = batches = 0
    while max_batches is None or batches < max_batches:
        with runtime.unit_of_work() as uow:
            ids = uow.children.ids_not_under(runtime.keyring.current, batch_size)
            if not ids:
                break
            for cp_id in ids:
                uow.children.reseal(cp_id)
            uow.commit()
        resealed += len(ids)
        batches += 1
        if on_batch is not None:
            on_batch(len(ids))
    return RotationReport(created, runtime.keyring.current, resealed, pending_rotation(runtime))


def retire_key(runtime: Runtime, version: int) -> None:
    """Destroy a key version's secret, refusing while anything still depends on it.

    Rotation re-seals records and the term-frequency tables and re-tags accounts only (an account
    whose tag does not hold keeps it, and so its version); review items, merge snapshots,
    second-factor secrets and the audit log (whose entries are chained and never rewritten) keep
    their version, so a version they use is kept.
    """
    with runtime.unit_of_work() as uow:
        usage = uow.key_usage(version)
    if usage:
        held = ", ".join(f"{count} {kind}" for kind, count in usage.items())
        advice = ": finish `keys rotate` first" if set(usage) <= _ROTATED else ""
        raise KeyringError(f"key version {version} still protects {held}{advice}")
    runtime.key_store.save(runtime.keyring.without(version))
    runtime.use_keyring(runtime.key_store.load())
