from collections import Counter
from random import Random

from contactpoint.domain.records import PersonName, clean_text
from contactpoint.domain.vocabulary import Gender
from contactpoint.synth.name_data import OTHER_COMMUNITIES
from contactpoint.synth.name_variants import PHONETIC_VARIANTS, SHORT_FORMS, phonetic_variants, short_forms
from contactpoint.synth.names import name_book


def _every_name() -> set[str]:
    book = name_book()
    names: set[str] = set()
    for community in book.communities.values:
        for table in (community.surnames, community.boys, community.girls, community.men, community.women):
            names.update(table.values)
    for variants in (PHONETIC_VARIANTS, SHORT_FORMS):
        for name, others in variants.items():
            names.add(name)
            names.update(others)
    return names


def test_every_name_is_a_valid_normalised_record_name():
    for name in _every_name():
        assert name == clean_text(name)
        PersonName(name, name)


def test_surnames_are_skewed_like_real_ones():
    book = name_book()
    rng = Random(5)
    counts = Counter(book.community(rng).surnames.pick(rng) for _ in range(40_000))
    ranked = [count for _, count in counts.most_common()]
    assert counts.most_common(1)[0][0] == "Smith"
    assert ranked[0] > 20 * ranked[len(ranked) // 2]


def test_popular_childrens_names_are_popular():
    book = name_book()
    rng = Random(6)
    boys = Counter(book.community(rng).child_given(Gender.MALE, rng) for _ in range(20_000))
    girls = Counter(book.community(rng).child_given(Gender.FEMALE, rng) for _ in range(20_000))
    assert {"Muhammad", "Noah", "Oliver"} <= {name for name, _ in boys.most_common(8)}
    assert {"Olivia", "Amelia"} <= {name for name, _ in girls.most_common(5)}


def test_england_has_many_communities():
    assert {c.key for c in OTHER_COMMUNITIES} >= {
        "irish",
        "polish",
        "pakistani",
        "indian",
        "bangladeshi",
        "nigerian",
        "somali",
        "caribbean",
        "chinese",
    }


def test_variants_go_both_ways():
    assert "Stephen" in phonetic_variants("Steven")
    assert "Steven" in phonetic_variants("Stephen")
    assert set(phonetic_variants("Mohammed")) >= {"Muhammad", "Mohammad"}
    assert "Alex" in short_forms("Alexander")
    assert "Beth" in short_forms("Elizabeth")
