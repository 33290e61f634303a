"""Use cases of the match-review queue: list an LA's items, open one beside its candidate, decide it.

The owning LA's data administrators work its queue, private items (about shielded or sealed
records) included; another LA's items are out of scope. The national queue (rows for which no LA
could be found) is worked by nobody in the web application: the operator works it from the command
line (`contactpoint review`), as a system action like the other operator tools. Opening an item and
deciding it are audited in the same transaction, before anything is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from contactpoint.access import policy
from contactpoint.access.policy import Principal, ViewLevel
from contactpoint.access.roles import Permission
from contactpoint.app.operations.retention import today_in_england
from contactpoint.app.oversight.auditing import audit_log
from contactpoint.app.runtime import Runtime
from contactpoint.audit.events import AuditEvent, AuditKind
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import (
    Carer,
    ChildNames,
    ChildRecord,
    Involvement,
    SourceIdentifier,
    Whereabouts,
)
from contactpoint.domain.retention import too_old_for_a_new_record
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.ingest.codec import decode_row
from contactpoint.ingest.feed_row import FeedRow
from contactpoint.ingest.survivorship import NOT_ENOUGH_IDENTITY, apply_row, new_record
from contactpoint.linkage.decisions import Outcome
from contactpoint.store.review_repository import OpenReview
from contactpoint.store.unit_of_work import UnitOfWork


class ReviewAction(StrEnum):
    """What a data administrator may decide about a held row."""

    LINK = "link"
    NEW_CHILD = "new"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class MatchFactor:
    """One field's part in the match weight: the field, how it compared, its partial weight (no values)."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class ComparedField:
    """One line of the side-by-side comparison; `record_value` is None when there is no candidate
    or the policy withholds it."""

    label: str
    row_value: str
    record_value: str | None


@dataclass(frozen=True, slots=True)
class ReviewItemView:
    """An opened item: the held row and its candidate side by side, and why the linkage hesitated."""

    item_id: int
    source: str
    row_key: str
    reason: str
    private: bool
    la_code: str
    candidate_cp_id: str | None  # None for a sealed candidate too: `candidate_sealed` says so
    candidate_sealed: bool
    candidate_shown: bool
    match_weight: float | None
    fields: list[ComparedField]
    explanation: list[MatchFactor]


def factors(item: OpenReview) -> list[MatchFactor]:
    """The stored per-field explanation as typed factors."""
    return [
        MatchFactor(str(entry["field"]), str(entry["level"]), float(str(entry["weight"])))
        for entry in item.explanation
    ]


MISSING_ITEM = "no such review item"  # the store's answer for an unknown item number


def _require_in_scope(principal: Principal, item: OpenReview) -> str:
    """An item is worked by its own LA's data administrators; the national queue by the operator
    (`decide_review_as_operator`). Any other item is answered as a missing one."""
    return policy.require_own_la_item(principal, Permission.WORK_REVIEW_QUEUE, item.la_code, MISSING_ITEM)


SEALED_ONLY_ABSORB = "a row held against a sealed record can only be absorbed into it or rejected"


def _sealed_candidates(uow: UnitOfWork, items: Sequence[OpenReview]) -> set[str]:
    """Which of the items' candidates are sealed (birth identities of adopted children)."""
    ids = {ContactPointId(i.candidate_cp_id) for i in items if i.candidate_cp_id is not None}
    stored = uow.children.get_many(ids) if ids else {}
    return {cp_id.value for cp_id, s in stored.items() if s.record.status is RecordStatus.SEALED}


def _without_sealed_ids(items: Sequence[OpenReview], sealed: set[str]) -> list[OpenReview]:
    """The queue never shows a sealed record's ID: after a decision on a row held against it, the
    ID beside the row would tie the birth identity to whatever the row said (the adoptive name)."""
    return [
        replace(i, candidate_cp_id=None, candidate_sealed=True) if i.candidate_cp_id in sealed else i
        for i in items
    ]


