"""The record payload: a child record as MessagePack, before encryption and after decryption.

msgspec encodes the domain's dataclasses directly and, on the way back, rebuilds them through
their constructors, so every domain validation runs again on every read. It was chosen over a
hand-written JSON mapping because that cost more than the encryption itself (ADR 0002). The first
byte is the payload version, so the format can change without guessing.
"""

from __future__ import annotations

import msgspec

from contactpoint.domain.errors import IntegrityFailure, ValidationError
from contactpoint.domain.identifiers import ContactPointId
from contactpoint.domain.records import ChildRecord
from contactpoint.domain.vocabulary import RecordStatus

PAYLOAD_VERSION = 1
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(ChildRecord)


def encode(record: ChildRecord) -> bytes:
    """The payload bytes for a record."""
    return bytes([PAYLOAD_VERSION]) + _encoder.encode(record)


def decode(payload: bytes, cp_id: ContactPointId, status: RecordStatus, la_code: str) -> ChildRecord:
    """Rebuild the record, validating every field, and check it against its row's columns."""
    if not payload or payload[0] != PAYLOAD_VERSION:
        raise ValueError(f"unknown payload version {payload[:1]!r}")
    try:
        record = _decoder.decode(payload[1:])
    except msgspec.ValidationError as error:
        cause = error.__cause__
        if isinstance(cause, ValidationError):
            raise cause from error
        raise ValidationError("payload", "does not have the shape of a child record") from error
    if (record.cp_id, record.status, record.la_code) != (cp_id, status, la_code):
        raise IntegrityFailure("the payload does not belong to its row")
    return record
