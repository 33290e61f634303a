"""Every code a page shows has words: each audit entry's kind, each role."""

from __future__ import annotations

from contactpoint.access.roles import Role
from contactpoint.audit.events import AuditKind
from contactpoint.web.labels import AUDIT_LABELS, ROLE_LABELS, comparison_level, label


def test_every_audit_kind_has_a_plain_english_label():
    missing = [kind.value for kind in AuditKind if kind.value not in AUDIT_LABELS]
    assert missing == []
    assert not set(AUDIT_LABELS) - {kind.value for kind in AuditKind}, "a label for a kind that is gone"


def test_every_role_has_a_label_and_codes_are_never_capitalised_into_words():
    assert {role.value for role in Role} <= set(ROLE_LABELS)
    assert label("camhs") == "CAMHS"
    assert label("gp") == "GP practice"
    assert label("la_review") == "The local authority's own review"
    assert label("possible_twin") == "Possible twin"


def test_comparison_levels_read_as_a_data_administrator_says_them():
    assert comparison_level("dob", "Exact match on dob") == "same date of birth"
    assert comparison_level("family_name", "All other comparisons") == "surname spelt differently"
    assert comparison_level("given_name", "Jaro-Winkler distance of given_name >= 0.92") == (
        "given name spelt almost the same"
    )
    assert (
        comparison_level("dob", "Damerau-Levenshtein distance of dob <= 1")
        == "date of birth differs by one digit"
    )
    assert comparison_level("postcode", "Exact match on sector") == "same postcode sector, different postcode"
    assert comparison_level("nhs_number", "missing on one side") == "NHS number missing on one side"
