"""Writes to a machine key's row (data-source accounts, client systems) that keep its keyed tag.

Both tables carry the same columns for the tag (`integrity_tag`, `integrity_version`) keyed by
`user_id`, so the two repositories share how a change re-tags a row and how a key rotation moves
tags to a new version: only a row whose tag held is re-tagged, so a row edited outside the
application stays visible to `users verify` (ADR 0025).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from contactpoint.crypto.account_tag import AccountTagger, KeyTable
from contactpoint.store.models import Base


@dataclass(frozen=True, slots=True)
class KeyRowTags:
    """One key table's tagged writes, in the repository's session."""

    session: Session
    tagger: AccountTagger
    kind: KeyTable
    row: type[Base]  # the mapped class of the key table

    def update(self, user_id: int, values: dict[str, object]) -> None:
        """Change the row of `user_id`, re-tagging it over the new values if its tag held."""
        table, tagger = self.row.__table__, self.tagger
        before = self.session.execute(
            select(table).where(table.c.user_id == user_id).with_for_update()
        ).one_or_none()
        if before is not None and tagger.key_intact(
            self.kind, before, before.integrity_version, before.integrity_tag
        ):
            after = SimpleNamespace(**(before._asdict() | values))
            values = values | {
                "integrity_tag": tagger.key_tag(self.kind, after),
                "integrity_version": tagger.current_version,
            }
        self.session.execute(update(self.row).where(table.c.user_id == user_id).values(**values))

    def retag(self, version: int) -> int:
        """Re-make under `version` the tags that hold under another (key rotation); returns how many."""
        table, tagger = self.row.__table__, self.tagger
        rows = self.session.execute(
            select(table).where(table.c.integrity_version != version).with_for_update()
        ).all()
        moved = 0
        for row in rows:
            if tagger.key_intact(self.kind, row, row.integrity_version, row.integrity_tag):
                self.session.execute(
                    update(self.row)
                    .where(table.c.user_id == row.user_id)
                    .values(integrity_tag=tagger.key_tag(self.kind, row, version), integrity_version=version)
                )
                moved += 1
        return moved
