"""LA directory team contacts gain a keyed tag (existing contacts are tagged with the keyring); every
session ends, as sessions are now found by a keyed hash of their token (ADR 0029)

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contactpoint.crypto.directory_tag import DirectoryTagger

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TAGGER = "directory_tagger"  # the attribute `store.migrate.upgrade` hands the tagger over in


def upgrade() -> None:
    """Apply this revision, tagging the team contacts already held.

    Tags need the keyring, which is never in the database: `contactpoint db upgrade` and
    `contactpoint init` hand a tagger over. A directory holding contacts upgraded without one is
    refused rather than left with every contact refused as tampered.
    """
    bind = op.get_bind()
    config = op.get_context().config
    tagger = config.attributes.get(TAGGER) if config is not None else None
    held = bind.execute(
        sa.text(
            "SELECT count(*) FROM local_authorities "
            "WHERE phone IS NOT NULL OR email IS NOT NULL OR address IS NOT NULL"
        )
    ).scalar_one()
    if held and not isinstance(tagger, DirectoryTagger):  # checked before any change is made
        raise RuntimeError(
            "tagging the LA directory's contacts needs the keyring: run `contactpoint db upgrade`"
        )
    # Rows keyed by a plain SHA-256 are never found again: end them now rather than let them lie.
    op.execute("DELETE FROM page_states")
    op.execute("DELETE FROM user_sessions")
    with op.batch_alter_table("local_authorities") as batch:
        batch.add_column(sa.Column("contact_tag", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("tag_version", sa.Integer(), nullable=True))
    if not isinstance(tagger, DirectoryTagger):
        return
    authorities = sa.table(
        "local_authorities",
        sa.column("code", sa.String()),
        sa.column("phone", sa.String()),
        sa.column("email", sa.String()),
        sa.column("address", sa.String()),
        sa.column("contact_tag", sa.LargeBinary()),
        sa.column("tag_version", sa.Integer()),
    )
    query = sa.select(authorities.c.code, authorities.c.phone, authorities.c.email, authorities.c.address)
    for row in bind.execute(query).all():
        if row.phone is None and row.email is None and row.address is None:
            continue
        bind.execute(
            authorities.update()
            .where(authorities.c.code == row.code)
            .values(
                contact_tag=tagger.tag(row.code, (row.phone, row.email, row.address)),
                tag_version=tagger.current_version,
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("local_authorities") as batch:
        batch.drop_column("tag_version")
        batch.drop_column("contact_tag")