def list_reviews(runtime: Runtime, principal: Principal) -> list[OpenReview]:
    """The oldest open items of the administrator's LA, private ones included (IDs, codes, weights;
    a sealed candidate is marked as such, never named)."""
    la_code = policy.own_la(principal, Permission.WORK_REVIEW_QUEUE)
    with runtime.unit_of_work() as uow:
        items = uow.reviews.open_reviews(la_code, include_private=True)
        return _without_sealed_ids(items, _sealed_candidates(uow, items))


def count_reviews(runtime: Runtime, principal: Principal) -> int:
    """How many items wait in the administrator's LA queue, so a capped list says what it leaves out."""
    la_code = policy.own_la(principal, Permission.WORK_REVIEW_QUEUE)
    with runtime.unit_of_work() as uow:
        return uow.reviews.count_open(la_code, include_private=True)


def open_review(runtime: Runtime, principal: Principal, item_id: int) -> ReviewItemView:
    """Open an item: the row and the candidate decrypted in memory, audited before they are returned.

    The candidate is shown as the policy shows the record to this administrator: a sealed record
    (or an archived one past its first year) is withheld, though the row may still be linked to it.
    """
    policy.require(principal, Permission.WORK_REVIEW_QUEUE)
    with runtime.unit_of_work() as uow:
        item, plaintext = uow.reviews.get(item_id)
        la_code = _require_in_scope(principal, item)
        if item.status != "open":
            raise ValidationError("review_item", "has already been decided")
        row = decode_row(plaintext)
        record: ChildRecord | None = None
        level = ViewLevel.NONE
        sealed = False
        if item.candidate_cp_id is not None:
            candidate = uow.children.get(ContactPointId(item.candidate_cp_id)).record
            sealed = candidate.status is RecordStatus.SEALED
            level = policy.record_view_level(principal, candidate, today_in_england(runtime.clock))
            record = candidate if level is not ViewLevel.NONE else None
        audit_log(runtime, uow).append(
            AuditEvent(
                AuditKind.REVIEW_OPENED,
                principal.user_id,
                (item.candidate_cp_id,) if item.candidate_cp_id else (),
                {"item": item_id, "level": level.value, "private": item.private},
            )
        )
        uow.commit()
    return ReviewItemView(
        item_id=item.item_id,
        source=item.source,
        row_key=item.row_key,
        reason=item.reason,
        private=item.private,
        la_code=la_code,
        candidate_cp_id=None if sealed else item.candidate_cp_id,
        candidate_sealed=sealed,
        candidate_shown=record is not None,
        match_weight=item.match_weight,
        fields=compare(row, record),
        explanation=factors(item),
    )


def decide_review(
    runtime: Runtime,
    principal: Principal,
    item_id: int,
    action: ReviewAction,
    *,
    link_to: ContactPointId | None = None,
) -> str | None:
    """An LA data administrator's decision; returns the ContactPoint ID the row now belongs to, if any
    (None for a row absorbed into a sealed record, whose ID the queue never shows).

    Linking to a record other than the candidate needs a record of the administrator's own LA that
    they may see. A row held against a sealed record is absorbed into it or rejected (`_apply`).
    """
    policy.require(principal, Permission.WORK_REVIEW_QUEUE)
    with runtime.unit_of_work() as uow:
        item, plaintext = uow.reviews.get(item_id)
        _require_in_scope(principal, item)
        if action is ReviewAction.LINK and link_to is not None and link_to.value != item.candidate_cp_id:
            target = uow.children.get(link_to).record
            # Another LA's child, or one the administrator may not see, is answered as a missing ID:
            # a different answer would let the queue test whether any ID exists nationally.
            policy.require_record_in_own_la(principal, Permission.WORK_REVIEW_QUEUE, target)
            if policy.record_view_level(principal, target, today_in_england(runtime.clock)) is (
                ViewLevel.NONE
            ):
                raise NotFound("no such record")
        cp_id = _apply(runtime, uow, item, plaintext, action, link_to=link_to, la_code=None)
        _audit_decision(runtime, uow, actor_id=principal.user_id, item=item, action=action, cp_id=cp_id)
        absorbed = cp_id is not None and cp_id == item.candidate_cp_id and _is_sealed(uow, cp_id)
        uow.commit()
        return None if absorbed else cp_id


