import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import damm

from contactpoint.domain.errors import InvalidContactPointId
from contactpoint.domain.identifiers import ID_LENGTH, ContactPointId

payloads = st.text(alphabet="0123456789", min_size=ID_LENGTH - 1, max_size=ID_LENGTH - 1)


def _with_check(payload: str) -> str:
    return payload + str(damm.calc_check_digit(payload))


def test_generated_ids_are_valid_fixed_length_and_distinct():
    ids = {ContactPointId.generate().value for _ in range(2_000)}
    assert len(ids) == 2_000
    assert all(len(i) == ID_LENGTH and i.isdigit() for i in ids)


def test_generated_ids_spread_over_every_leading_digit():
    leading = {ContactPointId.generate().value[0] for _ in range(500)}
    assert leading == set("0123456789")


@given(payloads, st.integers(0, ID_LENGTH - 1), st.integers(1, 9))
def test_every_single_digit_error_is_rejected(payload, position, shift):
    valid = _with_check(payload)
    wrong_digit = str((int(valid[position]) + shift) % 10)
    mistyped = valid[:position] + wrong_digit + valid[position + 1 :]
    with pytest.raises(InvalidContactPointId):
        ContactPointId(mistyped)


@given(payloads, st.integers(0, ID_LENGTH - 2))
def test_every_adjacent_transposition_is_rejected(payload, position):
    valid = _with_check(payload)
    if valid[position] == valid[position + 1]:
        return  # swapping equal digits changes nothing
    swapped = valid[:position] + valid[position + 1] + valid[position] + valid[position + 2 :]
    with pytest.raises(InvalidContactPointId):
        ContactPointId(swapped)


@given(payloads)
def test_formatted_ids_parse_back(payload):
    cp_id = ContactPointId(_with_check(payload))
    assert ContactPointId.parse(cp_id.formatted()) == cp_id
    assert ContactPointId.parse(cp_id.formatted().replace(" ", "-")) == cp_id


FULL_WIDTH_DIGITS = "".join(chr(0xFF10 + int(d)) for d in "123456789012")


@pytest.mark.parametrize("text", ["", "12345", "1234567890123", "12345678901a", FULL_WIDTH_DIGITS])
def test_ids_of_the_wrong_shape_are_rejected(text):
    with pytest.raises(InvalidContactPointId, match="digits"):
        ContactPointId(text)


def test_error_message_does_not_echo_the_input():
    with pytest.raises(InvalidContactPointId) as caught:
        ContactPointId("123456789012")
    assert "123456789012" not in str(caught.value)
