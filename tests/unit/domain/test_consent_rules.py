"""The rules for keeping a record to 25 with consent, and for withdrawing it (pure functions)."""

from dataclasses import replace
from datetime import date

import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.records import RetentionExtension
from contactpoint.domain.retention import archive, with_extension_consent, with_extension_withdrawn
from contactpoint.domain.vocabulary import ArchiveReason, ExtensionBasis, RecordStatus
from tests.factories import ChildFactory

TODAY = date(2027, 2, 1)
BORN = date(2009, 1, 10)
CARE = ExtensionBasis.CARE_LEAVER


@pytest.fixture
def young():
    return replace(ChildFactory().child(), date_of_birth=BORN)


def test_consent_is_recorded_on_a_live_record(young):
    kept = with_extension_consent(young, CARE, TODAY, TODAY)
    assert kept.retention_extension == RetentionExtension(CARE, TODAY)


@pytest.mark.parametrize("status", [RecordStatus.SEALED, RecordStatus.DECEASED])
def test_no_consent_on_a_sealed_or_deceased_record(young, status):
    record = replace(young, status=status, date_of_death=TODAY if status is RecordStatus.DECEASED else None)
    with pytest.raises(ValidationError):
        with_extension_consent(record, CARE, TODAY, TODAY)


def test_consent_cannot_be_dated_in_the_future_or_given_at_25(young):
    with pytest.raises(ValidationError):
        with_extension_consent(young, CARE, date(2027, 2, 2), TODAY)
    with pytest.raises(ValidationError):
        with_extension_consent(young, CARE, date(2034, 1, 10), date(2034, 1, 10))


def test_consent_is_not_recorded_twice_but_may_be_given_again_after_a_withdrawal(young):
    kept = with_extension_consent(young, CARE, TODAY, TODAY)
    with pytest.raises(ValidationError):
        with_extension_consent(kept, CARE, TODAY, TODAY)
    withdrawn = with_extension_withdrawn(kept, TODAY, TODAY)
    again = with_extension_consent(withdrawn, CARE, TODAY, TODAY)
    assert again.retention_extension is not None
    assert again.retention_extension.withdrawn_on is None


def test_a_record_archived_at_18_within_the_year_comes_back_with_its_status(young):
    shielded = replace(young, status=RecordStatus.SHIELDED)
    archived = archive(shielded, ArchiveReason.TURNED_18, date(2027, 1, 10))
    back = with_extension_consent(archived, CARE, TODAY, TODAY)
    assert (back.status, back.archival) == (RecordStatus.SHIELDED, None)
    with pytest.raises(ValidationError):
        with_extension_consent(archived, CARE, date(2028, 1, 9), date(2028, 1, 10))


def test_a_record_archived_for_another_reason_stays_archived(young):
    archived = archive(young, ArchiveReason.CONSENT_WITHDRAWN, date(2027, 1, 20))
    with pytest.raises(ValidationError):
        with_extension_consent(archived, CARE, TODAY, TODAY)


def test_only_a_standing_consent_can_be_withdrawn(young):
    with pytest.raises(ValidationError):
        with_extension_withdrawn(young, TODAY, TODAY)
    kept = with_extension_consent(young, CARE, TODAY, TODAY)
    with pytest.raises(ValidationError):
        with_extension_withdrawn(kept, date(2027, 2, 2), TODAY)
    withdrawn = with_extension_withdrawn(kept, TODAY, TODAY)
    with pytest.raises(ValidationError):
        with_extension_withdrawn(withdrawn, TODAY, TODAY)
