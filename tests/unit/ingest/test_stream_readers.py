"""The readers over a streamed body: chunks of any size split into exactly the file's lines and rows."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactpoint.domain.errors import ValidationError
from contactpoint.ingest.readers import FeedFormat, lines_of, parse_feed, read_feed

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
