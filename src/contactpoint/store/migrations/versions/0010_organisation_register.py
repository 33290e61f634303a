"""organisation register and accounts awaiting a second administrator's approval

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("services", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_organisations")),
    )
    op.create_index(op.f("ix_organisations_la_code"), "organisations", ["la_code"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("awaiting_approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("created_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("created_by")
        batch.drop_column("awaiting_approval")
    op.drop_index(op.f("ix_organisations_la_code"), table_name="organisations")
    op.drop_table("organisations")
