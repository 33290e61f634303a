"""The feeds API's bodies: a feed run's report and the match-review queue.

An opened review item is the app's ReviewItemView (its compared fields and match factors are the app's
own types); it is re-declared only because the API has always called the item's number `id`.
"""

from __future__ import annotations

from pydantic import BaseModel

from contactpoint.app.feeds.review import ComparedField, MatchFactor, ReviewAction
from contactpoint.web.api.shared import CpId, Input


class FeedRejectRead(BaseModel):
    """A row not taken: where it was and why; never a value."""

    line: int
    row_key: str | None
    field: str
    rule: str


class FeedRunRead(BaseModel):
    """The receipt: rows accepted, skipped (already taken) and rejected, and the rejects."""

    source: str
    reference: str  # opaque and random: the audit entry of the submission ties it to its run
    read: int
    accepted: int
    skipped: int
    rejected: int
    dropped: dict[str, int]  # rows taken without a field that broke its rule, by field
    rejects: list[FeedRejectRead]
    rejects_total: int


class ReviewItemRead(BaseModel):
    """An item of the LA's review queue: IDs, codes and weights only."""

    id: int
    source: str
    row_key: str
    reason: str
    private: bool
    la_code: str | None
    candidate_cp_id: str | None  # never a sealed record's: `candidate_sealed` says there is one
    candidate_sealed: bool
    match_weight: float | None
    explanation: list[MatchFactor]


class ReviewItemOpenedRead(ReviewItemRead):
    """An opened item: the row and its candidate side by side (the opening is audited)."""

    candidate_shown: bool
    fields: list[ComparedField]


class ReviewDecisionCreate(Input):
    """Link the row to the candidate (or to `link_to`), make it a new child, or reject it."""

    action: ReviewAction
    link_to: CpId | None = None


class ReviewDecisionRead(BaseModel):
    """The record the row now belongs to, if any."""

    cp_id: str | None
