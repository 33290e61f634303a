"""adoption requests

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "adoption_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("birth_cp_id", sa.String(length=12), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decider_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("key_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["birth_cp_id"],
            ["children.cp_id"],
            name=op.f("fk_adoption_requests_birth_cp_id_children"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decider_id"], ["users.id"], name=op.f("fk_adoption_requests_decider_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name=op.f("fk_adoption_requests_requester_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adoption_requests")),
    )
    with op.batch_alter_table("adoption_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adoption_requests_birth_cp_id"), ["birth_cp_id"], unique=False)
        batch_op.create_index("ix_adoption_requests_la_state", ["la_code", "state"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("adoption_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_adoption_requests_la_state")
        batch_op.drop_index(batch_op.f("ix_adoption_requests_birth_cp_id"))

    op.drop_table("adoption_requests")
