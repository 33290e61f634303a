"""Use cases of the match-review queue: list an LA's items, and decide one (link, new child, reject).

Items about shielded or sealed records are private to the owning LA's data administrators; the
list shows them only when asked for the private queue. Role checks arrive with the access layer
(issue 5); until then the CLI is an operator's tool.
"""

from __future__ import annotations

from enum import StrEnum

from contactpoint.app.geography import LaLookup, synthetic_la_lookup
from contactpoint.app.services import Services
from contactpoint.domain.errors import NotFound, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.ingest.codec import decode_row
from contactpoint.ingest.survivorship import apply_row, new_record
from contactpoint.linkage.decisions import Outcome
from contactpoint.store.feed_repository import OpenReview


class ReviewAction(StrEnum):
    """What a data administrator may decide about a held row."""

    LINK = "link"
    NEW_CHILD = "new"
    REJECT = "reject"


def list_reviews(services: Services, la_code: str | None, *, private: bool = False) -> list[OpenReview]:
    """Open items of one LA's queue (the national queue when `la_code` is None)."""
    with services.unit_of_work() as uow:
        return uow.feeds.open_reviews(la_code, include_private=private)


def decide_review(
    services: Services,
    item_id: int,
    action: ReviewAction,
    *,
    link_to: ContactPointId | None = None,
    la_for: LaLookup = synthetic_la_lookup,
) -> str | None:
    """Apply an administrator's decision; returns the ContactPoint ID the row now belongs to, if any."""
    with services.unit_of_work() as uow:
        item, plaintext = uow.feeds.review(item_id)
        if item.status != "open":
            raise ValidationError("review_item", "has already been decided")
        row = decode_row(plaintext)
        as_of = row.as_of or services.clock.now().date()
        cp_id: str | None = None
        if action is ReviewAction.LINK:
            target = link_to or (ContactPointId(item.candidate_cp_id) if item.candidate_cp_id else None)
            if target is None:
                raise ValidationError("link_to", "the item has no candidate; name the record to link to")
            stored = uow.children.get(target)
            held = uow.feeds.provenance([target.value]).get(target.value, {})
            record, changed = apply_row(stored.record, row, held, as_of, la_for)
            uow.children.replace(record, stored.version)
            uow.feeds.set_provenance({target.value: {**held, **{p.field: p for p in changed}}.values()})
            cp_id = target.value
            outcome = Outcome.LINKED
        elif action is ReviewAction.NEW_CHILD:
            postcode = row.whereabouts.postcode if row.whereabouts else None
            la_code = row.la_code or (la_for(postcode.value) if postcode else None) or item.la_code
            if la_code is None:
                raise NotFound("no local authority for this child; link the row or reject it")
            (new_id,) = uow.children.reserve_ids(1)
            record, provenance = new_record(row, new_id, la_code, as_of)
            uow.children.add_many([record])
            uow.feeds.set_provenance({new_id.value: provenance})
            cp_id = new_id.value
            outcome = Outcome.NEW
        else:
            outcome = Outcome.REJECTED
        uow.feeds.resolve(item_id, action.value, cp_id)
        uow.feeds.relink(row.source, row.row_key, row.content_hash, outcome, cp_id)
        uow.commit()
        return cp_id
