from dataclasses import replace

import pytest
from contactpoint.domain.errors import ValidationError
from contactpoint.domain.records import Whereabouts
from contactpoint.domain.vocabulary import AddressState, IntentToReturn, RecordStatus
from contactpoint.store import codec


def test_records_round_trip(factory):
    for _ in range(200):
        child = factory.child()
        assert codec.decode(codec.encode(child), child.cp_id, child.status, child.la_code) == child


def test_unusual_whereabouts_round_trip(factory):
    child = replace(factory.child(), whereabouts=Whereabouts(AddressState.LEFT_ENGLAND,
                                                             intent_to_return=IntentToReturn.NO))
    assert codec.decode(codec.encode(child), child.cp_id, RecordStatus.ACTIVE, child.la_code) == child


def test_the_payload_holds_neither_id_nor_status(factory):
    child = factory.child(status=RecordStatus.SHIELDED)
    payload = codec.encode(child)
    assert child.cp_id.value.encode() not in payload
    assert b"shielded" not in payload


def test_decoding_revalidates_fields(factory):
    child = factory.child()
    payload = codec.encode(child).replace(child.names.current.family.encode(), b"Smith (see notes)")
    with pytest.raises(ValidationError):
        codec.decode(payload, child.cp_id, child.status, child.la_code)


def test_unknown_payload_versions_are_refused(factory):
    child = factory.child()
    payload = codec.encode(child).replace(b'"v":1', b'"v":99')
    with pytest.raises(ValueError, match="payload version"):
        codec.decode(payload, child.cp_id, child.status, child.la_code)
