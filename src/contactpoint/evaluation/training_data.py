"""Training rows from a synthetic data set: every feed file mapped, featurised and labelled with its person.

Only synthetic feeds are ever used for training (their truth gives the labels); nothing real is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contactpoint.domain.errors import ValidationError
from contactpoint.ingest.mapping import load_mapping
from contactpoint.ingest.readers import RawRow, read_feed
from contactpoint.linkage.features import features
from contactpoint.synth.truth import Truth


def training_datasets(synthetic: Path, *, generations: int = 4) -> dict[str, list[dict[str, Any]]]:
    """Feature rows per feed file (`source/gen<g>`) of the first `generations`, with a person_id label."""
    truth = Truth.load(synthetic / "truth")
    datasets: dict[str, list[dict[str, Any]]] = {}
    for source in sorted(truth.manifest["sources"]):
        mapping = load_mapping(source)
        for generation in range(min(generations, len(truth.manifest["generation_dates"]))):
            path = truth.feed_path(source, generation, "csv")
            if not path.is_file():
                continue
            rows: list[dict[str, Any]] = []
            for item in read_feed(path):
                if not isinstance(item, RawRow):
                    continue
                try:
                    row = mapping.map_row(item.values, item.line)
                except ValidationError:
                    continue
                if row.partial:
                    continue
                data = features(
                    row.row_key,
                    row.names.current,
                    born=row.date_of_birth,
                    gender=row.gender,
                    whereabouts=row.whereabouts,
                    identifiers=row.identifiers,
                )
                data["person_id"] = truth.person_of(source, row.row_key)
                rows.append(data)
            datasets[f"{source}_gen{generation}"] = rows
    return datasets
