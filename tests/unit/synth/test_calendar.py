from datetime import date

import pytest

from contactpoint.synth.calendar import FeedCalendar, add_years, age_on, school_year_age


def test_generations_are_a_month_apart_from_the_reference():
    calendar = FeedCalendar(14, date(2025, 1, 1))
    assert calendar.date_of(0) == date(2025, 1, 1)
    assert calendar.date_of(13) == date(2026, 2, 1)
    assert calendar.last_date == date(2026, 3, 1)


def test_an_event_is_first_reported_by_the_extract_on_or_after_its_day():
    calendar = FeedCalendar(12, date(2025, 1, 1))
    assert calendar.generation_of(date(2024, 6, 1)) == 0
    assert calendar.generation_of(date(2025, 1, 1)) == 0
    assert calendar.generation_of(date(2025, 1, 2)) == 1
    assert calendar.generation_of(date(2025, 2, 1)) == 1
    assert calendar.generation_of(date(2025, 2, 2)) == 2


def test_the_school_census_is_taken_in_january_may_and_october():
    calendar = FeedCalendar(12, date(2025, 1, 1))
    assert [g for g in range(13) if calendar.is_census(g)] == [0, 4, 9, 12]


def test_the_reference_must_be_the_first_of_a_month():
    with pytest.raises(ValueError, match="first of a month"):
        FeedCalendar(1, date(2025, 1, 15))


def test_year_groups_turn_on_the_first_of_september():
    born = date(2018, 8, 31)
    assert school_year_age(born, date(2023, 1, 10)) == 4
    assert school_year_age(date(2018, 9, 1), date(2023, 1, 10)) == 3
    assert school_year_age(born, date(2023, 9, 1)) == 5


def test_ages_and_birthdays():
    assert age_on(date(2007, 3, 2), date(2025, 3, 1)) == 17
    assert age_on(date(2007, 3, 1), date(2025, 3, 1)) == 18
    assert add_years(date(2008, 2, 29), 18) == date(2026, 3, 1)
