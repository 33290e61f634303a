"""children, keys, blind indexes, issued ids

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "issued_ids",
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cp_id", name=op.f("pk_issued_ids")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "children",
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("la_code", sa.String(length=3), nullable=False),
        sa.Column("record_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cp_id"], ["issued_ids.cp_id"], name=op.f("fk_children_cp_id_issued_ids")),
        sa.PrimaryKeyConstraint("cp_id", name=op.f("pk_children")),
    )
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.create_index("ix_children_la_code_status", ["la_code", "status"], unique=False)

    op.create_table(
        "blind_index",
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("searchable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cp_id"], ["children.cp_id"], name=op.f("fk_blind_index_cp_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kind", "value", "cp_id", name=op.f("pk_blind_index")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("blind_index", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blind_index_cp_id"), ["cp_id"], unique=False)

    op.create_table(
        "record_keys",
        sa.Column("cp_id", sa.String(length=12), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cp_id"], ["children.cp_id"], name=op.f("fk_record_keys_cp_id_children"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("cp_id", name=op.f("pk_record_keys")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("record_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_keys_key_version"), ["key_version"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("record_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_keys_key_version"))

    op.drop_table("record_keys")
    with op.batch_alter_table("blind_index", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blind_index_cp_id"))

    op.drop_table("blind_index")
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index("ix_children_la_code_status")

    op.drop_table("children")
    op.drop_table("issued_ids")
