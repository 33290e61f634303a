"""Decisions and their guards: thresholds, twins never merged, shielded and sealed never surfaced."""

from __future__ import annotations

from datetime import date

from contactpoint.domain.records import PersonName
from contactpoint.domain.vocabulary import Gender, RecordStatus
from contactpoint.linkage.decisions import (
    Candidate,
    Outcome,
    Reason,
    Thresholds,
    TwinCheck,
    decide,
    decide_partial,
    twin_check,
)
from contactpoint.linkage.features import features, without
from contactpoint.linkage.scoring import FieldAgreement, GivenNames, ScoredPair

THRESHOLDS = Thresholds(upper=10.0, lower=2.0)
SAME_HOUSEHOLD_BIRTH = {
    "dob": "Exact match on dob",
    "family_name": "Exact match on family_name",
    "postcode": "Exact match on full postcode",
    "gender": "Exact match on gender",
}


def _pair(weight: float, **levels: str) -> ScoredPair:
    fields = tuple(FieldAgreement(name, level, 0.0) for name, level in levels.items())
    return ScoredPair("left", "0", weight, fields)


def _candidate(
    weight: float,
    status: RecordStatus = RecordStatus.ACTIVE,
    cp_id: str = "111",
    levels: dict[str, str] | None = None,
) -> Candidate:
    return Candidate(cp_id, status, "201", _pair(weight, **(levels or {})))


def test_a_row_above_the_upper_threshold_links() -> None:
    decision = decide([_candidate(15.0)], THRESHOLDS)

    assert decision.outcome is Outcome.LINKED
    assert decision.candidate is not None
    assert decision.candidate.cp_id == "111"


def test_a_row_in_the_band_goes_to_review_and_below_it_is_a_new_child() -> None:
    assert decide([_candidate(5.0)], THRESHOLDS).outcome is Outcome.REVIEW
    assert decide([_candidate(1.0)], THRESHOLDS).outcome is Outcome.NEW
    assert decide([], THRESHOLDS).outcome is Outcome.NEW


def test_two_different_records_above_the_upper_threshold_are_ambiguous_and_reviewed() -> None:
    decision = decide([_candidate(15.0), _candidate(14.0, cp_id="222")], THRESHOLDS)

    assert (decision.outcome, decision.reason) == (Outcome.REVIEW, Reason.AMBIGUOUS)


def test_a_row_far_likelier_about_one_record_links_to_it_though_another_passes_the_threshold() -> None:
    decision = decide([_candidate(33.0), _candidate(15.0, cp_id="222")], THRESHOLDS)

    assert (decision.outcome, decision.reason) == (Outcome.LINKED, Reason.ABOVE_UPPER)
    assert decision.candidate is not None
    assert decision.candidate.cp_id == "111"


def test_a_protected_rival_keeps_a_row_ambiguous_and_private_however_far_behind() -> None:
    for protected_first in (True, False):
        first = _candidate(33.0, RecordStatus.SHIELDED if protected_first else RecordStatus.ACTIVE)
        second = _candidate(
            15.0, RecordStatus.ACTIVE if protected_first else RecordStatus.SEALED, cp_id="222"
        )

        decision = decide([first, second], THRESHOLDS)

        assert (decision.outcome, decision.reason, decision.private) == (
            Outcome.REVIEW,
            Reason.AMBIGUOUS,
            True,
        )


def test_siblings_with_alike_names_at_one_address_are_never_merged_whatever_the_weight() -> None:
    for born in ("All other comparisons", "Same year of birth"):
        for given in ("Damerau-Levenshtein distance of given_name <= 1", "All other comparisons"):
            levels = {**SAME_HOUSEHOLD_BIRTH, "dob": born, "given_name": given}

            assert twin_check(_pair(20.0, **levels)) is TwinCheck.VETO
            assert decide([_candidate(20.0, levels=levels)], THRESHOLDS).outcome is Outcome.NEW


