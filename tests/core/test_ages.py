from datetime import date

from behandlerklient.core.ages import age_on


def test_age_counts_completed_years() -> None:
    born = date(2012, 6, 15)
    assert age_on(born, date(2026, 6, 14)) == 13
    assert age_on(born, date(2026, 6, 15)) == 14


def test_leap_day_birthday_turns_on_first_of_march() -> None:
    born = date(2012, 2, 29)
    assert age_on(born, date(2027, 2, 28)) == 14
    assert age_on(born, date(2027, 3, 1)) == 15
