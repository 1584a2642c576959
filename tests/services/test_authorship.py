"""Only a draft's author signs it, and every signing rule is checked before the passphrase is needed."""

import json
import re
from datetime import date, datetime, timezone

import pytest

from behandlerklient.core import uid
from behandlerklient.core.errors import InvalidInput, KnownError, RuleRefused
from behandlerklient.core.models import JournalEntry, SessionParts, User
from behandlerklient.services.exchange import transfer
from behandlerklient.services.journal import group_sessions, journal, sessions
from behandlerklient.services.pathway import pathway, records, timeline
from behandlerklient.services.signatures import seal
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.database import IntegrityError
from behandlerklient.storage.sessions import JournalRepository
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

DAY = date(2026, 3, 2)
WRONG = "ikke-min-kode"  # a wrong passphrase: a rule must refuse before it is ever checked


@pytest.fixture
def people(ws):
    """(therapist Anna, the test user; supervisor Louise)."""
    sup = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    return ws.user, sup


@pytest.fixture
def child(ws):
    return child_with_consent(ws, "Noa", "Brøndum", "150316-4011")


def _course(ws, child, track="cool-kids"):
    # A second course on a track outside the child's age range needs its reason since master data landed.
    reason = "" if track == "cool-kids" else "Efter aftale med supervisor"
    return pathway.open_course(ws=ws, child_id=child.id, track_id=track, start_date=DAY, age_reason=reason).course


def _signable_drafts(ws, child) -> dict[str, int]:
    """One draft of every pathway record kind that its author could sign as it stands."""
    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="gp",
                                        concern="Ondt i maven")
    records.sign_confirmed(ws=ws, kind="contact", record_id=contact_id)  # talks belong to a signed contact
    base = {"child_id": child.id}
    values = {
        "intake": {**base, "contact_id": contact_id, "talk_number": 1, "talk_date": DAY, "notes": "Forsamtale"},
        "screening": {**base, "contact_id": contact_id, "screening_date": DAY, "self_harm_asked": True,
                      "risk_level": "low", "outcome": "course", "outcome_track_id": "cool-kids"},
        "consent": {**base, "kind": "treatment", "given_by": "custody_holder", "given_on": DAY,
                    "guardian_id": child.guardians[0].id},
        "coordination": {**base, "entry_date": DAY, "partner": "school", "summary": "Møde med læreren"},
        "notification": {**base, "notified_on": DAY, "grounds": "Bekymring", "recipient": "Familieafdelingen"},
        "closing": {**base, "course_id": _course(ws, child).id, "closing_date": DAY, "effect": "improved",
                    "criteria_reason": "Familien flytter"},
    }
    draft_contact, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="gp",
                                           concern="Ny bekymring")
    ids = {"contact": draft_contact}
    for kind, v in values.items():
        ids[kind], _ = records.save(ws=ws, kind=kind, values=v)
    # A follow-up exists once a closing is signed; its author is whoever writes it.
    other = _course(ws, child, "chilled")
    closing, _ = records.save(ws=ws, kind="closing", values={**base, "course_id": other.id, "closing_date": DAY,
                                                             "effect": "improved", "criteria_reason": "Flytter"})
    records.sign_confirmed(ws=ws, kind="closing", record_id=closing)
    follow_up = pathway.next_open_follow_up_id(ws=ws, child_id=child.id)
    ids["follow_up"], _ = records.save(ws=ws, kind="follow_up", record_id=follow_up,
                                       values={"done_on": DAY, "notes": "Bedringen holder"})
    assert set(ids) == set(records.KINDS)
    return ids