def test_one_childs_wrong_birth_date_is_left_to_the_weight() -> None:
    for levels in (
        {**SAME_HOUSEHOLD_BIRTH, "dob": "All other comparisons", "given_name": "Exact match on given_name"},
        {
            **SAME_HOUSEHOLD_BIRTH,
            "dob": "All other comparisons",
            "given_name": "Jaro-Winkler distance of given_name >= 0.8",
            "nhs_number": "Exact match on nhs_number",
        },
    ):
        assert twin_check(_pair(20.0, **levels)) is TwinCheck.CLEAR


def test_a_plainly_different_given_name_at_one_address_is_a_twin_never_merged_whatever_the_weight() -> None:
    twin = _candidate(30.0, levels={**SAME_HOUSEHOLD_BIRTH, "given_name": "All other comparisons"})

    assert twin_check(twin.pair) is TwinCheck.VETO
    assert decide([twin], THRESHOLDS).outcome is Outcome.NEW


def test_two_names_in_common_use_at_one_address_are_twins() -> None:
    levels = {**SAME_HOUSEHOLD_BIRTH, "given_name": "All other comparisons"}
    fields = tuple(FieldAgreement(name, level, 0.0) for name, level in levels.items())
    common = ScoredPair("left", "0", 30.0, fields, GivenNames(5, (0.01, 0.02)))

    assert twin_check(common) is TwinCheck.VETO


def test_a_nickname_of_the_given_name_is_one_child_and_the_weight_decides() -> None:
    levels = {**SAME_HOUSEHOLD_BIRTH, "given_name": "All other comparisons"}
    fields = tuple(FieldAgreement(name, level, 0.0) for name, level in levels.items())
    nickname = ScoredPair("left", "0", 30.0, fields, GivenNames(5, (0.01, 0.002), nicknames=True))

    assert twin_check(nickname) is TwinCheck.CLEAR
    assert (
        decide([Candidate("111", RecordStatus.ACTIVE, "201", nickname)], THRESHOLDS).outcome is Outcome.LINKED
    )


def test_a_replaced_given_name_with_a_disagreeing_identifier_is_a_twin() -> None:
    twin = _candidate(
        30.0,
        levels={
            **SAME_HOUSEHOLD_BIRTH,
            "given_name": "All other comparisons",
            "nhs_number": "All other comparisons",
        },
    )

    assert twin_check(twin.pair) is TwinCheck.VETO
    assert decide([twin], THRESHOLDS).outcome is Outcome.NEW


def test_different_given_names_at_different_addresses_are_two_children() -> None:
    levels = {
        **SAME_HOUSEHOLD_BIRTH,
        "given_name": "All other comparisons",
        "postcode": "All other comparisons",
    }
    twin = _candidate(12.0, levels=levels)

    assert twin_check(twin.pair) is TwinCheck.VETO
    assert decide([twin], THRESHOLDS).outcome is Outcome.NEW


def test_twins_of_different_gender_with_similar_names_are_never_merged() -> None:
    levels = {
        **SAME_HOUSEHOLD_BIRTH,
        "gender": "All other comparisons",
        "given_name": "Jaro-Winkler distance of given_name >= 0.8",
    }
    twin = _candidate(25.0, levels=levels)

    assert decide([twin], THRESHOLDS).outcome is Outcome.NEW


def test_a_possible_twin_with_a_close_given_name_goes_to_review_not_to_a_link() -> None:
    twin = _candidate(
        25.0, levels={**SAME_HOUSEHOLD_BIRTH, "given_name": "Jaro-Winkler distance of given_name >= 0.8"}
    )

    decision = decide([twin], THRESHOLDS)

    assert (decision.outcome, decision.reason) == (Outcome.REVIEW, Reason.POSSIBLE_TWIN)


def test_a_shared_identifier_clears_the_twins_rule() -> None:
    same_child = _candidate(
        40.0,
        levels={
            **SAME_HOUSEHOLD_BIRTH,
            "given_name": "All other comparisons",
            "nhs_number": "Exact match on nhs_number",
        },
    )

    assert twin_check(same_child.pair) is TwinCheck.CLEAR
    assert decide([same_child], THRESHOLDS).outcome is Outcome.LINKED


