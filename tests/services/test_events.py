"""Shared values are events: the columns the program reads are the fold of the field's events (schema 13)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from behandlerklient.services.pathway import pathway
from behandlerklient.services.registration import master_data
from behandlerklient.services.supervision import supervision
from behandlerklient.services.supervision.supervision import Rating
from behandlerklient.services.workspace import settings
from behandlerklient.storage.events import EventRepository, local_device_id
from behandlerklient.storage.pathway import PathwayRepository
from tests.conftest import PASSPHRASE
from tests.helpers import CLOSED_EARLY, child_with_consent

START = date(2026, 2, 2)


@pytest.fixture
def course(ws):
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    return pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=START).course


def _course(ws, course_id):
    return PathwayRepository(ws.db).course(course_id)


def test_closing_a_course_then_reopening_it_by_an_event_gives_the_latest_status(ws, course) -> None:
    pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=START + timedelta(days=90),
                       **CLOSED_EARLY)
    assert (_course(ws, course.id).status, _course(ws, course.id).end_date) == ("completed", START + timedelta(90))
    with ws.db.transaction():
        EventRepository(ws.db).append(aggregate="course", subject=course.id, field="status", now=ws.clock(),
                                      value={"status": "active", "end_date": None}, child_id=course.child_id)
    assert (_course(ws, course.id).status, _course(ws, course.id).end_date) == ("active", None)
    history = EventRepository(ws.db).field_events("course", str(course.id), "status")
    assert [e.value["status"] for e in history] == ["completed", "active"]  # nothing was overwritten
    assert {e.device for e in history} == {local_device_id(ws.db)}


def test_changing_track_twice_gives_the_latest_and_keeps_both_events(ws, course) -> None:
    for track in ("cool-kids", "mind-my-mind"):
        pathway.change_track(ws=ws, course_id=course.id, track_id=track, reason="Bedre match", on=START,
                             passphrase=PASSPHRASE)
    assert _course(ws, course.id).track_id == "mind-my-mind"
    events = EventRepository(ws.db).field_events("course", str(course.id), "track_id")
    assert [e.value for e in events] == ["cool-kids", "mind-my-mind"]
    assert events[1].base_uid == events[0].uid  # the second edit saw the first


def test_the_course_is_linked_to_its_contact_by_an_event(ws) -> None:
    child = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=START, made_by="parent", way="self",
                                 concern="Angst")
    opened = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START)
    assert _course(ws, opened.course.id).contact_id == cid
    (event,) = EventRepository(ws.db).field_events("course", str(opened.course.id), "contact_id")
    assert event.value == ws.db.scalar("SELECT uid FROM contacts WHERE id = ?", (cid,))  # global: the same elsewhere


def test_a_setting_is_the_fold_of_its_events(ws) -> None:
    ws.user = replace(ws.user, role="admin")
    settings.put(ws=ws, key="lock_after_minutes", value="7")
    settings.put(ws=ws, key="lock_after_minutes", value="9")
    assert settings.get(ws=ws, key="lock_after_minutes") == "9"
    assert [e.value for e in EventRepository(ws.db).field_events("setting", "lock_after_minutes", "value")] == [
        "7", "9"]


def test_fidelity_ratings_and_review_decisions_are_events(ws, course) -> None:
    from behandlerklient.core.models import User
    from behandlerklient.services.journal import sessions
    from behandlerklient.storage.users import UserRepository

    ids = []
    for n in range(4):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START + timedelta(days=7 * n))
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_confirmed(ws=ws, session=s)
        ids.append(s.id)
    therapist = ws.user
    supervision.save_ratings(ws=ws, session_id=ids[3], kind="self", items=[Rating("agenda", "yes", 4)])
    supervision.save_ratings(ws=ws, session_id=ids[3], kind="self", items=[Rating("agenda", "partly", 3)])
    assert supervision.ratings(ws=ws, session_id=ids[3], kind="self")["agenda"].adherence == "partly"
    checklists = EventRepository(ws.db).field_events("fidelity", f"{ids[3]}:self", "checklist")
    assert [[(i["key"], i["adherence"]) for i in e.value["items"]] for e in checklists] == [
        [("agenda", "yes")], [("agenda", "partly")]]

    ws.user = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    (item,) = supervision.queue(ws=ws)
    supervision.decide(ws=ws, review_id=item.review_id, decision="approved")
    ws.user = therapist
    assert [f.decision for f in supervision.feedback_for_therapist(ws=ws)] == ["approved"]
    supervision.mark_seen(ws=ws, review_id=item.review_id)
    assert supervision.feedback_for_therapist(ws=ws) == []
    kinds = [e.field for e in EventRepository(ws.db).subject_events("review", str(item.review_id))]
    assert kinds == ["decision", "seen"]


def test_master_data_changes_are_events_and_the_child_row_follows(ws) -> None:
    child = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    edited = master_data.current(ws=ws, child_id=child.id)
    edited = replace(edited, school="Marstal Skole",
                     guardians=[replace(edited.guardians[0], has_custody=False), *edited.guardians[1:]])
    master_data.save(ws=ws, child_id=child.id, edited=edited, reason="Afgørelse")
    assert master_data.current(ws=ws, child_id=child.id).school == "Marstal Skole"
    assert master_data.current(ws=ws, child_id=child.id).guardians[0].has_custody is False
    events = EventRepository(ws.db).child_events(child.id)
    assert {(e.aggregate, e.field, e.value) for e in events} >= {("child", "school", "Marstal Skole"),
                                                                 ("guardian", "has_custody", 0)}


def test_two_laptops_appending_to_one_field_never_break_a_constraint(ws, course) -> None:
    same_moment = "0001764547200000.0000"
    with ws.db.transaction():
        for device in ("laptop-a", "laptop-b", "laptop-a", "laptop-b"):
            EventRepository(ws.db, device=device).append(
                aggregate="course", subject=course.id, field="track_id", value="cool-kids", now=ws.clock(),
                child_id=course.child_id, base_uid=None, hlc=same_moment)
    assert len(EventRepository(ws.db).field_events("course", str(course.id), "track_id")) == 4