def _is_sealed(uow: UnitOfWork, cp_id: str) -> bool:
    return uow.children.get(ContactPointId(cp_id)).record.status is RecordStatus.SEALED


def _require_absorbed_if_sealed(
    uow: UnitOfWork, item: OpenReview, action: ReviewAction, link_to: ContactPointId | None
) -> None:
    """Adoption severs (invariant 4): a row held against a sealed record may carry the adoptive
    identity beside the birth one, so it is absorbed into the sealed record or rejected. A new
    record, or a link to another, would make the mix visible and findable by the birth identity."""
    if item.candidate_cp_id is None or action is ReviewAction.REJECT:
        return
    if action is ReviewAction.LINK and (link_to is None or link_to.value == item.candidate_cp_id):
        return
    if _is_sealed(uow, item.candidate_cp_id):
        raise ValidationError("action", SEALED_ONLY_ABSORB)


# The operator's tools (the command line): system actions, audited without a user -----------------


def list_reviews_as_operator(
    runtime: Runtime, la_code: str | None, *, private: bool = False
) -> list[OpenReview]:
    """Open items of one LA's queue, or the national queue when `la_code` is None (IDs and codes only)."""
    with runtime.unit_of_work() as uow:
        return uow.reviews.open_reviews(la_code, include_private=private)


def decide_review_as_operator(
    runtime: Runtime,
    item_id: int,
    action: ReviewAction,
    *,
    link_to: ContactPointId | None = None,
    la_code: str | None = None,
) -> str | None:
    """The operator's decision, chiefly on the national queue: `la_code` places a new child whose
    row names no LA the index can find."""
    with runtime.unit_of_work() as uow:
        item, plaintext = uow.reviews.get(item_id)
        cp_id = _apply(runtime, uow, item, plaintext, action, link_to=link_to, la_code=la_code)
        _audit_decision(runtime, uow, actor_id=None, item=item, action=action, cp_id=cp_id)
        uow.commit()
        return cp_id


def _apply(
    runtime: Runtime,
    uow: UnitOfWork,
    item: OpenReview,
    plaintext: bytes,
    action: ReviewAction,
    *,
    link_to: ContactPointId | None,
    la_code: str | None,
) -> str | None:
    if item.status != "open":
        raise ValidationError("review_item", "has already been decided")
    _require_absorbed_if_sealed(uow, item, action, link_to)
    row = decode_row(plaintext)
    as_of = row.as_of or runtime.clock.now().date()
    cp_id: str | None = None
    if action is ReviewAction.LINK:
        target = link_to or (ContactPointId(item.candidate_cp_id) if item.candidate_cp_id else None)
        if target is None:
            raise ValidationError("link_to", "the item has no candidate; name the record to link to")
        stored = uow.children.get(target)
        held = uow.provenance.of([target.value]).get(target.value, {})
        record, changed = apply_row(stored.record, row, held, as_of, runtime.la_lookup)
        uow.children.replace(record, stored.version)
        uow.provenance.set({target.value: {**held, **{p.field: p for p in changed}}.values()})
        cp_id = target.value
        outcome = Outcome.LINKED
    elif action is ReviewAction.NEW_CHILD:
        if row.partial:
            raise ValidationError(row.missing[0], NOT_ENOUGH_IDENTITY + ": link it or reject it")
        if too_old_for_a_new_record(row.date_of_birth, as_of, today_in_england(runtime.clock)):
            raise ValidationError("date_of_birth", "the row is about an adult: link it or reject it")
        postcode = row.located_at
        looked_up = runtime.la_lookup(postcode.value) if postcode else None
        placed = la_code or row.la_code or looked_up or item.la_code
        if placed is None:
            raise ValidationError("la_code", "no local authority is known for this child; name one")
        (new_id,) = uow.children.reserve_ids(1)
        record, provenance = new_record(row, new_id, placed, as_of)
        uow.children.add_many([record])
        uow.provenance.set({new_id.value: provenance})
        cp_id = new_id.value
        outcome = Outcome.NEW
    else:
        outcome = Outcome.REJECTED
    if not uow.reviews.resolve(item.item_id, action.value, cp_id):
        raise ValidationError("review_item", "has already been decided")
    uow.ledger.relink(row.source, row.row_key, row.content_hash, outcome, cp_id)
    return cp_id


