"""SDQ over the pathway: the time point a new form belongs to, the change since the same informant's baseline,
the totals per informant over time (what both charts draw), and the one footnote for unconfirmed bands."""

from datetime import date

from behandlerklient.core.sdq_progress import (
    UNCONFIRMED_MARK,
    CourseState,
    Measurement,
    band_mark,
    change_since_baseline,
    infer_time_point,
    needs_footnote,
    totals_over_time,
)

D = date(2026, 3, 1)


def _course(**kw) -> CourseState:
    values = {"id": 7, "status": "active", "start": D, "end": None, "delivered": 3, "planned": 10}
    return CourseState(**{**values, **kw})


def test_the_time_point_follows_the_pathway() -> None:
    assert infer_time_point([]).phase == "baseline"
    assert infer_time_point([_course(delivered=0)]).phase == "baseline"  # course made, nothing held yet
    during = infer_time_point([_course()])
    assert (during.phase, during.course_id) == ("during", 7)
    assert infer_time_point([_course(delivered=10)]).phase == "closing"  # the planned sessions are held
    assert infer_time_point([_course(closing_begun=True)]).phase == "closing"  # the closing form is begun
    ended = _course(status="completed", end=date(2026, 6, 1))
    follow = infer_time_point([ended])
    assert (follow.phase, follow.course_id) == ("follow_up", 7) and "01.06.2026" in follow.why
    # A new contact after the course ended starts a new pathway: its SDQ is a baseline again.
    assert infer_time_point([ended], latest_contact=date(2026, 9, 1)).phase == "baseline"


def test_change_is_against_the_latest_baseline_from_the_same_informant_only() -> None:
    rows = [Measurement(1, "parent", "baseline", D, 20, None), Measurement(2, "self", "baseline", D, 12, None),
            Measurement(3, "parent", "closing", date(2026, 6, 1), 14, 7),
            Measurement(4, "self", "closing", date(2026, 6, 1), 16, 7),
            Measurement(5, "teacher", "closing", date(2026, 6, 1), 9, 7)]
    assert change_since_baseline(rows) == {1: None, 2: None, 3: -6, 4: 4, 5: None}  # no teacher baseline


def test_totals_over_time_per_informant_in_date_order_without_missing_totals() -> None:
    rows = [Measurement(3, "self", "closing", date(2026, 6, 1), 16, 7), Measurement(2, "self", "baseline", D, 12, None),
            Measurement(1, "parent", "baseline", D, None, None), Measurement(4, "parent", "closing", D, 10, 7)]
    assert totals_over_time(rows) == {"parent": [(D, 10)], "self": [(D, 12), (date(2026, 6, 1), 16)]}


def test_an_unconfirmed_band_is_marked_and_the_footnote_said_once() -> None:
    confirmed = {"label": "Høj", "confirmed": True}
    unconfirmed = {"label": "Let forhøjet", "confirmed": False}
    assert band_mark(confirmed) == "Høj" and band_mark(unconfirmed) == "Let forhøjet" + UNCONFIRMED_MARK
    assert needs_footnote([confirmed, None, unconfirmed]) and not needs_footnote([confirmed, None])
