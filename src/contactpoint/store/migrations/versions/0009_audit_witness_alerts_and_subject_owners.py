"""audit head notes its last checkpoint; misuse alerts name the audit entry recording them;
audit subjects name the LA owning the child

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision.

    The head's checkpoint columns start empty, so the first append after the upgrade signs a
    checkpoint at once: that pins the entries written with plain SHA-256 tags before it.
    """
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkpoint_seq", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("checkpoint_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("misuse_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entry_seq", sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_misuse_alerts_entry_seq"), ["entry_seq"])
    with op.batch_alter_table("audit_subjects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("la_code", sa.String(length=3), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_subjects_la_code"), ["la_code"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("audit_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_subjects_la_code"))
        batch_op.drop_column("la_code")
    with op.batch_alter_table("misuse_alerts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_misuse_alerts_entry_seq"), type_="unique")
        batch_op.drop_column("entry_seq")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("checkpoint_at")
        batch_op.drop_column("checkpoint_seq")
