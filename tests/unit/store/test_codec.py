from dataclasses import replace

import pytest

from contactpoint.domain.errors import IntegrityFailure, ValidationError
from contactpoint.domain.records import Whereabouts
from contactpoint.domain.vocabulary import AddressState, IntentToReturn, RecordStatus
from contactpoint.store import codec


def test_records_round_trip(factory):
    for _ in range(200):
        child = factory.child()
        assert codec.decode(codec.encode(child), child.cp_id, child.status, child.la_code) == child


def test_unusual_whereabouts_round_trip(factory):
    child = replace(
        factory.child(),
        whereabouts=Whereabouts(AddressState.LEFT_ENGLAND, intent_to_return=IntentToReturn.NO),
    )
    assert codec.decode(codec.encode(child), child.cp_id, RecordStatus.ACTIVE, child.la_code) == child


def test_a_payload_read_against_another_row_is_refused(factory):
    child = factory.child(status=RecordStatus.SHIELDED)
    payload = codec.encode(child)
    with pytest.raises(IntegrityFailure):
        codec.decode(payload, child.cp_id, RecordStatus.ACTIVE, child.la_code)
    with pytest.raises(IntegrityFailure):
        codec.decode(payload, factory.child().cp_id, child.status, child.la_code)


def test_a_payload_of_another_shape_is_a_validation_error(factory):
    child = factory.child()
    with pytest.raises(ValidationError, match="payload"):
        codec.decode(
            bytes([codec.PAYLOAD_VERSION]) + b"\x93\x01\x02\x03", child.cp_id, child.status, child.la_code
        )


def test_decoding_revalidates_fields(factory):
    child = factory.child()
    family = child.names.current.family.encode()
    assert len(family) < 32  # msgpack fixstr: the length byte sits just before the text
    notes = b"Smith (see notes)"[: len(family)].ljust(len(family), b"!")
    payload = codec.encode(child).replace(family, notes)
    with pytest.raises(ValidationError):
        codec.decode(payload, child.cp_id, child.status, child.la_code)


def test_unknown_payload_versions_are_refused(factory):
    child = factory.child()
    payload = bytes([99]) + codec.encode(child)[1:]
    with pytest.raises(ValueError, match="payload version"):
        codec.decode(payload, child.cp_id, child.status, child.la_code)
