"""sync.md's conflict table, one test per case: two laptops' versions are built here by appending events with
another device id, or by storing the record the other laptop signed, the way a pull will; both are kept, the
disagreement is listed in Danish without patient text, and a person resolves it by a recorded choice."""

from datetime import date, timedelta

import pytest

from behandlerklient.core.errors import InvalidInput, WrongPassphrase
from behandlerklient.core.models import JournalEntry, SessionParts, User
from behandlerklient.services.accounts.signing import Confirmation
from behandlerklient.services.journal import conflicts, group_sessions, journal, sessions
from behandlerklient.services.overview import work_queue
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.signatures import seal
from behandlerklient.services.supervision import supervision
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.sessions import JournalRepository
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE
from tests.helpers import CLOSED_EARLY, child_with_consent

START = date(2026, 2, 2)
LAPTOP_B = "laptop-b"
PATIENT_TEXT = ("Noa", "Brøndum", "150316", "Familien", "Sporskifte")


@pytest.fixture
def child(ws):
    return child_with_consent(ws, "Noa", "Brøndum", "150316-4011")


@pytest.fixture
def course(ws, child):
    return pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=START).course


@pytest.fixture
def colleague(ws):
    return UserRepository(ws.db).add(User(None, "bbe", "Bo Berg", "therapist"), now=ws.clock())


def _uid(ws, table, row_id) -> str:
    return ws.db.scalar(f"SELECT uid FROM {table} WHERE id = ?", (row_id,))


def _held(ws, course, n):
    ids = []
    for i in range(n):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START + timedelta(days=7 * i))
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_confirmed(ws=ws, session=s)
        ids.append(s.id)
    return ids


def _no_patient_text(found) -> None:
    for c in found:
        assert all(word not in c.description for word in PATIENT_TEXT), c.description
        assert all(word not in o.label for o in c.options for word in PATIENT_TEXT)


def test_two_corrections_of_one_journal_entry_are_both_kept_and_flagged(ws, child, course, colleague) -> None:
    _held(ws, course, 1)
    original = next(e for e in JournalRepository(ws.db).for_child(child.id) if e.kind == "session")
    mine, _ = journal.correct_confirmed(ws=ws, original=original, text="Rettet på laptop A")
    now = ws.clock()
    with ws.db.transaction():  # the colleague's correction of the same entry, signed offline on laptop B
        theirs = JournalRepository(ws.db).add(JournalEntry(
            None, child.id, "correction", f"Rettelse: {original.title}", "Rettet på laptop B", colleague.id,
            "therapist", original.event_time, now, course_id=course.id, session_id=original.session_id,
            signed_at=now, supersedes_id=original.id, source=original.source, source_id=original.source_id))
    (conflict,) = conflicts.for_child(ws=ws, child_id=child.id)
    assert conflict.kind == "correction" and "rettet to gange" in conflict.description
    assert [o.ref for o in conflict.options] == [_uid(ws, "journal_entries", mine.id),
                                                 _uid(ws, "journal_entries", theirs.id)]
    assert conflict.authors == {ws.user.id, colleague.id}
    _no_patient_text([conflict])
    with pytest.raises(WrongPassphrase):  # signed like every record: nothing without the passphrase
        conflicts.resolve(ws=ws, key=conflict.key, keep=_uid(ws, "journal_entries", theirs.id), passphrase="forkert")
    assert conflicts.for_child(ws=ws, child_id=child.id) == [conflict]
    conflicts.resolve(ws=ws, key=conflict.key, keep=_uid(ws, "journal_entries", theirs.id), reason="Aftalt med Bo",
                      passphrase=PASSPHRASE)
    assert conflicts.for_child(ws=ws, child_id=child.id) == []
    assert {JournalRepository(ws.db).get(mine.id).id, JournalRepository(ws.db).get(theirs.id).id} == {
        mine.id, theirs.id}  # nothing deleted
    lines = {line.entry.id: line for line in journal.entries(ws=ws, child_id=child.id)}
    assert lines[original.id].corrected_by.id == theirs.id  # the chosen correction is current
    assert lines[mine.id].set_aside and not lines[theirs.id].set_aside  # the other is kept, set aside
    _signed_resolution(ws, child.id, chosen=_uid(ws, "journal_entries", theirs.id),
                       other=_uid(ws, "journal_entries", mine.id))


