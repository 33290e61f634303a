"""one-time passwords: an administrator-set password must be changed at first sign-in and expires

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("password_must_change", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True))
    # An account never signed in still holds the password its administrator set: one-time from now.
    users = sa.table(
        "users",
        sa.column("password_must_change", sa.Boolean()),
        sa.column("password_set_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("totp_enrolled", sa.Boolean()),
    )
    op.execute(
        users.update()
        .where(users.c.totp_enrolled == sa.false())
        .values(password_must_change=True, password_set_at=users.c.created_at)
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_set_at")
        batch.drop_column("password_must_change")
