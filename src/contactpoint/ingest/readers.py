"""Feed readers: CSV, JSON Lines and FHIR R4 Bundles of Patient resources, as rows of named values.

Each yields `RawRow`s (line number and values) or `Unreadable`s (line number and why), so one
malformed line becomes a reject and the rest of the feed proceeds. Files are read as bytes and
decoded line by line, so bad encoding fails that line only. The same readers take any iterable of
byte lines (`parse_feed`): the upload API streams a request body through them, never via a file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from contactpoint.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as the source sent it: column name to text (None for empty)."""

    line: int
    values: dict[str, str | None]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A line that could not be read as a row at all."""

    line: int
    reason: str


ReadItem = RawRow | Unreadable
HeaderCheck = Callable[[Sequence[str], bool], None]
"""Called with a file's columns before its first row (and whether the file names every column);
raises to stop the file. `SourceMapping.check_header` is one."""


class FeedFormat(StrEnum):
    """The three shapes a feed comes in."""

    CSV = "csv"
    JSON_LINES = "jsonl"
    FHIR_BUNDLE = "fhir"


MAX_LINE_BYTES = 1 << 20  # no source's row comes near this; a longer "line" is not a feed
_READ_BYTES = 1 << 20
_LINE_END = re.compile(rb"\r\n|\r|\n")  # Windows, old Mac (CR only) and Unix line ends
_BOM = "\ufeff"


def lines_of(chunks: Iterable[bytes], max_line: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Byte chunks (a request body as it arrives, or a file read in blocks) split into lines, each
    with its line end, the last without one if the stream ends without one. A line ends at CR LF, LF
    or a lone CR (spreadsheets on a Mac still write CR-only files). Hand-written because the standard
    library splits only files, and those on LF only in binary mode; one partial line is held."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        start = 0
        for end in _LINE_END.finditer(pending):
            if end.end() == len(pending) and end.group() == b"\r":
                break  # perhaps the first half of a CR LF cut by the chunk: wait for the next
            yield pending[start : end.end()]
            start = end.end()
        pending = pending[start:]
        if len(pending) > max_line:
            raise ValidationError("feed", f"has a line longer than {max_line} bytes")
    if pending:
        yield pending


def _decoded(raw_lines: Iterable[bytes]) -> Iterator[tuple[int, str | None]]:
    """Lines as text; a byte-order mark (which spreadsheets put before the header) is not text."""
    for number, raw in enumerate(raw_lines, start=1):
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            yield number, None
            continue
        yield number, text.removeprefix(_BOM) if number == 1 else text


def _decoded_lines(path: Path) -> Iterator[tuple[int, str | None]]:
    with path.open("rb") as handle:
        yield from _decoded(lines_of(iter(lambda: handle.read(_READ_BYTES), b"")))


def read_csv(path: Path, header_check: HeaderCheck | None = None) -> Iterator[ReadItem]:
    """Rows of a CSV file with a header line; the line number is the file's (header is line 1)."""
    return _csv_rows(_decoded_lines(path), header_check)


def parse_csv(raw_lines: Iterable[bytes], header_check: HeaderCheck | None = None) -> Iterator[ReadItem]:
    """`read_csv` over byte lines from anywhere (a streamed upload)."""
    return _csv_rows(_decoded(raw_lines), header_check)


def _csv_rows(
    lines: Iterator[tuple[int, str | None]], header_check: HeaderCheck | None
) -> Iterator[ReadItem]:
    """Rows are parsed one physical line at a time: the sources never put line breaks inside values,
    so a broken quote fails one row instead of swallowing the rest of the file."""
    first = next(lines, None)
    if first is None or first[1] is None:
        raise ValidationError("feed", "the file has no readable header line")
    try:
        header = next(csv.reader([first[1]], strict=True), [])
    except csv.Error as error:
        raise ValidationError("feed", "the header line is not well-formed CSV") from error
    if header_check is not None:
        header_check(header, True)
    for number, text in lines:
        if text is None:
            yield Unreadable(number, "not valid UTF-8")
            continue
        if not text.strip():
            continue
        try:
            fields = next(csv.reader(io.StringIO(text), strict=True))
        except csv.Error:
            yield Unreadable(number, "not a well-formed CSV line")
            continue
        if len(fields) != len(header):
            yield Unreadable(number, f"has {len(fields)} fields where the header has {len(header)}")
            continue
        yield RawRow(
            number,
            {name: (value if value != "" else None) for name, value in zip(header, fields, strict=True)},
        )


def read_jsonl(path: Path, header_check: HeaderCheck | None = None) -> Iterator[ReadItem]:
    """Rows of a JSON Lines file: one flat object per line, values strings or null."""
    return _jsonl_rows(_decoded_lines(path), header_check)


def parse_jsonl(raw_lines: Iterable[bytes], header_check: HeaderCheck | None = None) -> Iterator[ReadItem]:
    """`read_jsonl` over byte lines from anywhere (a streamed upload)."""
    return _jsonl_rows(_decoded(raw_lines), header_check)


def _jsonl_rows(
    lines: Iterator[tuple[int, str | None]], header_check: HeaderCheck | None
) -> Iterator[ReadItem]:
    """The first readable object's keys stand for the file's header (later objects may leave out
    empty values, so only the key column must be in it)."""
    for number, text in lines:
        if text is None:
            yield Unreadable(number, "not valid UTF-8")
            continue
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except ValueError:  # also a number too long to convert, which is not a JSONDecodeError
            yield Unreadable(number, "not a well-formed JSON object")
            continue
        except RecursionError:
            yield Unreadable(number, "nested too deeply to be a row")
            continue
        if not isinstance(data, dict) or not all(v is None or isinstance(v, str) for v in data.values()):
            yield Unreadable(number, "not a flat object of text values")
            continue
        if header_check is not None:
            header_check(list(data), False)
            header_check = None
        yield RawRow(number, {str(k): (v if v != "" else None) for k, v in data.items()})


