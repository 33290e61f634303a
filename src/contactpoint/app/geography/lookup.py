"""Which authority a postcode lies in, read from the store's postcode table.

The table holds millions of units, so no process loads it whole: a lookup reads one postcode
district (a few hundred rows) the first time it meets it and keeps the most recent districts. The
lookup holds only the database URL, so feed workers in other processes receive it and connect
themselves.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from contactpoint.app.feeds.geography import PostcodeAuthorities, prefixes_of
from contactpoint.store.engine import make_engine, make_session_factory
from contactpoint.store.geography_repository import PostcodeAreaRepository

DISTRICTS_KEPT = 512


class StoredPostcodeAuthorities:
    """A postcode's LA by its unit, then its sector, then its district, from the store's table."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._engine: Engine | None = None
        self._districts: OrderedDict[str, dict[str, str]] = OrderedDict()

    def __getstate__(self) -> dict[str, Any]:
        return {"_url": self._url}  # a worker process connects for itself

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["_url"])  # type: ignore[misc]

    def _district(self, outward: str) -> dict[str, str]:
        if (held := self._districts.get(outward)) is not None:
            self._districts.move_to_end(outward)
            return held
        if self._engine is None:
            self._engine = make_engine(self._url)
        with make_session_factory(self._engine)() as session:
            held = PostcodeAreaRepository(session).in_district(outward)
        self._districts[outward] = held
        if len(self._districts) > DISTRICTS_KEPT:
            self._districts.popitem(last=False)
        return held

    def close(self) -> None:
        """Release the lookup's connections (it reconnects if called again)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __call__(self, postcode: str) -> str | None:
        """The LA of the most precise prefix the table holds, or None."""
        prefixes = prefixes_of(postcode)
        owners = self._district(prefixes[-1])
        return next((owners[p] for p in prefixes if p in owners), None)


class FirstOf:
    """A deployment's own CSV table where it places the postcode, else the store's table."""

    def __init__(self, table: PostcodeAuthorities, stored: Callable[[str], str | None]) -> None:
        self.table, self.stored = table, stored

    def __call__(self, postcode: str) -> str | None:
        found = self.table(postcode)
        return found if found is not None else self.stored(postcode)

    def close(self) -> None:
        """Release the store lookup's connections."""
        close = getattr(self.stored, "close", None)
        if close is not None:
            close()
