from datetime import date, datetime, timezone

import pytest

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.storage.sessions import JournalRepository
from tests.conftest import PASSPHRASE
from tests.helpers import CLOSED_EARLY, child_with_consent


@pytest.fixture
def course(ws):
    child = child_with_consent(ws, "Ida", "Østergaard", "150314-4322")
    return pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=date(2026, 1, 5)).course


def test_a_course_on_a_track_whose_age_range_excludes_the_child_needs_a_reason(ws) -> None:
    child = child_with_consent(ws, "Ung", "Pige", "010110-4002", on=date(2026, 1, 5))
    with pytest.raises(RuleRefused, match="16 år; Cool Kids er til 7-12 år.*begrundelse"):
        pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=date(2026, 1, 5))
    assert ws.db.scalar("SELECT count(*) FROM courses") == 0
    opened = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=date(2026, 1, 5),
                                 age_reason="Umoden for alderen; gruppen passer bedst.")
    assert opened.course.planned_sessions == 10  # the manual's nominal count
    assert ws.db.scalar("SELECT age_reason FROM courses WHERE id = ?", (opened.course.id,)) == \
        "Umoden for alderen; gruppen passer bedst."


def test_new_session_is_prefilled_from_the_manual_outline(ws, course) -> None:
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    assert s.number == 1 and s.state == "draft"
    assert "angst" in s.parts.exercise.lower()
    ctx = sessions.context(ws=ws, session=s)
    assert ctx.position.heading == "Session 1 af 10 (manual: 10)"
    assert "angst" in ctx.theme.lower()
    again, changes = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 19))
    assert again.id == s.id and not changes.sessions  # the open draft is resumed, not duplicated
    again.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    sessions.finish_session(ws=ws, session=again, passphrase=PASSPHRASE)
    s2, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 19))
    assert s2.number == 2


def test_draft_saves_and_reloads(ws, course) -> None:
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s.parts.goals = "Gå alene i skole"
    s.duration_min = 95
    sessions.save_draft(ws=ws, session=s)
    again = sessions.get(ws=ws, session_id=s.id)
    assert again.parts.goals == "Gå alene i skole" and again.duration_min == 95


def test_finishing_writes_a_signed_journal_entry_with_author_and_times(ws, course) -> None:
    fixed = datetime(2026, 1, 12, 14, 30, tzinfo=timezone.utc)
    ws.clock = lambda: fixed
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s.parts.exercise = "Trin 1 på trappen"
    entry, changes = sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    assert changes.journal and changes.child_id == course.child_id
    stored = [e for e in JournalRepository(ws.db).for_child(course.child_id) if e.kind == "session"]
    assert len(stored) == 1
    e = stored[0]
    assert e.author_id == ws.user.id and e.author_role == "therapist"
    assert e.written_at == fixed and e.signed_at == fixed and e.event_time.date() == date(2026, 1, 12)
    assert "Øvelse:\nTrin 1 på trappen" in e.body and e.title == "Cool Kids: session 1"
    assert sessions.get(ws=ws, session_id=s.id).state == "signed"


def test_a_signed_session_cannot_be_saved_or_finished_again(ws, course) -> None:
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    s.parts.goals = "ændret"
    with pytest.raises(RuleRefused):
        sessions.save_draft(ws=ws, session=s)
    with pytest.raises(RuleRefused):
        sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)


def test_an_empty_session_is_not_signed(ws, course) -> None:
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    for key in ("agenda", "status", "goals", "exercise", "homework"):
        setattr(s.parts, key, "  ")
    with pytest.raises(InvalidInput, match="tom"):
        sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    assert sessions.get(ws=ws, session_id=s.id).state == "draft"


def test_sessions_beyond_the_range_are_warned(ws, course) -> None:
    for n in range(10):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    with pytest.raises(RuleRefused, match="begrundelse"):
        sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12), reason="Tæt på målet")
    ctx = sessions.context(ws=ws, session=s)
    assert ctx.position.number == 11 and any("over manualens interval" in w for w in ctx.warnings)
    assert ws.db.scalar("SELECT over_range_reason FROM sessions WHERE id = ?", (s.id,)) == "Tæt på målet"


def test_no_new_sessions_in_a_closed_course(ws, course) -> None:
    pathway.end_course(ws=ws, course_id=course.id, status="completed", end_date=date(2026, 3, 1),
                       **CLOSED_EARLY)
    with pytest.raises(RuleRefused):
        sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 3, 2))


def test_signing_takes_a_fresh_confirmation_of_the_signers_own_passphrase(ws, course) -> None:
    import time

    from behandlerklient.core.errors import WrongPassphrase
    from behandlerklient.services.accounts import signing

    with pytest.raises(WrongPassphrase, match="Forkert adgangskode"):
        signing.confirm(keys=ws.keys, username=ws.user.username, passphrase="forkert-kode")
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s.parts.exercise = "Trin 2"
    someone_else = signing.Confirmation("en-anden")
    stale = signing.Confirmation(ws.user.username, at=time.monotonic() - signing.VALID_SECONDS - 1)
    for proof in (someone_else, stale):
        with pytest.raises(WrongPassphrase, match="udløbet"):
            sessions.finish_session(ws=ws, session=s, passphrase=proof)
        assert sessions.get(ws=ws, session_id=s.id).state == "draft"
    good = signing.confirm(keys=ws.keys, username=ws.user.username, passphrase=PASSPHRASE)
    sessions.finish_session(ws=ws, session=s, passphrase=good)
    assert sessions.get(ws=ws, session_id=s.id).state == "signed"
