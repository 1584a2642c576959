"""The work queue is the user's own (issue 15): her caseload's screenings, follow-ups and waits, a supervisor's
also her supervisees'; each wait with its age in days; N days before a contact without an intake shows is a
setting; approvals collapse and can be marked seen at once."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from behandlerklient.core.access import queue_bases
from behandlerklient.core.errors import InvalidInput
from behandlerklient.core.models import User
from behandlerklient.services.accounts import access
from behandlerklient.services.documents import letters
from behandlerklient.services.journal import sessions
from behandlerklient.services.overview import work_queue
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.supervision import supervision
from behandlerklient.services.workspace import settings
from behandlerklient.storage.users import UserRepository
from tests.helpers import child_with_consent, give_consent

TODAY = date(2026, 11, 23)


def _user(ws, username: str, role: str):
    user = UserRepository(ws.db).add(User(None, username, username.capitalize(), role), now=ws.clock())
    return dataclasses.replace(ws, user=user)


def _contact(ws, child, on: date) -> int:
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=on, made_by="parent", way="gp",
                                 concern="Bekymring")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    return cid


def _screened(ws, child, contact_id: int, on: date) -> None:
    iid, _ = records.save(ws=ws, kind="intake", values={"contact_id": contact_id, "child_id": child.id,
                                                        "talk_number": 1, "talk_date": on, "decision_group": 3,
                                                        "reasoning": "I målgruppen"})
    records.sign_confirmed(ws=ws, kind="intake", record_id=iid)
    sid, _ = records.save(ws=ws, kind="screening", values={
        "contact_id": contact_id, "child_id": child.id, "screening_date": on, "child_account": "Fortæller",
        "symptoms": "Uro", "self_harm_asked": True, "risk_level": "low", "outcome": "course",
        "outcome_track_id": "cool-kids"})
    records.sign_confirmed(ws=ws, kind="screening", record_id=sid)


def _section(ws, section: str, today: date = TODAY) -> list[work_queue.Task]:
    return [t for t in work_queue.build(ws=ws, today=today) if t.section == section]


def test_queue_bases_by_role() -> None:
    assert queue_bases("therapist") == ("caseload", "shared")
    assert queue_bases("supervisor") == ("caseload", "shared", "supervision")
    assert queue_bases("coordinator") == ()
    with pytest.raises(ValueError):
        queue_bases("guest")


def test_the_queue_holds_the_own_caseload_and_a_supervisor_her_supervisees(ws) -> None:
    bo = _user(ws, "bo", "therapist")
    lis = _user(ws, "lis", "supervisor")
    admin = _user(ws, "chef", "admin")
    held = {}
    for who, first, cpr in ((ws, "Alma", "010314-4002"), (bo, "Dina", "010314-4038")):
        child = child_with_consent(who, first, "Andersen", cpr)
        held[first] = child.id
        course = pathway.open_course(ws=who, child_id=child.id, track_id="cool-kids", start_date=TODAY).course
        with ws.db.transaction():
            ws.db.insert("follow_ups", {"course_id": course.id, "child_id": child.id, "kind": "follow_up",
                                        "due_date": (TODAY + timedelta(days=3)).isoformat()})
    assert [t.child_name for t in _section(bo, "follow_ups")] == ["Dina Andersen"]  # not Alma: anna's
    assert [t.child_name for t in _section(ws, "follow_ups")] == ["Alma Andersen"]
    assert _section(lis, "follow_ups") == []  # she supervises nobody yet
    access.add_pair(ws=admin, supervisor="lis", therapist="bo")
    assert [t.child_name for t in _section(lis, "follow_ups")] == ["Dina Andersen"]
    access.grant(ws=admin, child_id=held["Alma"], username="bo", kind="shared")  # a co-therapist's child
    assert {t.child_name for t in _section(bo, "follow_ups")} == {"Alma Andersen", "Dina Andersen"}
    assert all(t.days == -3 for t in _section(bo, "follow_ups"))  # due in three days


def test_the_waits_that_matter_each_with_its_age_in_days(ws) -> None:
    admin = _user(ws, "chef", "admin")
    waiting = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    _contact(ws, waiting, TODAY - timedelta(days=10))
    assert _section(ws, "waiting_intake") == []  # 10 days: within the default 14
    settings.put(ws=admin, key="intake_wait_days", value="7")
    [task] = _section(ws, "waiting_intake")
    assert task.days == 10 and "10 dage" in task.text and task.child_name == "Alma Holm"
    with pytest.raises(InvalidInput):
        settings.put(ws=admin, key="intake_wait_days", value="0")

    screened = child_with_consent(ws, "Karla", "Dahl", "020316-4004")
    _screened(ws, screened, _contact(ws, screened, TODAY - timedelta(days=30)), TODAY - timedelta(days=21))
    [task] = _section(ws, "waiting_start")
    assert task.days == 21 and "Cool Kids" in task.text
    course = pathway.open_course(ws=ws, child_id=screened.id, track_id="cool-kids",
                                 start_date=TODAY - timedelta(days=5))
    assert _section(ws, "waiting_start") == []

    [letter] = _section(ws, "gp_letters")
    assert letter.kind == "gp_letter_start" and letter.record_id == course.course.id and letter.days == 5
    give_consent(ws, screened, on=TODAY - timedelta(days=30), kind="share", party="gp")
    with ws.db.transaction():  # the GP the letter goes to
        gp_id = ws.db.insert("gps", {"clinic_name": "Lægehuset", "doctor_name": "Ågård", "address": "Vej 1",
                                     "postcode": "5970", "city": "Ærøskøbing", "phone": "1"})
        ws.db.execute("UPDATE children SET gp_id = ? WHERE id = ?", (gp_id, screened.id))
    prepared = letters.prepare(ws=ws, course_id=course.course.id, kind="start")
    letters.journalise_disclosure(ws=ws, prepared=prepared, medcom=False)
    assert _section(ws, "gp_letters") == []


def test_approvals_collapse_and_are_marked_seen_at_once(ws) -> None:
    lis = _user(ws, "lis", "supervisor")
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=TODAY).course
    reviews = []
    for n in range(3):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=TODAY + timedelta(days=7 * n))
        s.parts.status = "Noa fortæller."
        sessions.finish_confirmed(ws=ws, session=s)
        reviews.append(supervision.request_review(ws=ws, session_id=s.id))
    for rid, decision in zip(reviews, ("approved", "approved", "changes_requested"), strict=True):
        supervision.decide(ws=lis, review_id=rid, decision=decision, comment="Mere om eksponering"
                           if decision != "approved" else "")
    kinds = sorted(t.kind for t in _section(ws, "supervision"))
    assert kinds == ["approval", "approval", "feedback"]
    assert supervision.mark_approvals_seen(ws=ws) == 2
    assert [t.kind for t in _section(ws, "supervision")] == ["feedback"]  # a request for changes stays


def test_an_end_letter_waits_within_its_window_after_the_closing_and_not_after(ws) -> None:
    from tests.helpers import closed_with_follow_up

    recent = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    old = child_with_consent(ws, "Karla", "Dahl", "020316-4004")
    course = closed_with_follow_up(ws, recent, start=TODAY - timedelta(days=80), closed=TODAY - timedelta(days=10))
    closed_with_follow_up(ws, old, start=TODAY - timedelta(days=200),
                          closed=TODAY - timedelta(days=work_queue.END_LETTER_DAYS + 1))
    letters_waiting = _section(ws, "gp_letters")
    assert [(t.kind, t.record_id, t.days) for t in letters_waiting] == [("gp_letter_end", course.id, 10)]
    assert "Tilbagemelding" in letters_waiting[0].text and letters_waiting[0].child_name == "Alma Holm"
