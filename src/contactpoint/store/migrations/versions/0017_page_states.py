"""the UI's saved page states: searches and opened records behind opaque URLs, sealed, per session

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "page_states",
        sa.Column("id_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("session_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_hash"],
            ["user_sessions.token_hash"],
            name=op.f("fk_page_states_session_hash_user_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_page_states")),
    )
    op.create_index(op.f("ix_page_states_session_hash"), "page_states", ["session_hash"], unique=False)
    op.create_index(op.f("ix_page_states_expires_at"), "page_states", ["expires_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_page_states_expires_at"), table_name="page_states")
    op.drop_index(op.f("ix_page_states_session_hash"), table_name="page_states")
    op.drop_table("page_states")
