"""Access gaps of issue 14, on real laptops and the real server: a supervisor without the clinical-text switch never
receives a session's text (neither on the wire nor in her database) and still reviews the session from its frame;
with the switch on she does receive it. A revoked child leaves nothing about the child on the laptop but a tombstone
(its uid) while the audit log names it. An ended supervision removes what the supervisor held only through it and
keeps her own decision."""

from __future__ import annotations

import json
import secrets
from datetime import date
from typing import Any

from behandlerklient.core.vocab import SESSION_PARTS
from behandlerklient.services import sync as syncing
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.supervision import supervision
from behandlerklient.services.verify import integrity
from behandlerklient.storage.sync_server import ServerCalls
from tests.helpers import child_with_consent
from tests.server.laptops import PASSPHRASE, START, laptop, new_cpr, new_name, quarantined

READS = ("pull", "child_history", "supervisee_history", "session_frames")


def _verify_clean(*laptops: Any) -> None:
    for ws in laptops:
        problems = [c for c in integrity.verify(ws=ws) if not c.ok]
        assert not problems, (ws.user.username, [(c.name, c.detail) for c in problems])


def _wire(monkeypatch: Any) -> list[str]:
    """Every row the laptop reads from the server's record functions, as text."""
    seen: list[str] = []
    for name in READS:
        original = getattr(ServerCalls, name, None)
        if original is None:
            continue  # a server call this version does not have

        def spy(self: Any, *args: Any, _original: Any = original) -> Any:
            rows = _original(self, *args)
            seen.extend(json.dumps([str(v) if not isinstance(v, (dict, list)) else v for v in row],
                                   ensure_ascii=False) for row in rows)
            return rows
        monkeypatch.setattr(ServerCalls, name, spy)
    return seen


def _anywhere(ws: Any, text: str) -> list[str]:
    """Tables of the laptop's database with a value containing `text`."""
    found = []
    for (table,) in ws.db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        for row in ws.db.query(f'SELECT * FROM "{table}"'):
            if any(isinstance(v, str) and text in v for v in tuple(row)):
                found.append(table)
                break
    return found


def _session_with_text(ws: Any, marker: str, first: str = "Noa") -> tuple[Any, Any, int]:
    child = child_with_consent(ws, first, "Brøndum", new_cpr())
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
    s.parts.status = f"Barnet fortalte om ugen {marker}."
    s.parts.goals = f"Mål {marker}"
    sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    return child, course, s.id


def test_supervisor_without_the_switch_never_receives_clinical_text_and_still_reviews(server, tmp_path,
                                                                                       monkeypatch) -> None:
    from behandlerklient.server import admin

    t, s_off, s_on = new_name("t"), new_name("s"), new_name("s")
    therapist = laptop(server, tmp_path / "t", t, "therapist")
    sup = laptop(server, tmp_path / "s", s_off, "supervisor")
    sup_on = laptop(server, tmp_path / "s2", s_on, "supervisor")
    try:
        with server.admin() as conn:
            admin.supervision_add(conn, supervisor=s_off, therapist=t)
            admin.supervision_add(conn, supervisor=s_on, therapist=t)
        marker = f"KLINISK{secrets.token_hex(4)}"
        _child, _course, session_id = _session_with_text(therapist, marker)
        supervision.request_review(ws=therapist, session_id=session_id)
        assert syncing.sync(ws=therapist).push.quarantined == 0
        session_uid = therapist.db.scalar("SELECT uid FROM sessions WHERE id = ?", (session_id,))

        wire = _wire(monkeypatch)
        got = syncing.sync(ws=sup)
        assert wire, "the spy saw the pull"
        assert not [row for row in wire if marker in row], "clinical text on the wire"
        assert _anywhere(sup, marker) == []
        # The session is here as its frame: the review lands on it, the review page shows what was written.
        here = sup.db.query_one("SELECT * FROM sessions WHERE uid = ?", (session_uid,))
        assert here is not None and here["status"] == here["goals"] == "" and here["state"] == "signed", got.summary()
        assert sup.db.scalar("SELECT count(*) FROM sync_frames WHERE uid = ?", (session_uid,)) == 1
        review_id = sup.db.scalar("SELECT id FROM reviews WHERE session_id = ?", (here["id"],))
        assert review_id is not None and quarantined(sup, t) == 0
        view = supervision.open_review(ws=sup, review_id=review_id)
        assert view.clinical_text is None and view.number == here["number"]
        written = therapist.db.query_one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        for key, title in SESSION_PARTS.items():
            assert (title, "udfyldt" if written[key].strip() else "tom") in view.structure, key
        supervision.decide(ws=sup, review_id=review_id, decision="approved")
        assert syncing.sync(ws=sup).push.quarantined == 0
        syncing.sync(ws=therapist)
        assert therapist.db.scalar("SELECT status FROM reviews WHERE session_id = ?", (session_id,)) == "approved"

        # The same on the server itself: the supervisor's own connection reads no sessions record, only the frame.
        import psycopg

        with psycopg.connect(server.cluster.user_dsn(s_off, sup.server_password), autocommit=True) as conn:
            held = conn.execute("SELECT count(*) FROM bk.record WHERE uid = %s::uuid", (session_uid,)).fetchone()[0]
            assert held == 0
            frame = conn.execute("SELECT frame::text FROM bk.session_frame WHERE uid = %s::uuid",
                                 (session_uid,)).fetchone()[0]
        assert marker not in frame

        # With the switch on, a supervisor receives the session whole.
        wire.clear()
        with server.admin() as conn:
            admin.policy_set(conn, name="supervisor_sees_clinical_text", value=True)
        try:
            syncing.sync(ws=sup_on)
        finally:
            with server.admin() as conn:
                admin.policy_set(conn, name="supervisor_sees_clinical_text", value=False)
        assert [row for row in wire if marker in row]
        assert "sessions" in _anywhere(sup_on, marker)
        assert sup_on.db.scalar("SELECT count(*) FROM sync_frames") == 0
        _verify_clean(therapist, sup, sup_on)
    finally:
        for ws in (therapist, sup, sup_on):
            ws.close()