def _signed_resolution(ws, child_id, *, chosen, other) -> None:
    """The resolution is a signed journal entry of the resolver, sealed with her key and in the outbox, naming
    both versions by global id; the resolution event names it."""
    entry = ws.db.query_one("SELECT * FROM journal_entries WHERE kind = 'conflict_resolution' AND child_id = ? "
                            "ORDER BY id DESC", (child_id,))
    assert entry["signed_at"] and entry["author_id"] == ws.user.id
    assert f"Gælder: {chosen}" in entry["body"] and other in entry["body"]
    assert ws.db.scalar("SELECT count(*) FROM record_signatures WHERE kind = 'journal_entries' AND record_id = ?",
                        (entry["id"],)) == 1
    assert ws.db.scalar("SELECT count(*) FROM sync_outbox WHERE uid = ?", (entry["uid"],)) == 1
    (event,) = [e for e in EventRepository(ws.db).resolutions() if entry["uid"] in e.value["records"]]
    assert event.value["keep"] == chosen and other in event.value["versions"] and event.author_id == ws.user.id


def _sign_closing(ws, course, child, **values):
    rid, _ = records.save(ws=ws, kind="closing", values={
        "course_id": course.id, "child_id": child.id, "closing_date": START + timedelta(days=100),
        "effect": "improved", "further_needs": "Ingen", "criteria_reason": "Familien flyttede", **values})
    records.sign(ws=ws, kind="closing", record_id=rid, passphrase=PASSPHRASE)
    return rid


def test_two_closings_of_one_course_are_both_kept_and_the_choice_sets_the_course(ws, child, course,
                                                                                colleague) -> None:
    mine = _sign_closing(ws, course, child)
    now = to_text(ws.clock())
    with ws.db.transaction():  # laptop B closed the same course as dropped out; before schema 13: UNIQUE failed
        theirs = ws.db.insert("closings", {
            "course_id": course.id, "child_id": child.id, "closing_date": (START + timedelta(days=80)).isoformat(),
            "effect": "unchanged", "status": "dropped_out", "criteria_reason": "Udeblev", "author_id": colleague.id,
            "created_at": now, "signed_at": now})
    (conflict,) = conflicts.for_user(ws=ws)
    assert conflict.kind == "closing" and conflict.child_id == child.id
    assert "afsluttet to gange" in conflict.description
    _no_patient_text([conflict])
    assert PathwayRepository(ws.db).course(course.id).status == "completed"
    (task,) = [t for t in work_queue.build(ws=ws, today=START) if t.section == "conflicts"]
    assert (task.child_id, task.kind) == (child.id, "conflict")
    conflicts.resolve(ws=ws, key=conflict.key, keep=_uid(ws, "closings", theirs), passphrase=PASSPHRASE)
    _signed_resolution(ws, child.id, chosen=_uid(ws, "closings", theirs), other=_uid(ws, "closings", mine))
    assert not [t for t in work_queue.build(ws=ws, today=START) if t.section == "conflicts"]
    kept = PathwayRepository(ws.db).course(course.id)
    assert (kept.status, kept.end_date) == ("dropped_out", START + timedelta(days=80))
    assert ws.db.scalar("SELECT closing_reason FROM courses WHERE id = ?", (course.id,)) == "Udeblev"
    assert conflicts.for_user(ws=ws) == [] and ws.db.scalar("SELECT count(*) FROM closings") == 2
    assert mine != theirs


@pytest.fixture
def review(ws, course):
    ids = _held(ws, course, 4)
    therapist = ws.user
    ws.user = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    (item,) = supervision.queue(ws=ws)
    supervisor = ws.user
    ws.user = therapist
    return item.review_id, ids[3], therapist, supervisor


def _supervisor_signs(ws, supervisor) -> Confirmation:
    """The supervisor signs with a key of her own (in this test's memory: she has no wrap in the key file), her
    passphrase confirmed the way the window confirms it on a worker."""
    seal.give_keys(ws=ws, users=[supervisor])
    return Confirmation(supervisor.username)


def test_two_decisions_on_one_review_from_two_laptops_are_flagged(ws, course, review) -> None:
    review_id, _session_id, therapist, supervisor = review
    ws.user = supervisor
    supervision.decide(ws=ws, review_id=review_id, decision="approved")
    with ws.db.transaction():  # the second supervisor decided the same review offline, seeing no decision
        EventRepository(ws.db, device=LAPTOP_B).append(
            aggregate="review", subject=review_id, field="decision", now=ws.clock(), child_id=course.child_id,
            base_uid=None, value={"status": "changes_requested", "supervisor_id": supervisor.id,
                                  "decided_at": to_text(ws.clock()), "comment": "Mere eksponering"})
    (conflict,) = conflicts.for_child(ws=ws, child_id=course.child_id)
    assert conflict.kind == "field" and "to afgørelser" in conflict.description
    _no_patient_text([conflict])
    local = next(o for o in conflict.options if LAPTOP_B not in o.label)
    conflicts.resolve(ws=ws, key=conflict.key, keep=local.ref, passphrase=_supervisor_signs(ws, supervisor))
    _signed_resolution(ws, course.child_id, chosen=local.ref,
                       other=next(o.ref for o in conflict.options if o.ref != local.ref))
    assert ws.db.scalar("SELECT status FROM reviews WHERE id = ?", (review_id,)) == "approved"
    assert conflicts.for_child(ws=ws, child_id=course.child_id) == []
    ws.user = therapist


