"""postcode areas and the LA directory; LA codes widened to hold ONS codes

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LA_CODE_TABLES = (
    ("users", True),
    ("organisations", False),
    ("audit_subjects", True),
    ("misuse_alerts", True),
    ("children", False),
    ("review_items", True),
    ("shielding_requests", False),
    ("contact_requests", False),
    ("adoption_requests", False),
    ("notifications", True),
)


def _resize(width_from: int, width_to: int) -> None:
    for table, nullable in LA_CODE_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "la_code",
                existing_type=sa.String(length=width_from),
                type_=sa.String(length=width_to),
                existing_nullable=nullable,
            )


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "postcode_areas",
        sa.Column("district", sa.String(length=4), nullable=False),
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("la_code", sa.String(length=9), nullable=False),
        sa.PrimaryKeyConstraint("district", "prefix", name=op.f("pk_postcode_areas")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "local_authorities",
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=400), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_local_authorities")),
    )
    _resize(3, 9)


def downgrade() -> None:
    """Revert this revision."""
    _resize(9, 3)
    op.drop_table("local_authorities")
    op.drop_table("postcode_areas")
