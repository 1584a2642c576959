"""Course rules: track change and range need reasons, absences count apart, group sessions, closing, follow-up."""

from datetime import date, timedelta

import pytest

from behandlerklient.core.errors import RuleRefused, WrongPassphrase
from behandlerklient.core.models import SessionParts
from behandlerklient.services.journal import group_sessions, journal, sessions
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.overview import work_queue
from behandlerklient.services.pathway import documentation, pathway, records, timeline
from behandlerklient.services.registration import children
from behandlerklient.services.reports import listing
from behandlerklient.storage.sessions import JournalRepository
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent, give_consent

START = date(2026, 2, 2)


@pytest.fixture
def child(ws):
    return child_with_consent(ws, "Noa", "Brøndum", "150316-4011")


@pytest.fixture
def course(ws, child):
    return pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=START).course


def _held(ws, course, n, day=START):
    for _ in range(n):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=day)
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_confirmed(ws=ws, session=s)


def test_planning_beyond_the_range_needs_a_reason(ws, child) -> None:
    with pytest.raises(RuleRefused, match="begrundelse"):
        pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=START, planned_sessions=15)
    opened = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=START,
                                 planned_sessions=15, reason="Tæt på den psykiatriske tærskel")
    change = ws.db.query_one("SELECT kind, new_value, reason FROM course_changes WHERE course_id = ?",
                             (opened.course.id,))
    assert tuple(change) == ("planned_sessions", "15", "Tæt på den psykiatriske tærskel")


def test_changing_track_needs_a_reason_and_is_journalised(ws, course) -> None:
    with pytest.raises(RuleRefused, match="begrundelse"):
        pathway.change_track(ws=ws, course_id=course.id, track_id="stime-bekymring-tristhed", reason=" ",
                             on=START, passphrase=PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        pathway.change_track(ws=ws, course_id=course.id, track_id="stime-bekymring-tristhed", reason="Tristhed fylder",
                             on=START, passphrase="forkert")
    pathway.change_track(ws=ws, course_id=course.id, track_id="stime-bekymring-tristhed", reason="Tristhed fylder",
                         on=START, passphrase=PASSPHRASE)
    entries = [e for e in JournalRepository(ws.db).for_child(course.child_id) if e.kind == "course_change"]
    assert len(entries) == 1 and "Tristhed fylder" in entries[0].body and "Mind My Mind" in entries[0].body


def test_absences_are_counted_apart_and_keep_the_numbering(ws, course) -> None:
    _held(ws, course, 2)
    sessions.record_absence(ws=ws, course_id=course.id, on=START + timedelta(days=14), attendance="cancelled")
    sessions.record_absence(ws=ws, course_id=course.id, on=START + timedelta(days=21), attendance="missed")
    nxt, _ = sessions.start_session(ws=ws, course_id=course.id, on=START + timedelta(days=28))
    assert nxt.number == 3
    row = next(c for c in listing.courses(ws=ws) if c["id"] == course.id)
    assert (row["sessions_delivered"], row["sessions_cancelled"], row["sessions_missed"]) == (2, 1, 1)


def test_group_session_is_documented_once_and_kept_apart_per_child(ws) -> None:
    kids = [child_with_consent(ws, first, last, cpr) for first, last, cpr in
            (("Alma", "Holm", "010316-4002"), ("Karla", "Dahl", "020316-4004"), ("Villads", "Friis", "030316-4005"))]
    course_ids = [pathway.open_course(ws=ws, child_id=k.id, track_id="cool-kids", start_date=START,
                                      format="group").course.id for k in kids]
    gid, _ = group_sessions.create(ws=ws, track_id="cool-kids", session_date=START, course_ids=course_ids)
    people = group_sessions.participants(ws=ws, group_id=gid)
    assert [p.child_name for p in people] == ["Karla Dahl", "Villads Friis", "Alma Holm"]
    group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(
        "Dagsorden", "Status", "Mål", "Detektivtænkning i gruppen; Karla Dahl var modig", "Trappen"))
    for p in people:
        group_sessions.save_participant(ws=ws, session_id=p.session_id,
                                        attendance="missed" if p.child_name.startswith("Villads") else "held",
                                        own_note=f"Egen note om {p.child_name.split()[0]}")
    with pytest.raises(RuleRefused, match="nævner et deltagende barn"):
        group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)
    group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(
        "Dagsorden", "Status", "Mål", "Detektivtænkning i gruppen", "Trappen"))
    group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)
    for k in kids:
        entries = [e for e in JournalRepository(ws.db).for_child(k.id) if e.kind == "session"]
        assert len(entries) == 1
        body = entries[0].body
        assert "Detektivtænkning i gruppen" in body and f"Egen note om {k.first_name}" in body
        for other in kids:
            if other.id != k.id:
                assert other.first_name not in body and other.last_name not in body
    villads = next(c for c in listing.courses(ws=ws) if c["child_id"] == kids[2].id)
    assert villads["sessions_delivered"] == 0 and villads["sessions_missed"] == 1


def _sdq(ws, child, phase, level, **link):
    answers = [level] * 25
    for item in (1, 4, 7, 9, 11, 14, 17, 20, 21, 25):
        answers[item - 1] = 2 - level
    sdq_records.record(ws=ws, child_id=child.id, informant="parent", phase=phase, answered_on=START, answers=answers,
                       **link)


def _closing(ws, course, child, **values):
    rid, _ = records.save(ws=ws, kind="closing", values={
        "course_id": course.id, "child_id": child.id, "closing_date": START + timedelta(days=100),
        "effect": "improved", "further_needs": "Ingen", **values})
    return rid