def test_two_reviews_of_one_session_each_decided_are_kept_and_flagged(ws, course, review) -> None:
    review_id, session_id, _therapist, supervisor = review
    ws.user = supervisor
    supervision.decide(ws=ws, review_id=review_id, decision="approved")
    now = to_text(ws.clock())
    with ws.db.transaction():  # laptop B sampled the same session (reviews.session_id was UNIQUE) and decided it
        ws.db.insert("reviews", {"session_id": session_id, "reason": "sample", "requested_at": now,
                                 "status": "changes_requested", "supervisor_id": supervisor.id, "decided_at": now,
                                 "comment": "Mere eksponering"})
    (conflict,) = conflicts.for_child(ws=ws, child_id=course.child_id)
    assert conflict.kind == "review" and [o.value for o in conflict.options] == ["approved", "changes_requested"]
    mine, theirs = (o.ref for o in conflict.options)
    conflicts.resolve(ws=ws, key=conflict.key, keep=theirs, reason="Aftalt på supervisionsmødet",
                      passphrase=_supervisor_signs(ws, supervisor))
    assert conflicts.for_child(ws=ws, child_id=course.child_id) == []
    assert ws.db.scalar("SELECT count(*) FROM reviews WHERE session_id = ?", (session_id,)) == 2  # both kept
    assert conflicts.rejected(ws=ws, kind="review", child_id=course.child_id) == {review_id}
    _signed_resolution(ws, course.child_id, chosen=theirs, other=mine)


def test_a_decision_and_the_therapists_seen_on_one_review_are_no_conflict(ws, course, review) -> None:
    review_id, _session_id, therapist, supervisor = review
    ws.user = supervisor
    supervision.decide(ws=ws, review_id=review_id, decision="approved")
    ws.user = therapist
    with ws.db.transaction():  # the therapist marked it seen on laptop B before the decision's event arrived
        EventRepository(ws.db, device=LAPTOP_B).append(
            aggregate="review", subject=review_id, field="seen", value=to_text(ws.clock()), now=ws.clock(),
            child_id=course.child_id, base_uid=None, author_id=therapist.id)
    assert conflicts.for_child(ws=ws, child_id=course.child_id) == []
    assert conflicts.for_user(ws=ws) == []
    row = ws.db.query_one("SELECT status, seen_at FROM reviews WHERE id = ?", (review_id,))
    assert row["status"] == "approved" and row["seen_at"] is not None


def test_one_group_session_written_by_both_co_therapists_is_flagged(ws, colleague) -> None:
    kids = [child_with_consent(ws, first, last, cpr) for first, last, cpr in
            (("Alma", "Holm", "010316-4002"), ("Karla", "Dahl", "020316-4004"))]
    course_ids = [pathway.open_course(ws=ws, child_id=k.id, track_id="cool-kids", start_date=START,
                                      format="group").course.id for k in kids]
    gid, _ = group_sessions.create(ws=ws, track_id="cool-kids", session_date=START, course_ids=course_ids)
    group_sessions.save_shared(ws=ws, group_id=gid,
                               parts=SessionParts("Dagsorden", "Status", "Mål", "Øvelse", "Trappen"))
    group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)
    shared = dict(ws.db.query_one("SELECT * FROM group_sessions WHERE id = ?", (gid,)))
    mine = dict(ws.db.query_one("SELECT * FROM sessions WHERE group_session_id = ? ORDER BY id", (gid,)))
    with ws.db.transaction():  # the co-therapist documented the same meeting on laptop B
        # (another laptop's records: their own global ids, from their own device)
        other = ws.db.insert("group_sessions", dict(shared, id=None, uid=None, origin_device=LAPTOP_B,
                                                    author_id=colleague.id, agenda="Andet"))
        ws.db.insert("sessions", dict(mine, id=None, uid=None, origin_device=LAPTOP_B, group_session_id=other,
                                      author_id=colleague.id))
    (conflict,) = conflicts.for_child(ws=ws, child_id=kids[0].id)
    assert conflict.kind == "group_session" and "begge gruppeledere" in conflict.description
    assert [o.ref for o in conflict.options] == [_uid(ws, 'group_sessions', gid), _uid(ws, 'group_sessions', other)]
    assert conflicts.for_child(ws=ws, child_id=kids[1].id) == []  # the second child's session was not doubled
    _no_patient_text([conflict])


