"""Mappings and readers on a real synthetic data set: every source's rows map, malformed ones are rejected."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.vocabulary import IdentifierScheme, ServiceType
from contactpoint.ingest.feed_row import ChangeKind
from contactpoint.ingest.mapping import SourceMapping, load_mapping, shipped_sources
from contactpoint.ingest.readers import RawRow, Unreadable, read_feed
from contactpoint.synth.feeds import generate

SOURCES = (
    "child_benefit",
    "community_health",
    "la_social_care",
    "nhs_registrations",
    "school_census",
    "youth_offending",
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic England with two generations of feeds in both formats."""
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, 600, seed=3, generations=1, formats=("csv", "jsonl"))
    return out


def _outcomes(mapping: SourceMapping, path: Path) -> tuple[set[int], int]:
    bad: set[int] = set()
    good = 0
    for item in read_feed(path):
        if isinstance(item, Unreadable):
            bad.add(item.line)
            continue
        try:
            mapping.map_row(item.values, item.line)
            good += 1
        except ValidationError:
            bad.add(item.line)
    return bad, good


def test_a_mapping_ships_for_every_synthetic_source_and_for_fhir() -> None:
    assert set(shipped_sources()) == {*SOURCES, "fhir_patient"}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("extension", ["csv", "jsonl"])
def test_exactly_the_malformed_rows_are_rejected_and_the_rest_map(
    synthetic: Path, source: str, extension: str
) -> None:
    mapping = load_mapping(source)
    with (synthetic / "truth" / "rows" / source / "gen0.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    offset = 2 if extension == "csv" else 1  # the header is line 1 of a CSV file
    malformed = {number + offset for number, row in enumerate(truth) if row["malformed"]}

    bad, good = _outcomes(mapping, synthetic / "feeds" / source / f"gen0.{extension}")

    assert bad == malformed
    assert good == len(truth) - len(malformed)


def test_a_social_care_row_maps_its_joined_address_carer_and_lead_professional(synthetic: Path) -> None:
    mapping = load_mapping("la_social_care")
    item = next(
        i for i in read_feed(synthetic / "feeds" / "la_social_care" / "gen0.csv") if isinstance(i, RawRow)
    )

    row = mapping.map_row(item.values, item.line)

    assert row.change is ChangeKind.EXTRACT
    assert row.la_code == item.values["LA Code"]
    assert row.whereabouts is not None
    assert row.whereabouts.address is not None
    assert row.whereabouts.address.town is not None  # the last part of the joined address
    assert row.involvements[0].service is ServiceType.SOCIAL_CARE
    assert row.involvements[0].lead_professional == (item.values["Lead Professional"] == "Y")
    assert row.identifiers[0].scheme is IdentifierScheme.LOCAL_AUTHORITY_REFERENCE
    assert row.carers or not item.values["Main Carer"]


def test_a_row_without_its_key_is_rejected_naming_the_key_column() -> None:
    mapping = load_mapping("youth_offending")

    with pytest.raises(ValidationError) as caught:
        mapping.map_row({"recordId": " ", "givenName": "Amy"}, 7)

    assert caught.value.field == "recordId"


def test_a_fhir_bundle_of_patients_maps_through_its_mapping(tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "pat-1",
                    "meta": {"lastUpdated": "2025-02-01T10:00:00Z"},
                    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000088003"}],
                    "name": [{"use": "official", "family": "Robertson", "given": ["Ezra", "James"]}],
                    "gender": "male",
                    "birthDate": "2021-12-26",
                    "address": [
                        {"line": ["180 Victoria Walk"], "city": "Glenlowe", "postalCode": "BL26 6AG"}
                    ],
                    "generalPractitioner": [{"identifier": {"value": "L81007"}}],
                }
            },
            {"resource": {"resourceType": "Observation", "id": "obs-1"}},
        ],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    mapping = load_mapping("fhir_patient")

    items = list(read_feed(path))
    row = mapping.map_row(items[0].values, 1) if isinstance(items[0], RawRow) else None

    assert row is not None
    assert row.names.current.given == "Ezra James"
    assert row.identifiers[0].value == "9000088003"
    assert row.involvements[0].service is ServiceType.GP
    assert isinstance(items[1], Unreadable)


def test_a_line_that_is_not_utf8_is_unreadable_and_the_next_line_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_bytes(b"recordId,givenName\nYJ1,Am\xffy\nYJ2,Bea\n")

    items = list(read_feed(path))

    assert isinstance(items[0], Unreadable)
    assert items[0].line == 2
    assert isinstance(items[1], RawRow)
    assert items[1].values == {"recordId": "YJ2", "givenName": "Bea"}
