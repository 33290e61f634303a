"""feeds pipeline

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "merges",
        sa.Column("merge_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("survivor_cp_id", sa.String(length=12), nullable=False),
        sa.Column("absorbed_cp_id", sa.String(length=12), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unmerged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("absorbed_rows", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("merge_id", name=op.f("pk_merges")),
    )
    with op.batch_alter_table("merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merges_absorbed_cp_id"), ["absorbed_cp_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_merges_survivor_cp_id"), ["survivor_cp_id"], unique=False)

    op.create_table(
        "feed_rows",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("cp_id", sa.String(length=12), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "row_key", "content_hash", name=op.f("pk_feed_rows")),
    )
    with op.batch_alter_table("feed_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feed_rows_cp_id"), ["cp_id"], unique=False)

    op.create_table(
        "feed_runs",
        sa.Column("run_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_feed_runs")),
    )
    op.create_table(
        "field_provenance",
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("cp_id", "field", name=op.f("pk_field_provenance")),
    )
    op.create_table(
        "review_items",
        sa.Column("item_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("candidate_cp_id", sa.String(length=12), nullable=True),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_cp_id", sa.String(length=12), nullable=True),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_review_items")),
    )
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.create_index("ix_review_items_la_code_status", ["la_code", "status"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merges_survivor_cp_id"))
        batch_op.drop_index(batch_op.f("ix_merges_absorbed_cp_id"))

    op.drop_table("merges")
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_index("ix_review_items_la_code_status")

    op.drop_table("review_items")
    op.drop_table("field_provenance")
    op.drop_table("feed_runs")
    with op.batch_alter_table("feed_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feed_rows_cp_id"))

    op.drop_table("feed_rows")
