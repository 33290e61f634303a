from collections import Counter, defaultdict
from itertools import islice

import pytest

from contactpoint.domain.vocabulary import ServiceType
from contactpoint.synth.calendar import REFERENCE_DATE, age_on
from contactpoint.synth.model import SynthChild
from contactpoint.synth.population import Population, iter_children, iter_families


def _initial(children: list[SynthChild]) -> list[SynthChild]:
    return [child for child in children if child.born_generation == 0]


def _share(children: list[SynthChild], predicate) -> float:
    return sum(1 for child in children if predicate(child)) / len(children)


def _open(child: SynthChild, service: ServiceType) -> bool:
    return any(i.service is service and i.active_on(REFERENCE_DATE) for i in child.involvements)


def test_the_same_seed_makes_the_same_children():
    assert list(iter_children(500, 9, 3)) == list(iter_children(500, 9, 3))


def test_a_different_seed_makes_different_children():
    first = [child.identity.name for child in iter_children(500, 9)]
    second = [child.identity.name for child in iter_children(500, 10)]
    assert sum(a == b for a, b in zip(first, second, strict=True)) < 25


@pytest.mark.parametrize("children", [1, 100, 2_345])
def test_exactly_the_children_asked_for_exist_at_generation_0(children):
    assert sum(1 for _ in iter_children(children, 3, 6)) == children


def test_the_population_at_generation_0_does_not_depend_on_the_generations():
    without = list(iter_children(1_000, 4, 0))
    with_year = list(iter_children(1_000, 4, 12))
    assert [(c.person_id, c.identity) for c in without] == [(c.person_id, c.identity) for c in with_year]


def test_a_bigger_population_begins_with_the_same_families():
    small = list(iter_families(300, 5, 0))
    big = list(islice(iter_families(3_000, 5, 0), len(small) - 1))
    assert small[:-1] == big


def test_children_are_spread_across_ages_0_to_17(large_population):
    ages = Counter(age_on(child.date_of_birth, REFERENCE_DATE) for child in _initial(large_population))
    assert set(ages) == set(range(18))
    total = sum(ages.values())
    assert all(0.04 < ages[age] / total < 0.07 for age in range(18))


def test_about_three_percent_of_children_are_twins(large_population):
    assert 0.022 < _share(_initial(large_population), lambda c: c.labels.twin_group is not None) < 0.04


def test_twins_share_birthday_surname_and_address_but_not_given_name(large_population):
    groups: dict[str, list[SynthChild]] = defaultdict(list)
    for child in large_population:
        if child.labels.twin_group is not None:
            groups[child.labels.twin_group].append(child)
    assert groups
    for members in groups.values():
        assert 2 <= len(members) <= 3
        assert len({m.date_of_birth for m in members}) == 1
        assert len({m.identity.name.family for m in members}) == 1
        assert len({m.identity.address for m in members}) == 1
        assert len({m.identity.name.first for m in members}) == len(members)


def test_rare_special_cases_happen_at_their_rates(large_population):
    initial = _initial(large_population)
    assert 0.003 < _share(initial, lambda c: c.labels.shielded) < 0.008
    assert 0.0004 < _share(initial, lambda c: c.labels.adopted_generation is not None) < 0.0012
    assert 0.005 < _share(initial, lambda c: c.labels.looked_after) < 0.012
    assert 0.025 < _share(initial, lambda c: c.labels.turns_18_generation is not None) < 0.08
    assert 0.002 < _share(initial, lambda c: c.labels.left_england_generation is not None) < 0.015
    births = len(large_population) - len(initial)
    assert 0.03 < births / len(initial) < 0.08  # about a year of births


def test_service_involvements_happen_at_plausible_rates(large_population):
    initial = _initial(large_population)
    assert 0.03 < _share(initial, lambda c: _open(c, ServiceType.SOCIAL_CARE)) < 0.045
    assert 0.015 < _share(initial, lambda c: _open(c, ServiceType.CAMHS)) < 0.035
    older = [c for c in initial if 10 <= age_on(c.date_of_birth, REFERENCE_DATE) <= 17]
    assert 0.003 < _share(older, lambda c: _open(c, ServiceType.YOUTH_OFFENDING)) < 0.01
    under_five = [c for c in initial if age_on(c.date_of_birth, REFERENCE_DATE) < 5]
    assert _share(under_five, lambda c: _open(c, ServiceType.HEALTH_VISITING)) > 0.9
    primary = [c for c in initial if 5 <= age_on(c.date_of_birth, REFERENCE_DATE) <= 10]
    assert _share(primary, lambda c: _open(c, ServiceType.EDUCATION)) > 0.95


def test_sensitive_services_always_have_a_basis(large_population):
    sensitive = [i for c in large_population for i in c.involvements if i.service.is_sensitive]
    assert sensitive
    assert all(i.sensitive_basis is not None for i in sensitive)
    assert all(
        i.sensitive_basis is None
        for c in large_population
        for i in c.involvements
        if not i.service.is_sensitive
    )


def test_schools_match_ages():
    for child in iter_children(2_000, 6):
        for involvement in child.involvements:
            if involvement.service is ServiceType.EDUCATION and involvement.active_on(REFERENCE_DATE):
                age = age_on(child.date_of_birth, REFERENCE_DATE)
                kind = involvement.org.kind.value
                assert kind != "primary" or 4 <= age <= 11
                assert kind != "secondary" or 10 <= age <= 17
                assert kind != "nursery" or age <= 4


def test_an_adopted_child_has_a_new_identity_with_nothing_of_the_old(large_population):
    adopted = [c for c in large_population if c.labels.adopted_generation is not None]
    assert adopted
    for child in adopted:
        birth, adoptive = child.identities[0], child.identities[-1]
        assert adoptive.adoptive
        assert not birth.adoptive
        assert adoptive.since == child.labels.adopted_generation
        assert adoptive.name.family != birth.name.family
        assert adoptive.carers != birth.carers
        assert adoptive.address != birth.address
        assert adoptive.former_names == ()
        if birth.identifiers.nhs_number is not None:
            assert adoptive.identifiers.nhs_number != birth.identifiers.nhs_number
        assert birth.identifiers.local_authority is not None  # looked after, so known to social care
        assert child.labels.looked_after


def test_a_surname_change_keeps_the_old_name_as_a_former_name(large_population):
    changed = [
        c
        for c in large_population
        if any(v.cause.value == "surname_change" for v in c.identities) and c.born_generation == 0
    ]
    assert changed
    for child in changed:
        later = next(v for v in child.identities if v.cause.value == "surname_change")
        assert child.identity.name in later.former_names


def test_identifiers_never_repeat_across_children(large_population):
    numbers = [
        v.identifiers.nhs_number for c in large_population for v in c.identities if v.identifiers.nhs_number
    ]
    assert len(set(numbers)) == len(
        {
            (c.person_id, v.adoptive)
            for c in large_population
            for v in c.identities
            if v.identifiers.nhs_number
        }
    )


def test_population_size_is_checked():
    with pytest.raises(ValueError, match="children"):
        Population(0, 1)
    with pytest.raises(ValueError, match="seed"):
        Population(10, -1)
