"""misuse alerts gain a state (new, under review, closed with an outcome); existing alerts are new

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("misuse_alerts") as batch:
        batch.add_column(sa.Column("state", sa.String(length=16), server_default="new", nullable=False))
        batch.add_column(sa.Column("outcome", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("state_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("state_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("misuse_alerts") as batch:
        batch.drop_column("state_at")
        batch.drop_column("state_by")
        batch.drop_column("outcome")
        batch.drop_column("state")
