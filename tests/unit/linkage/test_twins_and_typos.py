"""The twins rule on the shipped model: a slip in a given name links, a twin never merges, swapped names link.

Pairs are scored by the real Splink model and decided by `decide`, as a feed row against the index is.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from contactpoint.domain.postcodes import Postcode
from contactpoint.domain.records import PersonName, PostalAddress, Whereabouts
from contactpoint.domain.vocabulary import AddressState, Gender, RecordStatus
from contactpoint.linkage.decisions import (
    _DIFFERENT,
    _SAME_BIRTH,
    _SAME_FAMILY,
    _SAME_GIVEN,
    Candidate,
    Decision,
    Outcome,
    Thresholds,
    decide,
)
from contactpoint.linkage.features import IDENTIFIER_COLUMNS, features
from contactpoint.linkage.model import MODEL_FILE, load, shipped_model_folder
from contactpoint.linkage.scoring import ScoredPair, SplinkScorer

THRESHOLDS = Thresholds(upper=6.0, lower=2.0)  # the settings' defaults
BORN = date(2016, 5, 9)
HOME = Whereabouts(AddressState.KNOWN, PostalAddress(("14 Mill Lane",), Postcode.parse("B12 3QX"), "Anytown"))
TABLE: dict[str, float] = load().term_frequencies["given_name"]
COMMON = sorted(name for name, share in TABLE.items() if share >= 1e-3 and len(name) >= 4)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.fixture(scope="module")
def scorer() -> SplinkScorer:
    """The model shipped in the package."""
    return SplinkScorer(load())


def _features(key: str, given: str, family: str, gender: Gender = Gender.FEMALE) -> dict[str, Any]:
    return features(
        f"{key}#0",
        PersonName(given, family),
        born=BORN,
        gender=gender,
        whereabouts=HOME,
        identifiers=(),
    )


def _decision(
    scorer: SplinkScorer, record: dict[str, Any], row: dict[str, Any]
) -> tuple[Decision, ScoredPair]:
    pairs = scorer.between([record], [row], None)
    assert len(pairs) == 1
    pair = pairs[0]
    return decide([Candidate("111", RecordStatus.ACTIVE, "201", pair)], THRESHOLDS), pair


@st.composite
def typos(draw: st.DrawFn) -> tuple[str, str]:
    """A common given name and a one-edit slip of it that is no name in use."""
    name = draw(st.sampled_from(COMMON))
    at = draw(st.integers(0, len(name) - 2))
    kind = draw(st.sampled_from(["substitute", "delete", "insert", "transpose"]))
    letter = draw(st.sampled_from(LETTERS))
    if kind == "substitute":
        slip = name[:at] + letter + name[at + 1 :]
    elif kind == "delete":
        slip = name[:at] + name[at + 1 :]
    elif kind == "insert":
        slip = name[:at] + letter + name[at:]
    else:
        slip = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    assume(slip != name and slip not in TABLE)
    return name.title(), slip.title()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typos())
def test_a_slip_in_a_given_name_links_to_the_same_child(scorer: SplinkScorer, names: tuple[str, str]) -> None:
    name, slip = names

    decision, _pair = _decision(scorer, _features("111", name, "Harper"), _features("0", slip, "Harper"))

    assert decision.outcome is Outcome.LINKED


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(COMMON), st.sampled_from(COMMON), st.sampled_from([Gender.FEMALE, Gender.MALE]))
def test_twins_with_two_names_in_common_use_never_merge(
    scorer: SplinkScorer, first: str, second: str, gender: Gender
) -> None:
    assume(first != second)

    decision, _pair = _decision(
        scorer,
        _features("111", first.title(), "Harper", gender),
        _features("0", second.title(), "Harper", gender),
    )

    assert decision.outcome is not Outcome.LINKED


def test_twins_of_different_sex_never_merge_even_with_names_one_letter_apart(scorer: SplinkScorer) -> None:
    decision, _pair = _decision(
        scorer,
        _features("111", "Oliver", "Harper", Gender.MALE),
        _features("0", "Olivia", "Harper", Gender.FEMALE),
    )

    assert decision.outcome is not Outcome.LINKED


def test_given_and_family_names_swapped_link(scorer: SplinkScorer) -> None:
    decision, pair = _decision(
        scorer, _features("111", "Amelia", "Harper"), _features("0", "Harper", "Amelia")
    )

    levels = {f.field: f.level for f in pair.fields}
    assert levels["given_name"] == levels["family_name"] == "Given and family names swapped"
    assert decision.outcome is Outcome.LINKED


def test_siblings_with_alike_names_at_one_home_never_merge(scorer: SplinkScorer) -> None:
    """One surname, one home, given names alike, different birthdays: a shared address outweighs the
    birthdays in the weights, so the siblings rule, not the weight, keeps them apart."""
    record = _features("111", "Lilly", "Harper")
    sibling = features(
        "0#0",
        PersonName("Lily", "Harper"),
        born=date(2013, 2, 11),
        gender=Gender.FEMALE,
        whereabouts=HOME,
        identifiers=(),
    )

    same_child, _pair = _decision(scorer, record, _features("0", "Lilly", "Harper"))
    other_child, _pair = _decision(scorer, record, sibling)

    assert same_child.outcome is Outcome.LINKED
    assert other_child.outcome is Outcome.NEW


def test_every_label_the_twins_rule_keys_on_is_a_level_of_the_shipped_model() -> None:
    settings_json = json.loads((shipped_model_folder() / MODEL_FILE).read_text(encoding="utf-8"))
    labels = {
        comparison["output_column_name"]: {
            level["label_for_charts"] for level in comparison["comparison_levels"]
        }
        for comparison in settings_json["comparisons"]
    }

    assert set(_SAME_BIRTH) <= labels["dob"]
    for prefix in _SAME_FAMILY:
        assert any(label.startswith(prefix) for label in labels["family_name"]), prefix
    for prefix in _SAME_GIVEN:
        assert any(label.startswith(prefix) for label in labels["given_name"]), prefix
    assert _DIFFERENT in labels["given_name"]
    assert _DIFFERENT in labels["gender"]
    for column in IDENTIFIER_COLUMNS.values():
        assert f"Exact match on {column}" in labels[column]


@st.composite
def split_names(draw: st.DrawFn) -> tuple[str, str]:
    """A common given name and the same name with a space keyed into it (Katelyn, Katel Yn)."""
    name = draw(st.sampled_from(COMMON))
    at = draw(st.integers(2, len(name) - 2))
    return name.title(), f"{name[:at].title()} {name[at:].title()}"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(split_names())
def test_a_given_name_split_by_a_stray_space_links_to_the_same_child(
    scorer: SplinkScorer, names: tuple[str, str]
) -> None:
    name, split = names

    decision, pair = _decision(scorer, _features("111", name, "Harper"), _features("0", split, "Harper"))

    assert pair.given is not None
    assert pair.given.edits == 0
    assert decision.outcome is Outcome.LINKED


def test_a_given_name_written_as_the_others_middle_name_links_to_the_same_child(scorer: SplinkScorer) -> None:
    decision, pair = _decision(
        scorer, _features("111", "Louise", "Harper"), _features("0", "Anna Louise", "Harper")
    )

    assert {f.field: f.level for f in pair.fields}["given_name"] == "Given name is the other's middle name"
    assert decision.outcome is Outcome.LINKED


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(COMMON), st.sampled_from(COMMON), st.sampled_from(COMMON))
def test_twins_with_middle_names_never_merge_unless_one_is_the_others_name(
    scorer: SplinkScorer, first: str, second: str, middle: str
) -> None:
    assume(len({first, second, middle}) == 3)

    decision, _pair = _decision(
        scorer,
        _features("111", f"{first.title()} {middle.title()}", "Harper"),
        _features("0", second.title(), "Harper"),
    )

    assert decision.outcome is not Outcome.LINKED


def test_a_child_who_moved_is_found_with_a_slip_in_the_surname(scorer: SplinkScorer) -> None:
    """A move changes the postcode and the first line together: counted once, not twice, so the
    same given name and birthday with a one-letter slip in the surname still link after it."""
    elsewhere = Whereabouts(
        AddressState.KNOWN, PostalAddress(("3 Station Road",), Postcode.parse("LS6 2AB"), "Othertown")
    )
    moved = features(
        "0#0",
        PersonName("Lauren", "Blaschke"),
        born=BORN,
        gender=Gender.FEMALE,
        whereabouts=elsewhere,
        identifiers=(),
    )

    decision, pair = _decision(scorer, _features("111", "Lauren", "Blascgke"), moved)

    address = {f.field: f for f in pair.fields}["address_line"]
    assert address.level == "All other comparisons"
    assert address.weight == 0.0
    assert decision.outcome is Outcome.LINKED