def test_a_row_linking_to_a_shielded_record_is_applied_to_it_and_marked_private() -> None:
    decision = decide([_candidate(15.0, RecordStatus.SHIELDED)], THRESHOLDS)

    assert decision.outcome is Outcome.LINKED
    assert decision.private


def test_a_row_that_could_link_to_a_shielded_or_sealed_record_is_held_privately() -> None:
    for status in (RecordStatus.SHIELDED, RecordStatus.SEALED):
        decision = decide([_candidate(5.0, status)], THRESHOLDS)

        assert (decision.outcome, decision.private) == (Outcome.REVIEW, True)


def test_a_row_just_below_the_band_near_a_shielded_record_never_becomes_a_new_child() -> None:
    decision = decide([_candidate(-3.0, RecordStatus.SHIELDED)], THRESHOLDS)

    assert (decision.outcome, decision.reason, decision.private) == (
        Outcome.REVIEW,
        Reason.NEAR_PROTECTED,
        True,
    )


def test_even_far_below_the_band_a_shielded_candidate_found_by_blocking_holds_the_row_privately() -> None:
    decision = decide([_candidate(-20.0, RecordStatus.SHIELDED)], THRESHOLDS)

    assert (decision.outcome, decision.private) == (Outcome.REVIEW, True)


def test_a_twin_like_row_near_a_sealed_record_is_held_privately_not_made_a_new_child() -> None:
    twin = _candidate(
        30.0, RecordStatus.SEALED, levels={**SAME_HOUSEHOLD_BIRTH, "given_name": "All other comparisons"}
    )

    decision = decide([twin], THRESHOLDS)

    assert (decision.outcome, decision.reason, decision.private) == (
        Outcome.REVIEW,
        Reason.POSSIBLE_TWIN,
        True,
    )


def test_a_clear_link_to_an_ordinary_record_wins_over_a_weak_shielded_lookalike() -> None:
    decision = decide([_candidate(20.0), _candidate(-15.0, RecordStatus.SHIELDED, cp_id="222")], THRESHOLDS)

    assert decision.outcome is Outcome.LINKED
    assert not decision.private


def test_twins_are_recognised_when_one_row_lacks_the_postcode_or_misspells_the_surname() -> None:
    for changes in (
        {"postcode": "missing on one side"},
        {"postcode": "Exact match on sector"},
        {"family_name": "Jaro-Winkler distance of family_name >= 0.92"},
    ):
        levels = {
            **SAME_HOUSEHOLD_BIRTH,
            **changes,
            "given_name": "Jaro-Winkler distance of given_name >= 0.8",
        }

        assert twin_check(_pair(20.0, **levels)) is TwinCheck.REVIEW


def test_twins_are_recognised_when_one_row_swaps_the_birthday_or_varies_a_double_barrelled_name() -> None:
    for changes in (
        {"dob": "Day and month swapped"},
        {"dob": "Damerau-Levenshtein distance of dob <= 1"},
        {"family_name": "Shares a part of a double-barrelled name"},
        {"family_name": "Phonetic key equal"},
    ):
        levels = {**SAME_HOUSEHOLD_BIRTH, **changes, "given_name": "All other comparisons"}

        assert twin_check(_pair(25.0, **levels)) is TwinCheck.VETO, changes
        assert decide([_candidate(25.0, levels=levels)], THRESHOLDS).outcome is Outcome.NEW
        numbered = {**levels, "pupil_number": "All other comparisons"}
        assert decide([_candidate(25.0, levels=numbered)], THRESHOLDS).outcome is Outcome.NEW


def test_another_birthday_in_the_same_year_is_a_sibling_not_a_twin_held_for_review() -> None:
    levels = {**SAME_HOUSEHOLD_BIRTH, "dob": "Same year of birth", "given_name": "All other comparisons"}

    assert twin_check(_pair(12.0, **levels)) is TwinCheck.VETO


# Partial rows: a given name, family name or date of birth missing -------------------------------

COMPLETE_AGREEMENT = {
    "given_name": "Exact match on given_name",
    "family_name": "Exact match on family_name",
    "dob": "Exact match on dob",
    "postcode": "Exact match on full postcode",
}