def _audit_decision(
    runtime: Runtime,
    uow: UnitOfWork,
    *,
    actor_id: int | None,
    item: OpenReview,
    action: ReviewAction,
    cp_id: str | None,
) -> None:
    children = tuple(dict.fromkeys(c for c in (item.candidate_cp_id, cp_id) if c))
    audit_log(runtime, uow).append(
        AuditEvent(
            AuditKind.REVIEW_DECIDED,
            actor_id,
            children,
            {"item": item.item_id, "action": action.value, "private": item.private},
        )
    )


# The side-by-side comparison ----------------------------------------------------------------------


def compare(row: FeedRow, record: ChildRecord | None) -> list[ComparedField]:
    """The row's fields beside the record's, as display text (kept in memory, never stored)."""

    def line(label: str, row_value: str, record_value: str | None) -> ComparedField:
        return ComparedField(label, row_value, record_value if record is not None else None)

    return [
        line("Name", _row_name(row), _name(record.names) if record else None),
        line("Other names", _other_names(row.names), _other_names(record.names) if record else None),
        line(
            "Date of birth",
            NOT_GIVEN if "date_of_birth" in row.missing else _day(row.date_of_birth),
            _day(record.date_of_birth) if record else None,
        ),
        line("Gender", _word(row.gender.value), _word(record.gender.value) if record else None),
        line("Address", _whereabouts(row.whereabouts), _whereabouts(record.whereabouts) if record else None),
        line("Local authority", row.la_code or "-", record.la_code if record else None),
        line("Parents and carers", _carers(row.carers), _carers(record.carers) if record else None),
        line(
            "Identifiers",
            _identifiers(row.identifiers),
            _identifiers(record.identifiers) if record else None,
        ),
        line(
            "Services",
            _involvements(row.involvements),
            _involvements(record.involvements) if record else None,
        ),
        line("Record status", "-", _word(record.status.value) if record else None),
    ]


def _code(value: str) -> str:
    return value.replace("_", " ")


def _word(value: str) -> str:
    """A one-word code as a data administrator reads it: "Male", "Active", "Not specified"."""
    words = _code(value)
    return words[:1].upper() + words[1:]


def _day(value: date) -> str:
    """A date as the rest of the service writes it: 14 June 2015."""
    return f"{value.day} {value:%B %Y}"


def _name(names: ChildNames) -> str:
    return f"{names.current.given} {names.current.family}"


NOT_GIVEN = "(not given)"


def _row_name(row: FeedRow) -> str:
    """The row's name, saying which part the source left out (a partial row)."""
    given = NOT_GIVEN if "given_name" in row.missing else row.names.current.given
    family = NOT_GIVEN if "family_name" in row.missing else row.names.current.family
    return f"{given} {family}"


def _other_names(names: ChildNames) -> str:
    others = [f"{n.given} {n.family}" for n in (*names.former, *names.known_as)]
    return ", ".join(others) or "-"


def _whereabouts(whereabouts: Whereabouts | None) -> str:
    if whereabouts is None:
        return "-"
    address = whereabouts.address
    if address is None:
        return _word(whereabouts.state.value)
    parts = [*address.lines, *([address.town] if address.town else []), address.postcode.value]
    return ", ".join(parts)


def _carers(carers: Sequence[Carer]) -> str:
    return "; ".join(f"{c.name.given} {c.name.family} ({_code(c.relationship.value)})" for c in carers) or "-"


def _identifiers(identifiers: Sequence[SourceIdentifier]) -> str:
    return "; ".join(f"{_code(i.scheme.value)}: {i.value}" for i in identifiers) or "-"


def _involvements(involvements: Sequence[Involvement]) -> str:
    current = [i for i in involvements if i.end is None]
    return "; ".join(f"{_code(i.service.value)}: {i.organisation.name}" for i in current) or "-"
