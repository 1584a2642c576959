from datetime import date

from behandlerklient import paths
from behandlerklient.core.course_rules import eligibility, planned_outside_range, session_position
from behandlerklient.core.manuals import load_catalogue

CAT = load_catalogue(paths.bundled_manuals_dir())


def test_eligibility_uses_age_on_the_given_date() -> None:
    chilled = CAT.get("chilled")  # 13-17
    born = date(2013, 5, 10)
    assert not eligibility(chilled, born, date(2026, 5, 9)).ok
    assert eligibility(chilled, born, date(2026, 5, 10)).ok
    msg = eligibility(CAT.get("cool-kids"), born, date(2026, 5, 10)).message
    assert "13 år" in msg and "7-12" in msg


def test_session_position_heading_and_warnings() -> None:
    mmm = CAT.get("mind-my-mind")  # 9-13
    pos = session_position(mmm, planned=10, number=4)
    assert pos.heading == "Session 4 af 10 (manual: 9-13)" and pos.warning == ""
    assert session_position(mmm, planned=10, number=11).status == "above_planned"
    over = session_position(mmm, planned=10, number=14)
    assert over.status == "above_range" and "begrundelse" in over.warning


def test_fixed_range_shows_a_single_number() -> None:
    assert session_position(CAT.get("cool-kids"), planned=10, number=1).heading == "Session 1 af 10 (manual: 10)"


def test_planned_outside_range() -> None:
    mmm = CAT.get("mind-my-mind")
    assert planned_outside_range(mmm, 10) == ""
    assert "færre" in planned_outside_range(mmm, 5)
    assert "flere" in planned_outside_range(mmm, 14)


def test_the_offer_age_5_to_17_on_the_date() -> None:
    from behandlerklient.core.course_rules import offer_age_problem

    born = date(2021, 12, 10)
    assert "Barnet er 4 år på henvendelsesdatoen 09.12.2026" in offer_age_problem(born, date(2026, 12, 9))
    assert offer_age_problem(born, date(2026, 12, 10)) == ""
    assert "18 år" in offer_age_problem(date(2008, 1, 1), date(2026, 1, 1))
    assert offer_age_problem(date(2008, 1, 2), date(2026, 1, 1)) == ""
