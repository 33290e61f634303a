"""The initial load's producer processes: rows mapped and hashed, records sealed and indexed.

Mapping, hashing, encoding, encryption and the blind-index HMACs are nearly all of a load's CPU, and
Python runs one thread at a time per process, so they run in spawned processes while the main one
decides and writes. A producer holds the main process's keyring (so row hashes, ciphertexts and
index values are exactly those the main process would make: ADR 0005) and nothing else; rows and
records travel in memory through pipes, never through a file, and a producer stops the moment the
load that started it dies (`child_processes.stop_with_parent`).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from contactpoint.app.feeds.items import FeedItem, mapped_items
from contactpoint.child_processes import stop_with_parent
from contactpoint.crypto.blind_index import BlindIndexer
from contactpoint.crypto.keyring import Keyring
from contactpoint.crypto.record_cipher import RecordCipher
from contactpoint.domain.records import ChildRecord
from contactpoint.ingest.mapping import SourceMapping
from contactpoint.ingest.readers import ReadItem
from contactpoint.ingest.row_hash import RowHasher
from contactpoint.linkage.blocking import blocking_terms
from contactpoint.store.sealing import NewRows, RecordSealer


@dataclass(frozen=True, slots=True)
class _Producer:
    mapping: SourceMapping
    hasher: RowHasher
    sealer: RecordSealer


_producer: list[_Producer] = []  # the producer process's own state, set once by _start


def _start(keyring_json: str, index_bits: int, mapping: SourceMapping, parent: int) -> None:
    stop_with_parent(parent)
    keyring = Keyring.from_json(keyring_json)
    sealer = RecordSealer(RecordCipher(keyring), BlindIndexer(keyring, index_bits), blocking_terms)
    _producer.append(_Producer(mapping, RowHasher(keyring), sealer))


def map_rows(read: list[ReadItem], today: date, extracted: date | None) -> list[FeedItem]:
    """A slice of the file's rows mapped and hashed, as `mapped_items` does in a feed run."""
    producer = _producer[0]
    return list(mapped_items(producer.mapping, read, producer.hasher, today=today, extracted=extracted))


def seal_records(records: list[ChildRecord], now: object) -> NewRows:
    """New records' rows, their issued IDs included, sealed and indexed under the current key."""
    return _producer[0].sealer.new_rows(records, now, issued=True)


def producer_pool(
    keyring: Keyring, index_bits: int, mapping: SourceMapping, producers: int
) -> ProcessPoolExecutor:
    """`producers` spawned processes (a forked copy would share the open connections)."""
    return ProcessPoolExecutor(
        producers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(keyring.to_json(), index_bits, mapping, os.getpid()),
    )
