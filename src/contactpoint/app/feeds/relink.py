"""Use case: re-link the whole index in one batch, to find records that are one child twice.

Feed linkage compares new rows with the index; this compares the index with itself (Splink's
`predict_within` over every record, blocked by the model's rules), for after a model or threshold
change. It proposes merges, it never makes one: pairs above the upper threshold that the twins
rule clears are written for an administrator (`review merge`). Sealed records take no part
(DESIGN invariant 4); pairs with a shielded record are marked for the owning LA only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contactpoint.app.runtime import Runtime
from contactpoint.domain.vocabulary import RecordStatus
from contactpoint.linkage.decisions import Thresholds, TwinCheck, twin_check
from contactpoint.linkage.features import name_rows
from contactpoint.linkage.scoring import Scorer

PAGE = 2_000


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """Two records the model says are one child: IDs, weight and whether it is an LA-private matter."""

    first: str
    second: str
    match_weight: float
    private: bool
    la_code: str


def relink_index(
    runtime: Runtime,
    scorer: Scorer,
    thresholds: Thresholds,
    *,
    on_page: Callable[[int], None] | None = None,
) -> list[DuplicatePair]:
    """Score every record against every other it blocks with; return the likely duplicates."""
    rows: list[dict[str, Any]] = []
    status: dict[str, tuple[RecordStatus, str]] = {}
    after = ""
    while True:
        with runtime.unit_of_work() as uow:
            ids = uow.children.ids_after(after, PAGE)
            if not ids:
                break
            for cp_id, stored in uow.children.get_many(ids).items():
                record = stored.record
                if record.status is RecordStatus.SEALED:
                    continue
                status[cp_id.value] = (record.status, record.la_code)
                rows.extend(
                    name_rows(
                        cp_id.value,
                        record.names.all(),
                        born=record.date_of_birth,
                        gender=record.gender,
                        whereabouts=record.whereabouts,
                        identifiers=record.identifiers,
                    )
                )
        after = ids[-1].value
        if on_page is not None:
            on_page(len(ids))
    pairs = []
    for pair in scorer.within(rows, thresholds.upper):
        if pair.left == pair.right or twin_check(pair) is not TwinCheck.CLEAR:
            continue
        first, second = sorted((pair.left, pair.right))
        private = RecordStatus.SHIELDED in (status[first][0], status[second][0])
        pairs.append(DuplicatePair(first, second, round(pair.match_weight, 2), private, status[first][1]))
    unique = {(p.first, p.second): p for p in sorted(pairs, key=lambda p: p.match_weight)}
    return sorted(unique.values(), key=lambda p: (p.first, p.second))