def _partial(weight: float, missing: str, cp_id: str = "111", **levels: str) -> Candidate:
    comparison = {"date_of_birth": "dob"}.get(missing, missing)
    agreed = {**COMPLETE_AGREEMENT, comparison: "missing on one side", **levels}
    return _candidate(weight, cp_id=cp_id, levels=agreed)


def test_a_partial_row_with_an_agreeing_identifier_links() -> None:
    candidate = _partial(
        20.0, "given_name", postcode="All other comparisons", nhs_number="Exact match on nhs_number"
    )

    assert decide_partial([candidate], THRESHOLDS, ("given_name",)).outcome is Outcome.LINKED


def test_a_partial_row_without_its_birth_date_links_on_names_and_address() -> None:
    candidate = _partial(25.0, "date_of_birth")

    assert decide_partial([candidate], THRESHOLDS, ("date_of_birth",)).outcome is Outcome.LINKED


def test_a_partial_row_without_its_given_name_links_when_no_twin_is_in_sight() -> None:
    candidate = _partial(30.0, "given_name")

    assert decide_partial([candidate], THRESHOLDS, ("given_name",)).outcome is Outcome.LINKED


def test_a_partial_row_without_its_given_name_beside_a_twin_is_ambiguous() -> None:
    child, twin = _partial(30.0, "given_name"), _partial(29.0, "given_name", cp_id="222")

    decision = decide_partial([child, twin], THRESHOLDS, ("given_name",))

    assert (decision.outcome, decision.reason) == (Outcome.REVIEW, Reason.AMBIGUOUS)


def test_a_partial_row_without_its_given_name_and_another_birthday_in_the_year_is_reviewed() -> None:
    sibling = _partial(12.0, "given_name", dob="Same year of birth")

    decision = decide_partial([sibling], THRESHOLDS, ("given_name",))

    assert (decision.outcome, decision.reason) == (Outcome.REVIEW, Reason.PARTIAL_IDENTITY)


def test_a_partial_row_with_a_disagreeing_address_is_reviewed_not_linked() -> None:
    candidate = _partial(
        12.0, "date_of_birth", postcode="All other comparisons", address_line="All other comparisons"
    )

    decision = decide_partial([candidate], THRESHOLDS, ("date_of_birth",))

    assert (decision.outcome, decision.reason) == (Outcome.REVIEW, Reason.PARTIAL_IDENTITY)


def test_a_partial_row_with_a_second_record_in_sight_is_ambiguous() -> None:
    first, second = _partial(25.0, "date_of_birth"), _partial(18.0, "date_of_birth", cp_id="222")

    decision = decide_partial([first, second], THRESHOLDS, ("date_of_birth",))

    assert (decision.outcome, decision.reason) == (Outcome.REVIEW, Reason.AMBIGUOUS)


def test_a_partial_row_matching_nothing_is_rejected_never_new() -> None:
    for candidates in ([], [_partial(1.0, "family_name")]):
        decision = decide_partial(candidates, THRESHOLDS, ("family_name",))

        assert (decision.outcome, decision.reason) == (Outcome.REJECTED, Reason.NOT_ENOUGH_IDENTITY)


def test_a_partial_row_near_a_shielded_record_is_held_privately() -> None:
    shielded = _candidate(-5.0, RecordStatus.SHIELDED)

    decision = decide_partial([shielded], THRESHOLDS, ("given_name",))

    assert (decision.outcome, decision.private) == (Outcome.REVIEW, True)


def test_a_partial_rows_missing_fields_are_blank_in_its_comparison_columns() -> None:
    row = features(
        "0#0",
        PersonName("Unknown", "Okafor"),
        born=date(2012, 2, 14),
        gender=Gender.NOT_SPECIFIED,
        whereabouts=None,
        identifiers=(),
    )

    blanked = without(dict(row), ("given_name", "date_of_birth"))

    assert {blanked[c] for c in ("given_name", "given_key", "dob", "dob_swapped", "birth_year")} == {None}
    assert blanked["family_name"] == row["family_name"]
