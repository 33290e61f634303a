"""Four eyes that a database writer cannot go round: a shielding or adoption request is decided only
if the application made it.

Four eyes compares the decider with the request's requester, which is a column. Someone who can
write the database and is a data administrator could insert a pending request in a colleague's name
and decide it alone (unshield a child, seal a record). So a request is believed only when both hold:
- its row carries the keyed tag written when it was made (crypto/request_tag.py), so a planted or
  edited row (another child, another requester) does not fit;
- the audit chain holds its request entry, by its requester, about its child, with its number (and
  for shielding its change, reason and requester), and no decision about it yet, so a decided request
  put back to pending is not decided twice. Entries are sealed under the keyring: a writer can
  neither make one nor move one to another number.
Otherwise the decision (and the confirmation page before it) is refused and a misuse alert of the
highest score is raised and committed, whatever the caller then answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from contactpoint.access.errors import PermissionDenied
from contactpoint.access.policy import Principal
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.oversight.misuse import SCORES, Signal
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditKind, Detail
from contactpoint.crypto.request_tag import RequestTagger
from contactpoint.domain.errors import IntegrityFailure
from contactpoint.store.unit_of_work import UnitOfWork

REFUSED = "this request was not made through ContactPoint: it is refused and reported to the auditors"


@dataclass(frozen=True, slots=True)
class RequestKind:
    """Where a kind of request lives, and the audit entries that make and decide it."""

    table: str
    requested: AuditKind
    decided: tuple[AuditKind, ...]
    matching: tuple[str, ...]  # columns the request entry's details must agree with


SHIELDING = RequestKind(
    "shielding_requests",
    AuditKind.SHIELDING_REQUESTED,
    (AuditKind.SHIELDING_APPROVED, AuditKind.SHIELDING_REJECTED),
    ("change", "reason", "requested_by"),
)
ADOPTION = RequestKind(
    "adoption_requests",
    AuditKind.ADOPTION_REQUESTED,
    (AuditKind.ADOPTION_APPROVED, AuditKind.ADOPTION_REJECTED),
    (),
)


class PlantedRequest(Exception):
    """A request the application did not make (raised inside a unit of work, which rolls back)."""

    def __init__(self, la_code: str) -> None:
        super().__init__("request integrity")
        self.la_code = la_code


def _tagged(
    uow: UnitOfWork, kind: RequestKind, request_id: int
) -> tuple[dict[str, object], bytes | None, int | None]:
    repository = uow.shielding if kind is SHIELDING else uow.adoptions
    return repository.tagged(request_id)


def tag_request(runtime: Runtime, uow: UnitOfWork, kind: RequestKind, request_id: int) -> None:
    """Write the new request's tag, in the transaction that recorded it."""
    tagger = RequestTagger(runtime.keyring)
    columns, _, _ = _tagged(uow, kind, request_id)
    repository = uow.shielding if kind is SHIELDING else uow.adoptions
    repository.set_tag(request_id, tagger.tag(kind.table, columns), tagger.current_version)


def require_made_here(
    runtime: Runtime, uow: UnitOfWork, kind: RequestKind, request_id: int, *, cp_id: str, la_code: str
) -> None:
    """Raise PlantedRequest unless the request's tag fits and the chain holds its making, undecided."""
    columns, tag, version = _tagged(uow, kind, request_id)
    if not RequestTagger(runtime.keyring).intact(kind.table, columns, version, tag):
        raise PlantedRequest(la_code)
    keys = runtime.audit_keys
    subjects = [keys.subject(cp_id, held) for held in keys.held_versions()]
    made = decided = False
    for entry in uow.audit.of_kinds_about([kind.requested, *kind.decided], subjects):
        try:
            details = keys.open(entry.seq, entry.kind, entry.key_version, entry.payload)
        except IntegrityFailure:
            continue  # an entry that fails authentication vouches for nothing
        if details.get("request") != request_id or cp_id not in _children(details):
            continue
        if entry.kind in kind.decided:
            decided = True
        elif entry.actor_id == columns["requester_id"] and all(
            details.get(column) == columns[column] for column in kind.matching
        ):
            made = True
    if not made or decided:
        raise PlantedRequest(la_code)


def _children(details: Mapping[str, Detail]) -> list[object]:
    children = details.get("children")
    return list(children) if isinstance(children, list) else []


@contextmanager
def refusing_planted(runtime: Runtime, principal: Principal) -> Iterator[None]:
    """Turn a PlantedRequest (after its unit of work rolled back) into a committed misuse alert
    about the administrator who acted, and a refusal."""
    try:
        yield
    except PlantedRequest as planted:
        with runtime.unit_of_work() as uow:
            audit_log(runtime, uow).record_alert(
                user_id=principal.user_id,
                la_code=planted.la_code,
                signal=Signal.REQUEST_TAMPERED.value,
                score=SCORES[Signal.REQUEST_TAMPERED],
                trigger_seq=None,
            )
            uow.commit()
        raise PermissionDenied(REFUSED) from None