def test_only_the_author_signs_or_changes_a_draft_of_every_kind(ws, people, child) -> None:
    anna, sup = people
    drafts = _signable_drafts(ws, child)
    ws.user = sup
    for kind, rid in drafts.items():
        with pytest.raises(RuleRefused, match="kun Anna Åberg kan underskrive") as checked:
            records.check_signable(ws=ws, kind=kind, record_id=rid)
        with pytest.raises(RuleRefused) as signed:  # refused before the (wrong) passphrase is even looked at
            records.sign(ws=ws, kind=kind, record_id=rid, passphrase=WRONG)
        assert signed.value.message == checked.value.message
        with pytest.raises(RuleRefused, match="kun Anna Åberg kan underskrive"):
            records.sign_confirmed(ws=ws, kind=kind, record_id=rid)
        with pytest.raises(RuleRefused, match="kun Anna Åberg kan ændre"):
            records.save(ws=ws, kind=kind, record_id=rid, values={})
    ws.user = anna
    for kind, rid in drafts.items():
        records.check_signable(ws=ws, kind=kind, record_id=rid)
        entry, _ = records.sign(ws=ws, kind=kind, record_id=rid, passphrase=PASSPHRASE)
        assert entry.author_id == anna.id, kind


def test_a_planned_follow_up_is_signed_by_whoever_writes_it(ws, people, child) -> None:
    _anna, sup = people
    course = _course(ws, child)
    closing, _ = records.save(ws=ws, kind="closing", values={"child_id": child.id, "course_id": course.id,
                                                             "closing_date": DAY, "effect": "improved",
                                                             "criteria_reason": "Flytter"})
    records.sign_confirmed(ws=ws, kind="closing", record_id=closing)
    follow_up = pathway.next_open_follow_up_id(ws=ws, child_id=child.id)
    ws.user = sup
    ws.db.execute("UPDATE follow_ups SET done_on = ? WHERE id = ?", (DAY.isoformat(), follow_up))
    entry, _ = records.sign_confirmed(ws=ws, kind="follow_up", record_id=follow_up)
    assert entry.author_id == sup.id == records.get(ws=ws, kind="follow_up", record_id=follow_up)["author_id"]


def _unsignable_drafts(ws, child) -> dict[str, int]:
    """A draft of every kind that a rule refuses to sign (the notification: already signed)."""
    ids = _signable_drafts(ws, child)
    for kind, values in {"contact": {"concern": " "}, "intake": {"talk_number": 2},
                         "screening": {"risk_level": "high"}, "consent": {"kind": "share", "party": ""},
                         "coordination": {"summary": " "}, "closing": {"criteria_reason": ""},
                         "follow_up": {"done_on": None}}.items():
        records.save(ws=ws, kind=kind, record_id=ids[kind], values=values)
    records.sign_confirmed(ws=ws, kind="notification", record_id=ids["notification"])
    return ids


def test_the_check_refuses_exactly_what_signing_refuses_for_every_kind(ws, child) -> None:
    for kind, rid in _unsignable_drafts(ws, child).items():
        with pytest.raises(RuleRefused) as checked:
            records.check_signable(ws=ws, kind=kind, record_id=rid)
        with pytest.raises(RuleRefused) as signed:
            records.sign(ws=ws, kind=kind, record_id=rid, passphrase=WRONG)
        with pytest.raises(RuleRefused) as confirmed:
            records.sign_confirmed(ws=ws, kind=kind, record_id=rid)
        assert checked.value.message == signed.value.message == confirmed.value.message, kind
    assert "kriseplanen" in _message(records.check_signable, ws=ws, kind="screening",
                                     record_id=ws.db.scalar("SELECT max(id) FROM screenings"))


def _message(call, **kw) -> str:
    try:
        call(**kw)
    except KnownError as exc:
        return exc.message
    raise AssertionError("not refused")