_FHIR_GENDER = {"male": "male", "female": "female", "other": "not_specified", "unknown": "not_specified"}


_NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
T = TypeVar("T")


class _WrongType(Exception):
    """A Patient element of a type FHIR does not allow there (a string where a list belongs)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def _element(parent: dict[str, Any], name: str, kind: type[T], path: str) -> T | None:
    """`parent[name]` if present and of the type FHIR gives it; absent is None, any other type stops."""
    found = parent.get(name)
    if found is None:
        return None
    if not isinstance(found, kind):
        raise _WrongType(f"{path}.{name}")
    return found


def _elements(parent: dict[str, Any], name: str, kind: type[T], path: str) -> list[T]:
    """A list element whose items must all be of one type."""
    found = _element(parent, name, list, path) or []
    if not all(isinstance(item, kind) for item in found):
        raise _WrongType(f"{path}.{name}")
    return found


def _patient_values(patient: dict[str, Any]) -> dict[str, str | None]:
    """Flatten the Patient fields the index uses into the columns of the `fhir_patient` mapping;
    raises `_WrongType` naming the first element of the wrong type."""
    names = _elements(patient, "name", dict, "Patient")
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = _elements(official, "given", str, "Patient.name")
    addresses = _elements(patient, "address", dict, "Patient")
    address = addresses[0] if addresses else {}
    lines = _elements(address, "line", str, "Patient.address")
    identifiers = _elements(patient, "identifier", dict, "Patient")
    nhs = next(
        (
            _element(i, "value", str, "Patient.identifier")
            for i in identifiers
            if i.get("system") == _NHS_NUMBER
        ),
        None,
    )
    practitioners = _elements(patient, "generalPractitioner", dict, "Patient")
    reference = (
        _element(practitioners[0], "identifier", dict, "Patient.generalPractitioner")
        if practitioners
        else None
    )
    meta = _element(patient, "meta", dict, "Patient") or {}
    updated = _element(meta, "lastUpdated", str, "Patient.meta")
    values: dict[str, str | None] = {
        "id": _element(patient, "id", str, "Patient"),
        "given": given[0] if given else None,
        "other_given": " ".join(given[1:]) or None,
        "family": _element(official, "family", str, "Patient.name"),
        "birthDate": _element(patient, "birthDate", str, "Patient"),
        "gender": _FHIR_GENDER.get(_element(patient, "gender", str, "Patient") or ""),
        "line1": lines[0] if len(lines) > 0 else None,
        "line2": lines[1] if len(lines) > 1 else None,
        "line3": lines[2] if len(lines) > 2 else None,
        "city": _element(address, "city", str, "Patient.address"),
        "postalCode": _element(address, "postalCode", str, "Patient.address"),
        "nhs_number": nhs,
        "gp": _element(reference, "value", str, "Patient.generalPractitioner.identifier")
        if reference
        else None,
        "lastUpdated": updated[:10] if updated else None,
    }
    return {k: (v if v != "" else None) for k, v in values.items()}


def read_fhir_bundle(path: Path) -> Iterator[ReadItem]:
    """Patient resources of a FHIR R4 Bundle; the 'line' is the entry's position (1-based)."""
    return parse_fhir_bundle(path.read_bytes())


def parse_fhir_bundle(document: bytes) -> Iterator[ReadItem]:
    """`read_fhir_bundle` over the document's bytes (one JSON document: it is parsed whole)."""
    try:
        bundle = json.loads(document.decode("utf-8-sig"))  # a byte-order mark is not JSON
    except ValueError as error:  # bad UTF-8, bad JSON, or a number too long to convert
        raise ValidationError("feed", "not a readable FHIR Bundle") from error
    except RecursionError as error:
        raise ValidationError("feed", "nested too deeply to be a FHIR Bundle") from error
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise ValidationError("feed", "not a FHIR Bundle")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise ValidationError("feed", "the Bundle's entry is not a list")
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            yield Unreadable(number, "entry is not a Patient resource")
            continue
        try:
            values = _patient_values(resource)
        except _WrongType as wrong:
            yield Unreadable(number, f"{wrong.path} is not of the type FHIR gives it")
            continue
        yield RawRow(number, values)


def read_feed(path: Path, header_check: HeaderCheck | None = None) -> Iterator[ReadItem]:
    """Pick the reader by the file's extension: .csv, .jsonl, or .json (a FHIR Bundle, whose columns
    the reader itself makes, so it has no header to check)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, header_check)
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path, header_check)
    if suffix == ".json":
        return read_fhir_bundle(path)
    raise ValidationError("feed", "must be a .csv, .jsonl or .json (FHIR Bundle) file")


def parse_feed(
    feed_format: FeedFormat, chunks: Iterable[bytes], header_check: HeaderCheck | None = None
) -> Iterator[ReadItem]:
    """Rows of a feed arriving as byte chunks in any sizes (a request body): CSV and JSON Lines split
    into lines as they come; a FHIR Bundle, one JSON document, is joined and parsed whole (the
    caller bounds its size)."""
    if feed_format is FeedFormat.CSV:
        return parse_csv(lines_of(chunks), header_check)
    if feed_format is FeedFormat.JSON_LINES:
        return parse_jsonl(lines_of(chunks), header_check)
    return _fhir_rows_when_read(chunks)


def _fhir_rows_when_read(chunks: Iterable[bytes]) -> Iterator[ReadItem]:
    # A generator, so the body is read when the pipeline starts pulling rows, as with the others.
    yield from parse_fhir_bundle(b"".join(chunks))
