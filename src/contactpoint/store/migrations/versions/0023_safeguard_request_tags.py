"""safeguard request integrity tags: a keyed tag over each shielding and adoption request

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from contactpoint.crypto.request_tag import TAGGED, RequestTagger

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TAGGER = "request_tagger"  # the attribute `store.migrate.upgrade` hands the tagger over in
_TYPES: dict[str, Any] = {
    "id": sa.Integer(),
    "requester_id": sa.Integer(),
    "review_on": sa.Date(),
    "requested_at": sa.DateTime(timezone=True),
}


def upgrade() -> None:
    """Apply this revision, tagging the requests already there (pending or decided alike).

    Tags need the keyring, which is never in the database: `contactpoint db upgrade` hands a tagger
    over. A store with requests upgraded without one is refused rather than left with requests that
    would all be refused at their decision.
    """
    bind = op.get_bind()
    config = op.get_context().config
    tagger = config.attributes.get(TAGGER) if config is not None else None
    held = sum(bind.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one() for name in TAGGED)  # noqa: S608  # fixed table names
    if held and not isinstance(tagger, RequestTagger):  # checked before any change is made
        raise RuntimeError("tagging existing requests needs the keyring: run `contactpoint db upgrade`")
    for name in TAGGED:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("integrity_tag", sa.LargeBinary(), nullable=True))
            batch.add_column(sa.Column("integrity_version", sa.Integer(), nullable=True))
    if not isinstance(tagger, RequestTagger):
        return
    for name, columns in TAGGED.items():
        table = sa.table(
            name,
            *(sa.column(column, _TYPES.get(column, sa.String())) for column in columns),
            sa.column("integrity_tag", sa.LargeBinary()),
            sa.column("integrity_version", sa.Integer()),
        )
        for row in bind.execute(sa.select(*(table.c[column] for column in columns))).mappings().all():
            bind.execute(
                table.update()
                .where(table.c.id == row["id"])
                .values(integrity_tag=tagger.tag(name, dict(row)), integrity_version=tagger.current_version)
            )


def downgrade() -> None:
    """Revert this revision."""
    for name in TAGGED:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("integrity_version")
            batch.drop_column("integrity_tag")
