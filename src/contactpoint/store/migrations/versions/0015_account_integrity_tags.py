"""account integrity tags: a keyed tag over each account's security-relevant columns

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from contactpoint.crypto.account_tag import TAGGED, AccountTagger

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TAGGER = "account_tagger"  # the attribute `store.migrate.upgrade` hands the tagger over in
_TYPES: dict[type, Any] = {
    int: sa.Integer(),
    str: sa.String(),
    bool: sa.Boolean(),
    bytes: sa.LargeBinary(),
}


def upgrade() -> None:
    """Apply this revision, tagging the accounts already there.

    Tags need the keyring, which is never in the database: `contactpoint db upgrade` and
    `contactpoint init` hand a tagger over. A store with accounts upgraded without one is refused
    rather than left with accounts that would all be refused at sign-in.
    """
    bind = op.get_bind()
    config = op.get_context().config
    tagger = config.attributes.get(TAGGER) if config is not None else None
    accounts = bind.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
    if accounts and not isinstance(tagger, AccountTagger):  # checked before any change is made
        raise RuntimeError("tagging existing accounts needs the keyring: run `contactpoint db upgrade`")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("integrity_tag", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("integrity_version", sa.Integer(), nullable=True))
    if not isinstance(tagger, AccountTagger):
        return
    users = sa.table(
        "users",
        *(sa.column(name, _TYPES[kind]) for name, kind in TAGGED),
        sa.column("integrity_tag", sa.LargeBinary()),
        sa.column("integrity_version", sa.Integer()),
    )
    for row in bind.execute(sa.select(*(users.c[name] for name, _ in TAGGED))).all():
        bind.execute(
            users.update()
            .where(users.c.id == row.id)
            .values(integrity_tag=tagger.tag(row), integrity_version=tagger.current_version)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("integrity_version")
        batch.drop_column("integrity_tag")