def test_a_revoked_child_leaves_only_a_tombstone(server, tmp_path) -> None:
    from behandlerklient.server import admin

    t, other = new_name("t"), new_name("t")
    therapist = laptop(server, tmp_path / "t", t, "therapist")
    colleague = laptop(server, tmp_path / "o", other, "therapist")
    try:
        marker = f"KLINISK{secrets.token_hex(4)}"
        child, _course, _sid = _session_with_text(therapist, marker, first="Ydunsdottir")
        assert syncing.sync(ws=therapist).push.quarantined == 0
        uid = therapist.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
        cpr = therapist.db.scalar("SELECT cpr FROM children WHERE id = ?", (child.id,))
        with server.admin() as conn:
            admin.caseload_grant(conn, child=uid, username=other, basis="shared")
        syncing.sync(ws=colleague)
        assert colleague.db.scalar("SELECT first_name FROM children WHERE uid = ?", (uid,)) == "Ydunsdottir"

        with server.admin() as conn:
            admin.caseload_revoke(conn, child=uid, username=other)
        got = syncing.sync(ws=colleague)
        assert got.pull.revoked == [uid] and got.pull.purged > 0
        for text in ("Ydunsdottir", "Brøndum", cpr, marker):
            assert _anywhere(colleague, text) == [], text
        row = colleague.db.query_one("SELECT * FROM children WHERE uid = ?", (uid,))
        assert row is None or colleague.db.scalar(
            "SELECT reason FROM sync_tombstones WHERE kind = 'children' AND record_id = ?", (row["id"],)) \
            == "access_revoked"
        assert colleague.db.scalar("SELECT count(*) FROM sync_received WHERE child_uid = ?", (uid,)) == 0
        assert colleague.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'sync' AND detail LIKE "
                                   "'access revoked on the server: % records of other authors removed'") == 1
        from behandlerklient.services.registration import children as children_service
        assert all(r.id != (row["id"] if row else None) for r in children_service.page(ws=colleague, offset=0,
                                                                                       limit=1000))
        _verify_clean(colleague)
    finally:
        for ws in (therapist, colleague):
            ws.close()


def test_an_ended_supervision_removes_what_came_only_through_it(server, tmp_path) -> None:
    from behandlerklient.server import admin

    t, s = new_name("t"), new_name("s")
    therapist = laptop(server, tmp_path / "t", t, "therapist")
    sup = laptop(server, tmp_path / "s", s, "supervisor")
    try:
        with server.admin() as conn:
            admin.supervision_add(conn, supervisor=s, therapist=t)
        reviewed, _c1, sid = _session_with_text(therapist, "a", first="Aksel")
        other, _c2, _sid2 = _session_with_text(therapist, "b", first="Bjarkesen")
        supervision.request_review(ws=therapist, session_id=sid)
        assert syncing.sync(ws=therapist).push.quarantined == 0
        uids = {name: therapist.db.scalar("SELECT uid FROM children WHERE id = ?", (c.id,))
                for name, c in (("reviewed", reviewed), ("other", other))}
        syncing.sync(ws=sup)
        for uid in uids.values():
            assert sup.db.scalar("SELECT count(*) FROM children WHERE uid = ?", (uid,)) == 1
        review_id = sup.db.scalar("SELECT r.id FROM reviews r JOIN sessions x ON x.id = r.session_id "
                                  "WHERE x.uid = ?", (therapist.db.scalar("SELECT uid FROM sessions WHERE id = ?",
                                                                          (sid,)),))
        supervision.decide(ws=sup, review_id=review_id, decision="changes_requested", comment="Mere om målene")
        assert syncing.sync(ws=sup).push.quarantined == 0

        with server.admin() as conn:
            admin.supervision_end(conn, supervisor=s, therapist=t)
        got = syncing.sync(ws=sup)
        assert sorted(got.pull.revoked) == sorted(uids.values()) and got.pull.purged > 0, got.summary()
        # The child she held only through the supervision: nothing but a tombstone.
        assert _anywhere(sup, "Bjarkesen") == []
        other_id = sup.db.scalar("SELECT id FROM children WHERE uid = ?", (uids["other"],))
        assert other_id is None or sup.db.scalar("SELECT reason FROM sync_tombstones WHERE record_id = ?",
                                                 (other_id,)) == "supervision_ended"
        assert sup.db.scalar("SELECT count(*) FROM sync_frames WHERE child_uid = ?", (uids["other"],)) == 0
        # Her own decision stays, with the review and the session frame it is about; the rest of that child goes.
        assert sup.db.scalar("SELECT status FROM reviews WHERE id = ?", (review_id,)) == "changes_requested"
        assert sup.db.scalar("SELECT count(*) FROM events WHERE aggregate = 'review' AND author_id = ?",
                             (sup.user.id,)) >= 1
        kept = sup.db.scalar("SELECT id FROM children WHERE uid = ?", (uids["reviewed"],))
        assert sup.db.scalar("SELECT count(*) FROM consents WHERE child_id = ?", (kept,)) == 0
        assert sup.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'sync' AND detail LIKE "
                             "'supervision ended on the server: %'") == 2
        _verify_clean(sup)
    finally:
        for ws in (therapist, sup):
            ws.close()
