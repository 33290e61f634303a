"""Use cases on child records: registering in bulk, reading one, counting."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.store.repository import StatusCount, StoredChild

T = TypeVar("T")
DEFAULT_BATCH = 2_000


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def register_children(
    runtime: Runtime,
    sources: Iterable[T],
    to_record: Callable[[T, ContactPointId], ChildRecord],
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Issue IDs for new children and store their records, one transaction per batch.

    `to_record` builds each record once its ID is known. A failed batch leaves nothing behind.
    """
    stored = 0
    for batch in _batches(sources, batch_size):
        with runtime.unit_of_work() as uow:
            ids = uow.children.reserve_ids(len(batch))
            uow.children.add_many([to_record(item, cp_id) for item, cp_id in zip(batch, ids, strict=True)])
            uow.commit()
        stored += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return stored


def read_child(runtime: Runtime, cp_id: ContactPointId) -> StoredChild:
    """One decrypted record by its ID, for operators' tools; audited (no user) before it is returned.

    Practitioners never come here: they open records through app.view.view_child, with a reason.
    """
    with runtime.unit_of_work() as uow:
        stored = uow.children.get(cp_id)
        audit_log(runtime, uow).append(AuditEvent(AuditKind.SYSTEM_READ, None, (cp_id.value,)))
        uow.commit()
    return stored


def index_statistics(runtime: Runtime) -> list[StatusCount]:
    """Counts by LA and status; reads no personal data."""
    with runtime.unit_of_work() as uow:
        return uow.children.counts_by_la_and_status()
