"""Retention rules: archive at 18 (or 25 with consent), a year after death; purge six years on."""

from dataclasses import replace
from datetime import date

import pytest

from contactpoint.domain.errors import ValidationError
from contactpoint.domain.records import Archival, RetentionExtension
from contactpoint.domain.retention import (
    RetentionDecision,
    RetentionStep,
    anniversary,
    archive,
    due_step,
    visible_to_administrators,
)
from contactpoint.domain.vocabulary import ArchiveReason, ExtensionBasis, RecordStatus

BORN = date(2008, 5, 14)
EIGHTEEN = date(2026, 5, 14)


@pytest.fixture
def child(factory):
    return replace(factory.child(), date_of_birth=BORN)


def test_anniversaries_of_29_february_fall_on_1_march_in_common_years():
    assert anniversary(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert anniversary(date(2008, 2, 29), 16) == date(2024, 2, 29)


def test_a_child_is_kept_until_the_18th_birthday_and_archived_on_it(child):
    assert due_step(child, date(2026, 5, 13)) is None
    assert due_step(child, EIGHTEEN) == RetentionDecision(RetentionStep.ARCHIVE, ArchiveReason.TURNED_18)


def test_a_shielded_child_is_archived_like_any_other_and_remembered_as_shielded(child):
    shielded = replace(child, status=RecordStatus.SHIELDED)
    decision = due_step(shielded, EIGHTEEN)
    assert decision is not None
    assert decision.reason is not None
    archived = archive(shielded, decision.reason, EIGHTEEN)
    assert archived.status is RecordStatus.ARCHIVED
    assert archived.archival == Archival(EIGHTEEN, ArchiveReason.TURNED_18, RecordStatus.SHIELDED)


def test_consent_keeps_a_care_leaver_to_25(child):
    kept = replace(
        child, retention_extension=RetentionExtension(ExtensionBasis.CARE_LEAVER, date(2026, 4, 1))
    )
    assert due_step(kept, EIGHTEEN) is None
    assert due_step(kept, date(2033, 5, 13)) is None
    assert due_step(kept, date(2033, 5, 14)) == RetentionDecision(
        RetentionStep.ARCHIVE, ArchiveReason.TURNED_25
    )


def test_withdrawn_consent_archives_at_once_after_18_but_not_before(child):
    extension = RetentionExtension(ExtensionBasis.LEARNING_DIFFICULTY, date(2026, 1, 1), date(2027, 2, 1))
    kept = replace(child, retention_extension=extension)
    assert due_step(kept, date(2027, 1, 31)) is None
    assert due_step(kept, date(2027, 2, 1)) == RetentionDecision(
        RetentionStep.ARCHIVE, ArchiveReason.CONSENT_WITHDRAWN
    )
    young = replace(kept, date_of_birth=date(2012, 1, 1))
    assert due_step(young, date(2027, 2, 1)) is None


def test_a_deceased_childs_record_is_kept_a_year_then_archived(child):
    deceased = replace(child, status=RecordStatus.DECEASED, date_of_death=date(2020, 3, 3))
    assert due_step(deceased, date(2021, 3, 2)) is None
    assert due_step(deceased, date(2021, 3, 3)) == RetentionDecision(
        RetentionStep.ARCHIVE, ArchiveReason.DIED
    )


def test_an_archived_record_is_purged_six_years_after_archiving(child):
    archived = archive(child, ArchiveReason.TURNED_18, EIGHTEEN)
    assert due_step(archived, date(2032, 5, 13)) is None
    assert due_step(archived, date(2032, 5, 14)) == RetentionDecision(RetentionStep.PURGE)


def test_an_archived_record_without_its_archival_counts_from_the_18th_birthday(child):
    archived = replace(child, status=RecordStatus.ARCHIVED)
    assert due_step(archived, date(2032, 5, 14)) == RetentionDecision(RetentionStep.PURGE)


def test_sealed_records_are_left_to_the_adoption_rules(child):
    sealed = replace(child, status=RecordStatus.SEALED)
    assert due_step(sealed, date(2100, 1, 1)) is None


def test_administrators_see_an_archived_record_for_its_first_year_only(child):
    archived = archive(child, ArchiveReason.TURNED_18, EIGHTEEN)
    assert visible_to_administrators(archived, date(2027, 5, 13))
    assert not visible_to_administrators(archived, date(2027, 5, 14))
    assert visible_to_administrators(child, date(2040, 1, 1))


def test_a_record_cannot_carry_an_archival_unless_archived(child):
    with pytest.raises(ValidationError) as raised:
        replace(child, archival=Archival(EIGHTEEN, ArchiveReason.TURNED_18, RecordStatus.ACTIVE))
    assert raised.value.field == "archival"


def test_a_deceased_record_needs_its_date_of_death_and_a_sensible_one(child):
    with pytest.raises(ValidationError):
        replace(child, status=RecordStatus.DECEASED)
    with pytest.raises(ValidationError):
        replace(child, status=RecordStatus.DECEASED, date_of_death=date(2000, 1, 1))


def test_consent_cannot_be_withdrawn_before_it_was_given():
    with pytest.raises(ValidationError):
        RetentionExtension(ExtensionBasis.CARE_LEAVER, date(2026, 1, 2), date(2026, 1, 1))