def test_new_session_never_reopens_another_clinicians_draft(ws, people, child) -> None:
    anna, sup = people
    course = _course(ws, child)
    ws.user = sup
    theirs, _ = sessions.start_session(ws=ws, course_id=course.id, on=DAY)
    ws.user = anna
    mine, changes = sessions.start_session(ws=ws, course_id=course.id, on=DAY)
    assert mine.id != theirs.id and mine.author_id == anna.id and changes.sessions
    assert (theirs.number, mine.number) == (1, 2)
    assert sessions.start_session(ws=ws, course_id=course.id, on=DAY)[0].id == mine.id  # her own is resumed
    ctx = sessions.context(ws=ws, session=mine)
    assert any("Session 1" in w and "Louise Hvid" in w for w in ctx.warnings)
    # The supervisor's draft: neither changed nor signed by Anna, refused before the passphrase.
    theirs.parts.exercise = "Anna skriver i Louises kladde"
    with pytest.raises(RuleRefused, match="kun Louise Hvid kan ændre"):
        sessions.save_draft(ws=ws, session=theirs)
    message = _message(sessions.check_finishable, ws=ws, session=theirs)
    assert "kun Louise Hvid kan underskrive" in message
    assert _message(sessions.finish_session, ws=ws, session=theirs, passphrase=WRONG) == message
    assert _message(sessions.finish_confirmed, ws=ws, session=theirs) == message
    mine.parts.exercise = "Trin 1"
    entry, _ = sessions.finish_session(ws=ws, session=mine, passphrase=PASSPHRASE)
    assert entry.author_id == anna.id == sessions.get(ws=ws, session_id=mine.id).author_id


def test_the_session_check_refuses_what_finishing_refuses(ws, child) -> None:
    course = _course(ws, child)
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=DAY)
    s.parts = SessionParts()
    with pytest.raises(InvalidInput, match="tom") as checked:
        sessions.check_finishable(ws=ws, session=s)
    assert _message(sessions.finish_session, ws=ws, session=s, passphrase=WRONG) == checked.value.message
    s.parts.goals = "Mål: sove alene to nætter"  # words of its own, not only a template word
    sessions.check_finishable(ws=ws, session=s)
    sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    message = _message(sessions.check_finishable, ws=ws, session=s)
    assert "allerede underskrevet" in message
    assert _message(sessions.finish_session, ws=ws, session=s, passphrase=WRONG) == message


def test_group_session_check_and_authorship(ws, people) -> None:
    anna, sup = people
    a = child_with_consent(ws, "Ida", "Holm", "150314-4322")
    b = child_with_consent(ws, "Bo", "Berg", "150314-4411")
    ids = [pathway.open_course(ws=ws, child_id=c.id, track_id="cool-kids", start_date=DAY, format="group").course.id
           for c in (a, b)]
    gid, _ = group_sessions.create(ws=ws, track_id="cool-kids", session_date=DAY, course_ids=ids)
    group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(agenda="Ida Holm fortalte om skolen"))
    message = _message(group_sessions.check_signable, ws=ws, group_id=gid)
    assert "nævner et deltagende barn" in message
    assert _message(group_sessions.sign, ws=ws, group_id=gid, passphrase=WRONG) == message
    group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(agenda="Skolen"))
    ws.user = sup
    message = _message(group_sessions.check_signable, ws=ws, group_id=gid)
    assert "kun Anna Åberg kan underskrive" in message
    assert _message(group_sessions.sign, ws=ws, group_id=gid, passphrase=WRONG) == message
    assert "kun Anna Åberg kan ændre" in _message(group_sessions.save_shared, ws=ws, group_id=gid,
                                                  parts=SessionParts(agenda="Overtaget"))
    ws.user = anna
    group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)


def test_correction_and_track_change_checks_come_before_the_passphrase(ws, child) -> None:
    course = _course(ws, child)
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=DAY)
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    entry, _ = sessions.finish_confirmed(ws=ws, session=s)
    assert _message(journal.correct, ws=ws, entry_id=entry.id, text=" ", passphrase=WRONG) == \
        _message(journal.check_correctable, ws=ws, entry_id=entry.id, text=" ")
    journal.correct(ws=ws, entry_id=entry.id, text="Rettet", passphrase=PASSPHRASE)
    message = _message(journal.check_correctable, ws=ws, entry_id=entry.id)
    assert "allerede rettet" in message
    assert _message(journal.correct, ws=ws, entry_id=entry.id, text="Igen", passphrase=WRONG) == message
    for track, reason in (("chilled", " "), ("cool-kids", "Grund"), ("findes-ikke", "Grund")):
        message = _message(pathway.check_track_change, ws=ws, course_id=course.id, track_id=track, reason=reason)
        assert _message(pathway.change_track, ws=ws, course_id=course.id, track_id=track, reason=reason, on=DAY,
                        passphrase=WRONG) == message


