"""The supervision and work-queue repositories: the statements the services used to hold, read by field name."""

from datetime import date, timedelta

import pytest

from behandlerklient.core.models import User
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.supervision import supervision
from behandlerklient.storage.database import Database
from behandlerklient.storage.fidelity_ratings import FidelityRatingRepository
from behandlerklient.storage.reviews import ReviewRepository
from behandlerklient.storage.supervision_meetings import SupervisionMeetingRepository
from behandlerklient.storage.users import UserRepository
from behandlerklient.storage.work_queue_reads import WorkQueueReads
from tests.helpers import child_with_consent

START = date(2026, 2, 2)


@pytest.fixture
def course(ws):
    """Four signed sessions of one course (the default sample sends the fourth for review) and a supervisor."""
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
    ids = []
    for n in range(4):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START + timedelta(days=7 * n))
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_confirmed(ws=ws, session=s)
        ids.append(s.id)
    sup = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    return child, course, ids, sup


def test_review_rows_are_read_by_field_name(ws, course) -> None:
    child, crs, ids, sup = course
    reviews = ReviewRepository(ws.db)
    review_id = reviews.id_for_session(ids[3])
    assert review_id is not None and reviews.id_for_session(ids[0]) is None
    [pending] = reviews.pending(not_by=sup.id)
    assert (pending["id"], pending["session_id"], pending["reason"], pending["author_id"]) == (
        review_id, ids[3], "sample", ws.user.id)
    assert (pending["first_name"], pending["last_name"], pending["track_id"]) == ("Noa", "Brøndum", "cool-kids")
    assert reviews.pending(not_by=ws.user.id) == []  # nobody reviews her own session
    session = reviews.session(ids[3])
    assert (session["id"], session["child_id"], session["track_id"], session["state"]) == (
        ids[3], child.id, "cool-kids", "signed")
    assert reviews.session(10**9) is None
    assert reviews.course_in_supervision(crs.id)
    assert reviews.get(review_id)["status"] == "pending"
    assert reviews.with_session_author(review_id)["author_id"] == ws.user.id
    assert reviews.with_session_author(review_id)["child_id"] == child.id

    therapist = ws.user
    ws.user = sup
    supervision.decide(ws=ws, review_id=review_id, decision="approved")
    [decided] = reviews.unseen_decisions(therapist.id)
    assert (decided["id"], decided["child_id"], decided["status"], decided["full_name"]) == (
        review_id, child.id, "approved", "Louise Hvid")
    assert decided["decided_at"]


def test_a_review_added_by_hand_is_found_for_its_session(ws, course) -> None:
    _child, _crs, ids, _sup = course
    reviews = ReviewRepository(ws.db)
    with ws.db.transaction():
        rid = reviews.add(session_id=ids[1], reason="requested", requested_by=ws.user.id, now=ws.clock())
    assert reviews.id_for_session(ids[1]) == rid
    assert reviews.get(rid)["requested_by"] == ws.user.id


def test_a_meeting_keeps_its_courses_and_puts_them_in_supervision(ws) -> None:
    child = child_with_consent(ws, "Ida", "Holm", "150316-4020")
    crs = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
    meetings, reviews = SupervisionMeetingRepository(ws.db), ReviewRepository(ws.db)
    assert not reviews.course_in_supervision(crs.id)
    assert meetings.child_of_course(crs.id) == child.id and meetings.child_of_course(10**9) is None
    with ws.db.transaction():
        mid = meetings.add(meeting_date=START, kind="group", supervisor_id=ws.user.id, notes="", now=ws.clock())
        meetings.add_course(mid, crs.id)
    assert reviews.course_in_supervision(crs.id)


def test_fidelity_ratings_are_kept_per_kind_of_rater(ws, course) -> None:
    _child, _crs, ids, _sup = course
    supervision.save_ratings(ws=ws, session_id=ids[0], kind="self",
                             items=[supervision.Rating("agenda", "yes", 5, "fint")])
    [row] = FidelityRatingRepository(ws.db).for_session(ids[0], "self")
    assert (row["item_key"], row["adherence"], row["competence"], row["comment"]) == ("agenda", "yes", 5, "fint")
    assert FidelityRatingRepository(ws.db).for_session(ids[0], "supervisor") == []


def test_the_work_queue_reads_name_their_fields(ws, course, monkeypatch) -> None:
    child, crs, ids, _sup = course
    reads = WorkQueueReads(ws.db)
    [active] = reads.active_courses()
    assert (active["id"], active["child_id"], active["track_id"], active["held"]) == (crs.id, child.id, "cool-kids", 4)
    assert active["planned_sessions"] == crs.planned_sessions
    assert reads.child_of_session(ids[0]) == child.id
    [named] = reads.child_names({child.id})
    assert (named["id"], named["first_name"], named["last_name"]) == (child.id, "Noa", "Brøndum")
    draft, _ = sessions.start_session(ws=ws, course_id=crs.id, on=START + timedelta(days=35))
    [row] = reads.session_drafts(ws.user.id)
    assert (row["id"], row["child_id"], row["number"]) == (draft.id, child.id, 5)
    assert row["session_date"] == draft.session_date.isoformat()
    assert reads.follow_ups_due("9999-12-31") == [] and reads.offered_without_screening() == []

    monkeypatch.setattr(Database, "query", lambda *a, **k: pytest.fail("no statement for no children"))
    assert reads.child_names(set()) == []
