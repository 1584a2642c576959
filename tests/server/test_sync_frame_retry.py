"""A session frame that arrived before its course (docs/sync.md "Session frames"): a supervisor without the
clinical-text switch pulls the pages, her supervisee pushes a new course and session, and the frames step then
brings the session's frame while its course is not on her laptop yet. The frame is quarantined
('frame_without_course'); the next sync brings the course and must apply the frame and release it from the
quarantine, logged, with verify clean (the quarantine's guard trigger is put back as the migration wrote it)."""

from __future__ import annotations

from typing import Any

from behandlerklient.services import sync as syncing
from behandlerklient.services.sync import pull
from tests.server.laptops import assert_verified, new_cpr, signed_session, supervised_pair


def _waiting(ws: Any, uid: str) -> int:
    return int(ws.db.scalar("SELECT count(*) FROM sync_quarantine WHERE kind = 'session_frames' AND uid = ?", (uid,)))


def test_a_frame_quarantined_for_want_of_its_course_is_applied_and_released_when_the_course_comes(
        server, tmp_path, monkeypatch) -> None:
    with supervised_pair(server, tmp_path) as (therapist, supervisor):
        _child, _course, session_id = signed_session(therapist, new_cpr())
        session_uid = therapist.db.scalar("SELECT uid FROM sessions WHERE id = ?", (session_id,))
        frames_step = pull.Puller.frames

        def therapist_pushes_first(self: pull.Puller) -> None:
            if self.ws is supervisor:
                monkeypatch.setattr(pull.Puller, "frames", frames_step)
                syncing.sync(ws=therapist)  # lands between the supervisor's pages and her frames
            frames_step(self)

        monkeypatch.setattr(pull.Puller, "frames", therapist_pushes_first)
        syncing.sync(ws=supervisor)
        assert supervisor.db.scalar("SELECT reason FROM sync_quarantine WHERE uid = ?", (session_uid,)) \
            == "frame_without_course"
        assert supervisor.db.scalar("SELECT count(*) FROM sessions WHERE uid = ?", (session_uid,)) == 0

        result = syncing.sync(ws=supervisor)
        held = supervisor.db.query_one("SELECT s.agenda, s.status, f.uid FROM sessions s JOIN sync_frames f "
                                       "ON f.record_id = s.id WHERE s.uid = ?", (session_uid,))
        assert held is not None and held["agenda"] == "" and held["status"] == ""  # the frame: no text
        assert _waiting(supervisor, session_uid) == 0, result.summary()
        # Only the pair's records count: the shared test server also holds other tests' (e.g. GPs of another
        # schema, quarantined on every fresh laptop).
        theirs = therapist.user.username
        assert supervisor.db.scalar("SELECT count(*) FROM sync_quarantine WHERE author = ?", (theirs,)) == 0
        logged = supervisor.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'sync' AND detail LIKE ?",
                                      ("%released from quarantine%",))
        assert logged == 1
        syncing.sync(ws=supervisor)  # nothing left to retry: nothing changes
        assert _waiting(supervisor, session_uid) == 0
        assert_verified(supervisor, therapist)
