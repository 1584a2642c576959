"""Issue 14's end-to-end run on three laptops and the real server: a therapist signs sessions offline and syncs; her
supervisor's laptop receives them (no clinical text), reviews one from its queue and syncs; the therapist syncs and
sees the decision in her work queue; a coordinator's laptop receives the child's register (child, GP, guardians,
consents, course) but no clinical record and no supervision, and exports the letter to the GP. All three verify
clean."""

from __future__ import annotations

from datetime import date

from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.services import sync as syncing
from behandlerklient.services.documents import letters
from behandlerklient.services.journal import sessions
from behandlerklient.services.overview import work_queue
from behandlerklient.services.pathway import pathway
from behandlerklient.services.registration import children
from behandlerklient.services.supervision import supervision
from behandlerklient.services.verify import integrity
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
        signed = []
        for day in (date(2026, 1, 12), date(2026, 1, 19)):
            draft, _ = sessions.start_session(ws=therapist, course_id=course.id, on=day)
            draft.parts.status = "Barnet fortalte om ugen."  # own text: a template-only session is refused
            sessions.finish_session(ws=therapist, session=draft, passphrase=PASSPHRASE)
            signed.append(draft.id)
        review = supervision.request_review(ws=therapist, session_id=signed[1])
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
        # The supervisor reviews the session from her queue.
        [queued] = supervision.queue(ws=supervisor)
        assert queued.number == 2 and supervision.open_review(ws=supervisor, review_id=queued.review_id).number == 2
        supervision.decide(ws=supervisor, review_id=queued.review_id, decision="changes_requested",
                           comment="Beskriv eksponeringen nærmere")
        sent = syncing.sync(ws=supervisor)
        assert sent.push.sent > 0 and sent.push.quarantined == sent.push.conflicts == 0, sent.summary()

        # The therapist syncs and sees the decision: in the review's state and as feedback in her work queue.
        back = syncing.sync(ws=therapist)
        assert quarantined(therapist, s) == 0 and back.pull.received > 0, back.summary()
        assert therapist.db.query_one("SELECT status, comment FROM reviews WHERE id = ?", (review,))[:] == \
            ("changes_requested", "Beskriv eksponeringen nærmere")
        tasks = [t for t in work_queue.build(ws=therapist, today=date(2026, 1, 20)) if t.section == "supervision"]
        assert [(t.kind, t.record_id, t.child_id) for t in tasks] == [("feedback", review, child.id)]
        assert "Ændringer ønsket af Test " + s in tasks[0].text

        got = syncing.sync(ws=coordinator)
        assert quarantined(coordinator, t) == 0 and got.pull.orphans == 0, got.summary()
        here = coordinator.db.scalar("SELECT id FROM children WHERE uid = ?", (child_uid,))
        assert here is not None
        for table in CLINICAL + ("reviews", "fidelity_ratings"):
            assert coordinator.db.scalar(f"SELECT count(*) FROM {table}") == 0, table
        assert coordinator.db.scalar("SELECT count(*) FROM events WHERE aggregate IN ('review', 'fidelity', "
                                     "'follow_up', 'resolution')") == 0
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
