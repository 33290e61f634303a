"""Invariant 1: a copy of the database reveals no name, date of birth, address or contact detail."""

import shutil
import subprocess
from pathlib import Path

import msgspec
import pytest
from sqlalchemy.engine import make_url

from contactpoint.app.children.records import register_children
from contactpoint.app.feeds.term_frequencies import build_term_frequencies
from contactpoint.domain.records import ChildRecord
from contactpoint.store import codec
from tests.conftest import _require
from tests.security.needles import MSGPACK_MINIMUM, decode_bytea, found_in, personal_values

CHILDREN = 1_000


@pytest.fixture
def stored_records(runtime, factory):
    made: list[ChildRecord] = []

    def build(_item, cp_id):
        made.append(factory.child(cp_id))
        return made[-1]

    register_children(runtime, range(CHILDREN), build, batch_size=250)
    return made


@pytest.fixture
def name_tables(runtime, stored_records):
    """The term-frequency tables built from the index: real names, so they are scanned too."""
    report, tables = build_term_frequencies(runtime)
    assert report.stored
    assert sum(report.entries.values()) > 50
    return tables


def test_the_scanner_finds_values_that_are_there(stored_records):
    """Control: the same values in plaintext are found, so zero hits below means something."""
    values = personal_values(stored_records, other_spellings=False)
    assert len(values) > 5 * CHILDREN
    plaintext = b"\n".join(codec.encode(r) for r in stored_records)
    long_enough = {v for v in values if len(v.encode()) >= MSGPACK_MINIMUM}
    assert found_in(plaintext, values) >= long_enough
    as_json = b"\n".join(msgspec.json.encode(r) for r in stored_records)
    assert found_in(as_json, values) == values
    as_dumped = b"COPY t (v) FROM stdin;\n" + b"\n".join(
        b"\\\\x" + codec.encode(r).hex().encode() for r in stored_records
    )
    assert found_in(decode_bytea(as_dumped), values) >= long_enough


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_personal_value_in_the_raw_store_files(runtime, stored_records, name_tables):
    values = personal_values(stored_records)
    assert found_in(msgspec.msgpack.encode(name_tables), values)  # the scan would see a table in the clear
    url = make_url(runtime.settings.resolved_database_url())
    runtime.close()  # leave the WAL as it is, un-checkpointed, and scan it too
    files = [p for p in Path(str(url.database)).parent.iterdir() if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files) or len(files) >= 2
    for path in files:
        assert found_in(path.read_bytes(), values) == set(), f"plaintext in {path.name}"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_no_personal_value_in_a_pg_dump(runtime, stored_records, name_tables):
    url = make_url(runtime.settings.resolved_database_url())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        _require("pg_dump is not installed")
    arguments = [str(pg_dump), "--host", str(url.host), "--port", str(url.port or 5432)]
    arguments += ["--username", str(url.username), "--no-password", str(url.database)]
    dump = subprocess.run(arguments, check=True, capture_output=True, timeout=120).stdout  # noqa: S603  # test database
    assert b"COPY public.children" in dump
    assert b"COPY public.term_frequency_tables" in dump
    decoded = decode_bytea(dump)
    assert len(decoded) < len(dump) * 0.7  # the payloads were really turned back into bytes
    assert found_in(decoded, personal_values(stored_records)) == set()
