"""account affinity keys

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("surname_key", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("postcode_key", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("affinity_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("affinity_version")
        batch_op.drop_column("postcode_key")
        batch_op.drop_column("surname_key")