def test_closing_needs_its_criteria_or_a_reason(ws, child, course) -> None:
    _held(ws, course, 9)
    rid = _closing(ws, course, child)
    with pytest.raises(RuleRefused, match="gentaget sdq"):
        records.sign(ws=ws, kind="closing", record_id=rid, passphrase=PASSPHRASE)
    records.save(ws=ws, kind="closing", record_id=rid, values={"criteria_reason": "Familien flyttede"})
    records.sign(ws=ws, kind="closing", record_id=rid, passphrase=PASSPHRASE)
    assert pathway.PathwayRepository(ws.db).course(course.id).status == "completed"


def test_closing_with_repeat_sdq_plans_the_follow_up_and_shows_the_change(ws, child, course) -> None:
    _sdq(ws, child, "baseline", 2)
    _held(ws, course, 9)
    _sdq(ws, child, "closing", 1, course_id=course.id)
    rid = _closing(ws, course, child)
    entry, _ = records.sign(ws=ws, kind="closing", record_id=rid, passphrase=PASSPHRASE)
    assert "Forælder: samlet vanskelighedsscore før 40, efter 20 (ændring -20)" in entry.body
    due = ws.db.query_one("SELECT kind, due_date FROM follow_ups WHERE course_id = ?", (course.id,))
    # Mind My Mind's booster comes 28 days after the closing date.
    assert tuple(due) == ("booster", (START + timedelta(days=128)).isoformat())
    queue = work_queue.build(ws=ws, today=START + timedelta(days=120))
    assert any(t.section == "follow_ups" and t.child_id == child.id for t in queue)
    assert not any(t.section == "follow_ups" for t in work_queue.build(ws=ws, today=START + timedelta(days=100)))


def test_work_queue_lists_drafts_and_courses_past_their_range(ws, child, course) -> None:
    _held(ws, course, 13)
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START, reason="Ekstra")
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    sessions.finish_confirmed(ws=ws, session=s)
    sessions.start_session(ws=ws, course_id=course.id, on=START, reason="Ekstra")
    queue = work_queue.build(ws=ws, today=START)
    assert any(t.section == "over_range" and t.child_id == child.id for t in queue)
    assert any(t.section == "drafts" and t.kind == "session" for t in queue)


def test_correction_supersedes_but_keeps_the_original(ws, child, course) -> None:
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START)
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    original, _ = sessions.finish_confirmed(ws=ws, session=s)
    correction, _ = journal.correct(ws=ws, entry_id=original.id, text="Hjemmeopgaven var tre gange, ikke fem.",
                                    passphrase=PASSPHRASE)
    lines = {line.entry.id: line for line in journal.entries(ws=ws, child_id=child.id)}
    assert lines[original.id].superseded and lines[original.id].corrected_by.id == correction.id
    assert lines[original.id].entry.body == original.body  # still readable, unchanged
    assert lines[original.id].corrector_name == "Anna Åberg"
    with pytest.raises(RuleRefused, match="allerede rettet"):
        journal.correct(ws=ws, entry_id=original.id, text="Igen", passphrase=PASSPHRASE)


def test_timeline_and_waiting_times(ws, child) -> None:
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=START, made_by="parent", way="gp",
                                 concern="Angst")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    iid, _ = records.save(ws=ws, kind="intake", values={"contact_id": cid, "child_id": child.id, "talk_number": 1,
                                                        "talk_date": START + timedelta(days=6), "decision_group": 3,
                                                        "reasoning": "Målgruppe"})
    records.sign_confirmed(ws=ws, kind="intake", record_id=iid)
    assert any(t.section == "screenings" for t in work_queue.build(ws=ws, today=START))
    sid, _ = records.save(ws=ws, kind="screening", values={"contact_id": cid, "child_id": child.id,
                                                           "screening_date": START + timedelta(days=20)})
    pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=START + timedelta(days=41))
    (_day, waits), = timeline.waits(ws=ws, child_id=child.id)
    assert (waits.to_intake, waits.to_screening, waits.to_start) == (6, 20, 41)
    steps = [e.step for e in timeline.events(ws=ws, child_id=child.id)]
    assert steps.index("contact") < steps.index("intake") < steps.index("screening") < steps.index("course")


def test_documentation_checklist_names_what_is_missing(ws, child, course) -> None:
    items = {i.key: i for i in documentation.checklist(ws=ws, course_id=course.id)}
    assert items["consent"].present and items["plan"].present
    assert not items["intake"].present and not items["screening"].present and not items["sessions"].present
    _held(ws, course, 1)
    assert {i.key: i for i in documentation.checklist(ws=ws, course_id=course.id)}["sessions"].present


def test_open_door_a_new_contact_joins_the_same_history(ws, child, course) -> None:
    first = pathway.add_contact(ws=ws, child_id=child.id, contact_date=START, made_by="parent", way="self",
                                concern="Første gang")[0]
    again = pathway.add_contact(ws=ws, child_id=child.id, contact_date=START + timedelta(days=400),
                                made_by="young_person", way="self", concern="Igen efter et år")[0]
    ov = children.overview(ws=ws, child_id=child.id)
    assert [c.concern for c in ov.contacts] == ["Første gang", "Igen efter et år"]
    assert ov.courses and first != again


def test_gp_consent_in_course_listing(ws, child, course) -> None:
    assert next(c for c in listing.courses(ws=ws) if c["id"] == course.id)["gp_consent"] is False
    give_consent(ws, child, on=START, kind="share", party="gp")
    assert next(c for c in listing.courses(ws=ws) if c["id"] == course.id)["gp_consent"] is True
