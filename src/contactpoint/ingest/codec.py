"""A feed row as MessagePack, for the sealed copy the review queue keeps."""

from __future__ import annotations

import msgspec

from contactpoint.ingest.feed_row import FeedRow

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(FeedRow)


def encode_row(row: FeedRow) -> bytes:
    """The row's bytes (to be sealed, never stored as they are)."""
    return _encoder.encode(row)


def decode_row(payload: bytes) -> FeedRow:
    """Rebuild the row, re-running every domain validation."""
    return _decoder.decode(payload)
