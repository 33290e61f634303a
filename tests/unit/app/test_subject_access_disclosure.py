"""Who may receive what in a subject access report, as a table over requesters and record statuses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from contactpoint.app.oversight.subject_access import Disclosure, Requester, disclosure_for
from contactpoint.domain.records import Archival
from contactpoint.domain.vocabulary import ArchiveReason, RecordStatus

FULL = Disclosure(locating=True, sensitive=True, carer_contacts=True, status=True, source_keys=True)
THIRD_PARTY = Disclosure(
    locating=False, sensitive=False, carer_contacts=False, status=False, source_keys=False
)
# The same shape and categories; only its content stops at the shielding (the sealed identity, the
# services and provenance dated by then), which a parent cannot tell from a child with no later change.
SHIELDED_THIRD_PARTY = replace(THIRD_PARTY, later_changes=False)


def _record(factory, status, previous=None):
    record = factory.child(status=status)
    if previous is not None:
        record = replace(record, archival=Archival(date(2026, 1, 1), ArchiveReason.TURNED_18, previous))
    return record


@pytest.mark.parametrize(
    ("requester", "status", "previous", "expected"),
    [
        (Requester.YOUNG_PERSON, RecordStatus.ACTIVE, None, FULL),
        (Requester.YOUNG_PERSON, RecordStatus.SHIELDED, None, FULL),
        (Requester.PARENT_CARER, RecordStatus.ACTIVE, None, THIRD_PARTY),
        (Requester.PARENT_CARER, RecordStatus.DECEASED, None, THIRD_PARTY),
        (Requester.PARENT_CARER, RecordStatus.SHIELDED, None, SHIELDED_THIRD_PARTY),
        (Requester.PARENT_CARER, RecordStatus.ARCHIVED, RecordStatus.SHIELDED, SHIELDED_THIRD_PARTY),
        (Requester.PARENT_CARER, RecordStatus.ARCHIVED, RecordStatus.ACTIVE, THIRD_PARTY),
        (Requester.REPRESENTATIVE, RecordStatus.ACTIVE, None, THIRD_PARTY),
        (Requester.REPRESENTATIVE, RecordStatus.SHIELDED, None, SHIELDED_THIRD_PARTY),
    ],
)
def test_disclosure_depends_on_who_asked_and_for_a_third_party_stops_at_a_shielding(
    factory, requester, status, previous, expected
):
    assert disclosure_for(requester, _record(factory, status, previous)) == expected


def test_the_team_is_told_what_was_withheld():
    assert FULL.withheld == []
    assert (
        SHIELDED_THIRD_PARTY.withheld
        == THIRD_PARTY.withheld
        == [
            "locating_details",
            "sensitive_services",
            "carer_contacts",
            "record_status",
            "source_row_keys",
        ]
    )
