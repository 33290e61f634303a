"""in-service notifications: a change of lead professional told to the team that held it and the LA

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("org_code", sa.String(length=12), nullable=True),
        sa.Column("service", sa.String(length=32), nullable=True),
        sa.Column("la_code", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_org_code"), "notifications", ["org_code"], unique=False)
    op.create_index(op.f("ix_notifications_la_code"), "notifications", ["la_code"], unique=False)
    op.create_index(op.f("ix_notifications_created_at"), "notifications", ["created_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_notifications_created_at"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_la_code"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_org_code"), table_name="notifications")
    op.drop_table("notifications")
