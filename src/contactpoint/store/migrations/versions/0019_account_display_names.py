"""accounts gain a display name, filled from the username for the accounts that exist

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("display_name", sa.String(length=120), nullable=True))
    op.execute("UPDATE users SET display_name = username")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("display_name", existing_type=sa.String(length=120), nullable=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("display_name")
