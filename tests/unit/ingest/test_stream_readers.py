"""The readers over a streamed body: chunks of any size split into exactly the file's lines and rows."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactpoint.domain.errors import ValidationError
from contactpoint.ingest.readers import FeedFormat, RawRow, Unreadable, lines_of, parse_feed, read_feed

FEED = (
    b"recordId,givenName,familyName\r\n"
    b"YJ1,Amy,Jones\n"
    b'YJ2,"Bea\n'  # a broken quote: this row only
    b"YJ3,Ca\xffl,Smith\n"  # not UTF-8: this row only
    b"\n"
    b"YJ4,Dan,Evans"  # no newline at the end
)


def _cut(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=30))
def test_chunks_cut_anywhere_give_the_lines_a_file_gives(cuts: list[int]) -> None:
    assert list(lines_of(_cut(FEED, cuts))) == FEED.splitlines(keepends=True)


def test_a_line_longer_than_the_limit_stops_the_feed() -> None:
    with pytest.raises(ValidationError) as caught:
        list(lines_of([b"a" * 10, b"b" * 10, b"\n"], max_line=15))
    assert caught.value.field == "feed"


@pytest.mark.parametrize(
    ("feed_format", "name", "data"),
    [
        (FeedFormat.CSV, "feed.csv", FEED),
        (
            FeedFormat.JSON_LINES,
            "feed.jsonl",
            b'{"recordId": "YJ1", "givenName": "Amy"}\n[1]\n{"recordId": "YJ2", "givenName": null}',
        ),
        (
            FeedFormat.FHIR_BUNDLE,
            "feed.json",
            json.dumps(
                {
                    "resourceType": "Bundle",
                    "entry": [
                        {"resource": {"resourceType": "Patient", "id": "p1", "birthDate": "2020-01-02"}},
                        {"resource": {"resourceType": "Observation"}},
                    ],
                }
            ).encode(),
        ),
    ],
)
def test_a_streamed_feed_reads_as_the_same_file_does(
    tmp_path: Path, feed_format: FeedFormat, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)

    streamed = list(parse_feed(feed_format, _cut(data, [7, 8, 40, 41, 99])))

    assert streamed == list(read_feed(path))
    assert len(streamed) >= 2


MIXED_ENDS = b"recordId,givenName\r" + b"YJ1,Amy\r\n" + b"YJ2,Bea\n" + b"\r" + b"YJ3,Cal\r"


@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=30))
def test_lines_end_at_cr_lf_lf_or_a_lone_cr_wherever_the_chunks_are_cut(cuts: list[int]) -> None:
    assert list(lines_of(_cut(MIXED_ENDS, cuts))) == MIXED_ENDS.splitlines(keepends=True)


def test_a_csv_file_with_a_byte_order_mark_and_cr_only_lines_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_bytes(b"\xef\xbb\xbfrecordId,givenName\rYJ1,Amy\rYJ2,Bea\r")

    items = list(read_feed(path))

    assert [(i.line, i.values) for i in items if isinstance(i, RawRow)] == [
        (2, {"recordId": "YJ1", "givenName": "Amy"}),
        (3, {"recordId": "YJ2", "givenName": "Bea"}),
    ]


def test_a_header_that_is_not_csv_stops_the_feed_plainly() -> None:
    with pytest.raises(ValidationError) as caught:
        list(parse_feed(FeedFormat.CSV, [b'recordId,"given\x00Name\n', b"YJ1,Amy\n"]))

    assert caught.value.field == "feed"


def test_json_lines_with_huge_numbers_deep_nesting_or_a_byte_order_mark_are_rejected_or_read_by_line() -> (
    None
):
    lines = [
        b'\xef\xbb\xbf{"recordId": "YJ1", "givenName": "Amy"}\n',
        b'{"recordId": "YJ2", "age": ' + b"9" * 5000 + b"}\n",
        b'{"recordId": "YJ3", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
        b'{"recordId": "YJ4", "givenName": 7}\n',
    ]

    items = list(parse_feed(FeedFormat.JSON_LINES, lines))

    assert isinstance(items[0], RawRow)
    assert items[0].values == {"recordId": "YJ1", "givenName": "Amy"}
    assert [(i.line, i.reason) for i in items[1:] if isinstance(i, Unreadable)] == [
        (2, "not a well-formed JSON object"),
        (3, "nested too deeply to be a row"),
        (4, "not a flat object of text values"),
    ]


def _bundle(*resources: object) -> bytes:
    return json.dumps({"resourceType": "Bundle", "entry": [{"resource": r} for r in resources]}).encode()


def test_a_patient_with_an_element_of_the_wrong_type_is_rejected_naming_it_and_the_rest_read() -> None:
    good = {"resourceType": "Patient", "id": "p3", "birthDate": "2020-01-02"}
    document = _bundle(
        {"resourceType": "Patient", "id": "p1", "name": "Amy Jones"},
        {"resourceType": "Patient", "id": "p2", "address": [{"line": [1, 2]}]},
        good,
    )

    items = list(parse_feed(FeedFormat.FHIR_BUNDLE, [document]))

    assert [(i.line, i.reason) for i in items if isinstance(i, Unreadable)] == [
        (1, "Patient.name is not of the type FHIR gives it"),
        (2, "Patient.address.line is not of the type FHIR gives it"),
    ]
    assert isinstance(items[2], RawRow)


@pytest.mark.parametrize(
    "document",
    [
        b'{"resourceType": "Bundle", "entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"resourceType": "Bundle", "total": ' + b"9" * 5000 + b"}",
        b'{"resourceType": "Bundle", "entry": 5}',
        b'{"resourceType": "Bundle", "entry": "Patient"}',
    ],
)
def test_a_bundle_that_cannot_be_read_stops_plainly(document: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        list(parse_feed(FeedFormat.FHIR_BUNDLE, [document]))

    assert caught.value.field == "feed"


def test_a_bundle_with_a_byte_order_mark_is_read() -> None:
    document = b"\xef\xbb\xbf" + _bundle({"resourceType": "Patient", "id": "p1"})

    assert [type(i) for i in parse_feed(FeedFormat.FHIR_BUNDLE, [document])] == [RawRow]
