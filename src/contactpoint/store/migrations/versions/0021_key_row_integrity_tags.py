"""machine accounts' key rows (source_accounts, client_systems) gain keyed integrity tags

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from contactpoint.crypto.account_tag import AccountTagger, KeyTable

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TAGGER = "account_tagger"  # the attribute `store.migrate.upgrade` hands the tagger over in
_TYPES: dict[type, Any] = {
    int: sa.Integer(),
    str: sa.String(),
    bool: sa.DateTime(timezone=True),  # `revoked_at`, tagged as whether it is set
    bytes: sa.LargeBinary(),
}


def upgrade() -> None:
    """Apply this revision, tagging the key rows already there, as 0015 tagged accounts.

    A store with machine accounts upgraded without the keyring is refused rather than left with
    keys that would all be refused.
    """
    bind = op.get_bind()
    config = op.get_context().config
    tagger = config.attributes.get(TAGGER) if config is not None else None
    held = sum(
        bind.execute(sa.select(sa.func.count()).select_from(sa.table(table.value))).scalar_one()
        for table in KeyTable
    )
    if held and not isinstance(tagger, AccountTagger):  # checked before any change is made
        raise RuntimeError(
            "tagging existing machine accounts needs the keyring: run `contactpoint db upgrade`"
        )
    for table in KeyTable:
        with op.batch_alter_table(table.value) as batch:
            batch.add_column(sa.Column("integrity_tag", sa.LargeBinary(), nullable=True))
            batch.add_column(sa.Column("integrity_version", sa.Integer(), nullable=True))
    if not isinstance(tagger, AccountTagger):
        return
    for table in KeyTable:
        rows = sa.table(
            table.value,
            *(sa.column(name, _TYPES[kind]) for name, kind in table.tagged),
            sa.column("integrity_tag", sa.LargeBinary()),
            sa.column("integrity_version", sa.Integer()),
        )
        for row in bind.execute(sa.select(*(rows.c[name] for name, _ in table.tagged))).all():
            bind.execute(
                rows.update()
                .where(rows.c.user_id == row.user_id)
                .values(integrity_tag=tagger.key_tag(table, row), integrity_version=tagger.current_version)
            )


def downgrade() -> None:
    """Revert this revision."""
    for table in KeyTable:
        with op.batch_alter_table(table.value) as batch:
            batch.drop_column("integrity_version")
            batch.drop_column("integrity_tag")