def _entry(ws, child, author_id, **link) -> JournalEntry:
    now = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
    return JournalEntry(None, child.id, "session", "Session", "Tekst", author_id, "supervisor", now, now,
                        signed_at=now, **link)


def test_the_database_keeps_a_session_and_its_journal_entry_by_one_author(ws, people, child) -> None:
    anna, sup = people
    course = _course(ws, child)
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=DAY)
    repo = JournalRepository(ws.db)
    with pytest.raises(IntegrityError, match="session's author"):
        repo.add(_entry(ws, child, sup.id, course_id=course.id, session_id=s.id, source="session", source_id=s.id))
    with pytest.raises(IntegrityError, match="author cannot be changed"):
        ws.db.execute("UPDATE sessions SET author_id = ? WHERE id = ?", (sup.id, s.id))
    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="gp",
                                        concern="Uro")
    with pytest.raises(IntegrityError, match="record's author"):
        repo.add(_entry(ws, child, sup.id, source="contact", source_id=contact_id))
    with pytest.raises(IntegrityError, match="author cannot be changed"):
        ws.db.execute("UPDATE contacts SET created_by = ? WHERE id = ?", (sup.id, contact_id))
    # Whoever corrects writes the correction under their own name.
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    entry, _ = sessions.finish_confirmed(ws=ws, session=s)
    ws.user = sup
    correction, _ = journal.correct_confirmed(ws=ws, original=entry, text="Supervisors rettelse")
    assert correction.author_id == sup.id and correction.session_id == s.id


def test_the_timeline_shows_who_signed_and_when(ws, child) -> None:
    fixed = datetime(2026, 3, 2, 14, 30, tzinfo=timezone.utc)
    ws.clock = lambda: fixed
    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="gp",
                                        concern="Uro")
    records.sign_confirmed(ws=ws, kind="contact", record_id=contact_id)
    event = next(e for e in timeline.events(ws=ws, child_id=child.id) if e.step == "contact")
    assert (event.state, event.signed_by, event.signed_at) == ("signed", "Anna Åberg", fixed)
    records.save(ws=ws, kind="coordination", values={"child_id": child.id, "entry_date": DAY, "partner": "school",
                                                     "summary": "Møde"})
    draft = next(e for e in timeline.events(ws=ws, child_id=child.id) if e.step == "coordination")
    assert (draft.state, draft.signed_by, draft.signed_at) == ("draft", "", None)


def test_import_into_a_database_with_data_points_entries_at_their_own_records(ws, child, tmp_path) -> None:
    contact_id, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="gp",
                                        concern="Uro")
    records.sign_confirmed(ws=ws, kind="contact", record_id=contact_id)
    text = transfer.export_json(ws=ws)
    # Only an administrator imports: into an administrator's installation that already holds the same data.
    target = workspace.create(path=tmp_path / "admin.db", username="admin", full_name="Administrator",
                              passphrase=PASSPHRASE)
    try:
        transfer.import_json(ws=target, text=text)
        first = target.db.scalar("SELECT max(id) FROM contacts")
        # The same data as new records of a new child (new global ids: the same ids would be the same records).
        fresh: dict[str, str] = {}
        renewed = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                         lambda m: fresh.setdefault(m.group(0), uid.uuid7()), text)
        # Its signed records are no longer what their author signed (new uids, another CPR): declared unproven.
        data = json.loads(renewed.replace("1503164011", "1503164013"))
        data["signatures"] = {"epoch": {t: 10**9 for t in seal.SIGNED}, "keys": []}
        data["tables"]["seals"] = []
        transfer.import_json(ws=target, text=json.dumps(data, ensure_ascii=False))
        imported = target.db.query_one(
            "SELECT id, source_id FROM journal_entries WHERE source = 'contact' ORDER BY id DESC")
        assert imported["source_id"] != first
        assert target.db.scalar("SELECT concern FROM contacts WHERE id = ?", (imported["source_id"],)) == "Uro"
    finally:
        target.close()