def _two_tracks(ws, course):
    """Two changes of the course's track after the same base: this laptop's, and laptop B's (returned)."""
    pathway.change_track(ws=ws, course_id=course.id, track_id="cool-kids", reason="Sporskifte", on=START,
                         passphrase=PASSPHRASE)
    base = EventRepository(ws.db).field_events("course", str(course.id), "track_id")[-1]
    pathway.change_track(ws=ws, course_id=course.id, track_id="mind-my-mind", reason="Sporskifte", on=START,
                         passphrase=PASSPHRASE)
    with ws.db.transaction():  # laptop B, also after the first change, chose another track
        return EventRepository(ws.db, device=LAPTOP_B).append(
            aggregate="course", subject=course.id, field="track_id", value="cool-kids", now=ws.clock(),
            child_id=course.child_id, base_uid=base.uid)


def test_two_edits_of_one_field_after_the_same_base_are_flagged_and_resolved_by_a_choice(ws, course) -> None:
    theirs = _two_tracks(ws, course)
    (conflict,) = conflicts.for_child(ws=ws, child_id=course.child_id)
    assert conflict.kind == "field" and "forløbets spor" in conflict.description
    assert {o.value for o in conflict.options} == {"mind-my-mind", "cool-kids"}
    _no_patient_text([conflict])
    with pytest.raises(InvalidInput):
        conflicts.resolve(ws=ws, key=conflict.key, keep="ingen-af-dem", passphrase=PASSPHRASE)
    conflicts.resolve(ws=ws, key=conflict.key, keep=theirs.uid, passphrase=PASSPHRASE)
    _signed_resolution(ws, course.child_id, chosen=theirs.uid,
                       other=next(o.ref for o in conflict.options if o.ref != theirs.uid))
    assert PathwayRepository(ws.db).course(course.id).track_id == "cool-kids"
    assert conflicts.for_child(ws=ws, child_id=course.child_id) == []
    # A later edit on either laptop after the resolution is an ordinary change, not a new conflict.
    pathway.change_track(ws=ws, course_id=course.id, track_id="mind-my-mind", reason="Sporskifte", on=START,
                         passphrase=PASSPHRASE)
    assert conflicts.for_child(ws=ws, child_id=course.child_id) == []


def test_a_resolution_signed_about_another_child_does_not_close_this_childs_conflict(ws, course) -> None:
    _two_tracks(ws, course)
    (conflict,) = conflicts.for_child(ws=ws, child_id=course.child_id)
    other = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    # A resolution from a laptop whose user may write about the other child only: it names this conflict's key
    # (the key is global) but is signed into the other child's record, as the server let it through
    with ws.db.transaction():
        EventRepository(ws.db, device=LAPTOP_B).append(
            aggregate="resolution", subject_uid=conflict.key, field="choice", now=ws.clock(), child_id=other.id,
            base_uid=None, value={"keep": conflict.options[0].ref, "kind": "field",
                                  "versions": sorted(o.ref for o in conflict.options), "records": []})
    assert [c.key for c in conflicts.for_child(ws=ws, child_id=course.child_id)] == [conflict.key]
    assert [c.key for c in conflicts.for_user(ws=ws)] == [conflict.key]
    conflicts.resolve(ws=ws, key=conflict.key, keep=conflict.options[1].ref, passphrase=PASSPHRASE)
    assert conflicts.for_child(ws=ws, child_id=course.child_id) == []


def test_a_field_edited_on_one_laptop_only_is_no_conflict(ws, course) -> None:
    pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=START,
                       **CLOSED_EARLY)
    with ws.db.transaction():  # laptop B saw that and reopened it: a chain, not a conflict
        head = EventRepository(ws.db).field_events("course", str(course.id), "status")[-1]
        EventRepository(ws.db, device=LAPTOP_B).append(
            aggregate="course", subject=course.id, field="status", value={"status": "active", "end_date": None},
            now=ws.clock(), child_id=course.child_id, base_uid=head.uid)
    assert conflicts.for_child(ws=ws, child_id=course.child_id) == []
    assert PathwayRepository(ws.db).course(course.id).status == "active"
