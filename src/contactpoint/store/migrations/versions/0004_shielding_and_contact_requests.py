"""shielding and contact requests

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cp_id"], ["children.cp_id"], name=op.f("fk_contact_requests_cp_id_children"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"], ["users.id"], name=op.f("fk_contact_requests_handler_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name=op.f("fk_contact_requests_requester_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_requests")),
    )
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_requests_cp_id"), ["cp_id"], unique=False)
        batch_op.create_index("ix_contact_requests_la_outcome", ["la_code", "outcome"], unique=False)

    op.create_table(
        "shielding_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decider_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cp_id"],
            ["children.cp_id"],
            name=op.f("fk_shielding_requests_cp_id_children"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decider_id"], ["users.id"], name=op.f("fk_shielding_requests_decider_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name=op.f("fk_shielding_requests_requester_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shielding_requests")),
    )
    with op.batch_alter_table("shielding_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shielding_requests_cp_id"), ["cp_id"], unique=False)
        batch_op.create_index("ix_shielding_requests_la_state", ["la_code", "state"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("shielding_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_shielding_requests_la_state")
        batch_op.drop_index(batch_op.f("ix_shielding_requests_cp_id"))

    op.drop_table("shielding_requests")
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_requests_la_outcome")
        batch_op.drop_index(batch_op.f("ix_contact_requests_cp_id"))

    op.drop_table("contact_requests")
