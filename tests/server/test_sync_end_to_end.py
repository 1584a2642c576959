"""Issue 14's end-to-end run on three laptops and the real server: a therapist signs sessions offline and syncs; her
supervisor's laptop receives them (no clinical text) and verifies clean; a coordinator's laptop receives the child's
register (child, GP, guardians, consents, course) but no clinical record, and exports the letter to the GP.

Not yet here: the supervisor's review decision travelling back (a review's decision updates its row; it must become
a synced event first, docs/sync.md "Not built yet")."""

from __future__ import annotations

from datetime import date

from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.services import children, integrity, letters, pathway, sessions
from behandlerklient.services import sync as syncing
from tests.helpers import give_consent
from tests.server.laptops import PASSPHRASE, START, laptop, new_cpr, new_name, quarantined

CLINICAL = ("journal_entries", "sessions", "intakes", "screenings", "sdq_responses", "closings", "notifications")


def test_three_laptops_therapist_supervisor_and_coordinator(server, tmp_path) -> None:
    from behandlerklient.server import admin

    t, s, c = new_name("t"), new_name("s"), new_name("c")
    therapist = laptop(server, tmp_path / "t", t, "therapist")
    supervisor = laptop(server, tmp_path / "s", s, "supervisor")
    coordinator = laptop(server, tmp_path / "c", c, "coordinator")
    try:
        with server.admin() as conn:
            admin.supervision_add(conn, supervisor=s, therapist=t)
        gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing",
                                 "62 52 10 10")
        child = children.register_child(ws=therapist, first_name="Åse", last_name="Ærenlund", cpr=new_cpr(), gp=gp,
                                         guardians=[Guardian(None, "Mor Ærenlund", "mother", True)]).child
        child = children.overview(ws=therapist, child_id=child.id).child
        give_consent(therapist, child, on=date(2020, 1, 1))
        give_consent(therapist, child, on=date(2020, 1, 1), kind="share", party="gp")
        course = pathway.open_course(ws=therapist, child_id=child.id, track_id="cool-kids", start_date=START).course
        for day in (date(2026, 1, 12), date(2026, 1, 19)):
            draft, _ = sessions.start_session(ws=therapist, course_id=course.id, on=day)
            draft.parts.status = "Barnet fortalte om ugen."  # own text: a template-only session is refused
            sessions.finish_session(ws=therapist, session=draft, passphrase=PASSPHRASE)
        pushed = syncing.sync(ws=therapist)
        assert pushed.push.sent > 0 and pushed.push.quarantined == pushed.push.conflicts == 0, pushed.summary()
        child_uid = therapist.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
        course_uid = therapist.db.scalar("SELECT uid FROM courses WHERE id = ?", (course.id,))
        with server.admin() as conn:
            admin.caseload_grant(conn, child=child_uid, username=c, basis="coordinator")

        got = syncing.sync(ws=supervisor)
        assert quarantined(supervisor, t) == 0 and got.pull.orphans == 0, got.summary()
        here = supervisor.db.scalar("SELECT id FROM children WHERE uid = ?", (child_uid,))
        assert supervisor.db.scalar("SELECT count(*) FROM sessions s JOIN courses c ON c.id = s.course_id "
                                    "WHERE c.child_id = ? AND s.state = 'signed'", (here,)) == 2
        assert supervisor.db.scalar("SELECT count(*) FROM journal_entries WHERE child_id = ?", (here,)) == 0

        got = syncing.sync(ws=coordinator)
        assert quarantined(coordinator, t) == 0 and got.pull.orphans == 0, got.summary()
        here = coordinator.db.scalar("SELECT id FROM children WHERE uid = ?", (child_uid,))
        assert here is not None
        for table in CLINICAL:
            assert coordinator.db.scalar(f"SELECT count(*) FROM {table}") == 0, table
        local_course = coordinator.db.scalar("SELECT id FROM courses WHERE uid = ?", (course_uid,))
        written, _ = letters.export_gp_letter(ws=coordinator, kind="start", course_id=local_course,
                                              out=tmp_path / "brev.pdf")
        assert written[0].read_bytes().startswith(b"%PDF")

        for ws in (therapist, supervisor, coordinator):
            problems = [ch for ch in integrity.verify(ws=ws) if not ch.ok]
            assert not problems, (ws.user.username, [(ch.name, ch.detail) for ch in problems])
    finally:
        for ws in (therapist, supervisor, coordinator):
            ws.close()
