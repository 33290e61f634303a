"""term-frequency tables built from the index

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "term_frequency_tables",
        sa.Column("column_name", sa.String(length=40), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("names_counted", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("column_name", name=op.f("pk_term_frequency_tables")),
    )
    with op.batch_alter_table("term_frequency_tables", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_term_frequency_tables_key_version"), ["key_version"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("term_frequency_tables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_frequency_tables_key_version"))
    op.drop_table("term_frequency_tables")
