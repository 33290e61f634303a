"""Training rows from feed files: each row mapped with its source's mapping and featurised, unlabelled.

The model is estimated from the rows it will link (`contactpoint linkage train --feed`), so its m and
u values describe the errors and name frequencies of those feeds, not of the data set it shipped with.
Rows are held in memory only, like every other feature row (see `scoring.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contactpoint.domain.errors import ValidationError
from contactpoint.ingest.mapping import SourceMapping
from contactpoint.ingest.readers import RawRow, read_feed
from contactpoint.linkage.features import name_rows


def feed_feature_rows(path: Path, mapping: SourceMapping) -> list[dict[str, Any]]:
    """A feature row per name of every complete row the mapping accepts; the rest are left out."""
    rows: list[dict[str, Any]] = []
    for item in read_feed(path):
        if not isinstance(item, RawRow):
            continue
        try:
            row = mapping.map_row(item.values, item.line)
        except ValidationError:
            continue
        if row.partial:  # its missing fields would be trained as values
            continue
        rows.extend(
            name_rows(
                f"{mapping.source}:{row.row_key}",
                row.names.all(),
                born=row.date_of_birth,
                gender=row.gender,
                whereabouts=row.whereabouts,
                identifiers=row.identifiers,
            )
        )
    return rows
