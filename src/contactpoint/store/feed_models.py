"""Tables of the feeds pipeline: feed runs, row outcomes (the ledger), the review queue, provenance, merges.

They register on the same metadata as the child tables so one Alembic history covers them all.
Nothing here is personal in the clear: row keys are the sources' own opaque keys, the review
queue's copy of a row is encrypted like a record, and explanations hold field names and levels only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from contactpoint.store.models import Base


class FeedRun(Base):
    """One run of `contactpoint ingest`: which source, when, and its counts."""

    __tablename__ = "feed_runs"

    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON of outcome -> count, no values


class FeedRowOutcome(Base):
    """The ledger: every row ever processed, by (source, row key, content hash), and what became of it.

    Written in the same transaction as the row's effect, so a row is either applied and recorded
    or neither; a re-run skips recorded rows, which makes ingest idempotent and resumable.
    """

    __tablename__ = "feed_rows"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    cp_id: Mapped[str | None] = mapped_column(String(12), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewItem(Base):
    """A feed row held for a data administrator: the candidate, the weight, the explanation.

    `la_code` names the owning LA's queue; `private` marks items about shielded or sealed records,
    shown only to that LA's administrators. The row itself is sealed like a record.
    """

    __tablename__ = "review_items"

    item_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    la_code: Mapped[str | None] = mapped_column(String(9))
    private: Mapped[bool] = mapped_column(Boolean)
    candidate_cp_id: Mapped[str | None] = mapped_column(String(12))
    match_weight: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(32))
    explanation: Mapped[str] = mapped_column(Text)  # JSON: field, level label, partial weight
    status: Mapped[str] = mapped_column(String(16))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_cp_id: Mapped[str | None] = mapped_column(String(12))

    __table_args__ = (Index("ix_review_items_la_code_status", "la_code", "status"),)


class FieldProvenance(Base):
    """Which source (and row) gave a record's visible value of one field, and as of when."""

    __tablename__ = "field_provenance"

    cp_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)


class Merge(Base):
    """Two records found to be one child: the survivor, the absorbed, and both as they were (sealed).

    The snapshot lets an unmerge restore both exactly; `absorbed_rows` lists the ledger rows that
    were the absorbed record's, so they go back to it.
    """

    __tablename__ = "merges"

    merge_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    survivor_cp_id: Mapped[str] = mapped_column(String(12), index=True)
    absorbed_cp_id: Mapped[str] = mapped_column(String(12), index=True)
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unmerged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    absorbed_rows: Mapped[str] = mapped_column(Text)  # JSON [[source, row_key, content_hash], ...]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_version: Mapped[int] = mapped_column(Integer)


class InitialLoad(Base):
    """An initial load of a national extract (`contactpoint load`) and what it set aside meanwhile.

    A load into an empty index writes its tables without their secondary indexes and, on
    PostgreSQL, without their keys: `deferred` holds the DDL that rebuilds them (JSON list of
    statements, our own schema's, no values). A load with no `finished_at` was stopped midway: the
    next load wipes what it wrote, rebuilds what it set aside and starts again.
    """

    __tablename__ = "initial_loads"

    load_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deferred: Mapped[str] = mapped_column(Text, default="[]")
