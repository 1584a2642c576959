"""The access rules of issue 14 shown through real laptop syncs: a supervisor's laptop receives the sessions and
fidelity ratings of a supervisee's child and the clinical text only while the server's setting is on; a
coordinator's laptop receives the child's register and never a clinical record; another therapist's laptop receives
nothing of the child. And an access revoked while the therapist was offline: what she signed while she held it is
accepted, what she signed afterwards is quarantined on the server, never lost, and her laptop keeps it."""

from __future__ import annotations

from datetime import date, timedelta

from behandlerklient.services import sync as syncing
from behandlerklient.services.supervision import supervision
from behandlerklient.services.supervision.supervision import Rating
from behandlerklient.services.verify import integrity
from behandlerklient.storage.clock import now_utc
from tests.server.laptops import laptop, new_cpr, new_name, quarantined, signed_session

CLINICAL_TEXT = ("journal_entries",)
NEVER_TO_A_COORDINATOR = ("sessions", "journal_entries", "fidelity_ratings", "reviews", "intakes", "screenings")


def _count(ws, table: str, child_uid: str) -> int:  # noqa: ANN001
    here = ws.db.scalar("SELECT id FROM children WHERE uid = ?", (child_uid,))
    if here is None:
        return 0
    if table in ("sessions", "fidelity_ratings", "reviews"):
        joins = {"sessions": "sessions x JOIN courses c ON c.id = x.course_id",
                 "fidelity_ratings": "fidelity_ratings x JOIN sessions s ON s.id = x.session_id"
                                     " JOIN courses c ON c.id = s.course_id",
                 "reviews": "reviews x JOIN sessions s ON s.id = x.session_id JOIN courses c ON c.id = s.course_id"}
        return int(ws.db.scalar(f"SELECT count(*) FROM {joins[table]} WHERE c.child_id = ?", (here,)))
    return int(ws.db.scalar(f"SELECT count(*) FROM {table} WHERE child_id = ?", (here,)))


def _verify_clean(*laptops) -> None:  # noqa: ANN002
    for ws in laptops:
        problems = [c for c in integrity.verify(ws=ws) if not c.ok]
        assert not problems, (ws.user.username, [(c.name, c.detail) for c in problems])


def test_each_role_receives_what_the_access_rules_give_through_laptop_syncs(server, tmp_path) -> None:
    from behandlerklient.server import admin

    t, s1, s2, c, other = (new_name(p) for p in ("t", "s", "s", "c", "t"))
    therapist = laptop(server, tmp_path / "t", t, "therapist")
    sup_off = laptop(server, tmp_path / "s1", s1, "supervisor")
    sup_on = laptop(server, tmp_path / "s2", s2, "supervisor")
    coordinator = laptop(server, tmp_path / "c", c, "coordinator")
    stranger = laptop(server, tmp_path / "o", other, "therapist")
    everyone = (therapist, sup_off, sup_on, coordinator, stranger)
    try:
        with server.admin() as conn:
            admin.supervision_add(conn, supervisor=s1, therapist=t)
            admin.supervision_add(conn, supervisor=s2, therapist=t)
        child, _course, session_id = signed_session(therapist, new_cpr())
        items = supervision.checklist(ws=therapist, session_id=session_id)
        supervision.save_ratings(ws=therapist, session_id=session_id, kind="self",
                                 items=[Rating(i.key, "yes", 5, "") for i in items[:2]])
        supervision.request_review(ws=therapist, session_id=session_id)
        pushed = syncing.sync(ws=therapist)
        assert pushed.push.quarantined == pushed.push.conflicts == 0, pushed.summary()
        uid = therapist.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
        for table in ("sessions", "journal_entries", "fidelity_ratings", "reviews"):
            assert _count(therapist, table, uid) > 0, table
        with server.admin() as conn:
            admin.caseload_grant(conn, child=uid, username=c, basis="coordinator")

        # The supervisor, setting off: the session's frame and the ratings, no clinical text.
        syncing.sync(ws=sup_off)
        for table in ("sessions", "fidelity_ratings", "reviews"):
            assert _count(sup_off, table, uid) == _count(therapist, table, uid), table
        for table in CLINICAL_TEXT:
            assert _count(sup_off, table, uid) == 0, table
        # Another supervisor's laptop, setting on: the clinical text too.
        with server.admin() as conn:
            admin.policy_set(conn, name="supervisor_sees_clinical_text", value=True)
        try:
            syncing.sync(ws=sup_on)
        finally:
            with server.admin() as conn:
                admin.policy_set(conn, name="supervisor_sees_clinical_text", value=False)
        for table in ("sessions", "fidelity_ratings", "reviews") + CLINICAL_TEXT:
            assert _count(sup_on, table, uid) == _count(therapist, table, uid), table

        # The coordinator: the register, never a clinical record.
        syncing.sync(ws=coordinator)
        assert coordinator.db.scalar("SELECT count(*) FROM children WHERE uid = ?", (uid,)) == 1
        assert _count(coordinator, "consents", uid) == _count(therapist, "consents", uid) > 0
        for table in NEVER_TO_A_COORDINATOR:
            assert coordinator.db.scalar(f"SELECT count(*) FROM {table}") == 0, table

        # Another therapist: nothing of the child, nothing of its therapist's.
        syncing.sync(ws=stranger)
        assert stranger.db.scalar("SELECT count(*) FROM children WHERE uid = ?", (uid,)) == 0
        assert stranger.db.scalar("SELECT count(*) FROM sync_received WHERE author = ?", (t,)) == 0

        for ws in everyone[1:]:
            assert quarantined(ws, t) == 0, ws.user.username
        _verify_clean(*everyone)
    finally:
        for ws in everyone:
            ws.close()


def test_access_revoked_while_offline_accepts_what_was_signed_before_and_quarantines_the_rest(server, tmp_path) -> None:
    from behandlerklient.server import admin
    from behandlerklient.services.journal import sessions

    t = new_name("t")
    therapist = laptop(server, tmp_path / "t", t, "therapist")
    try:
        child, course, first = signed_session(therapist, new_cpr())
        assert syncing.sync(ws=therapist).push.quarantined == 0
        uid = therapist.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
        # Offline at a school: one session signed while the access holds ...
        before, _ = sessions.start_session(ws=therapist, course_id=course.id, on=date(2026, 1, 19))
        before.parts.status = "Barnet fortalte om ugen."  # own text, not only the template
        sessions.finish_session(ws=therapist, session=before, passphrase="laptop-adgangskode-7")
        # ... the child moves to another team and the admin revokes her access; she signs one more.
        with server.admin() as conn:
            admin.caseload_revoke(conn, child=uid, username=t)
        # The laptop stores times to the second: her next signature is a few seconds later, not in the same second.
        therapist.clock = lambda: now_utc() + timedelta(seconds=3)
        after, _ = sessions.start_session(ws=therapist, course_id=course.id, on=date(2026, 1, 26))
        after.parts.status = "Barnet fortalte om ugen."  # own text, not only the template
        sessions.finish_session(ws=therapist, session=after, passphrase="laptop-adgangskode-7")
        uids = {name: therapist.db.scalar("SELECT uid FROM sessions WHERE id = ?", (sid,))
                for name, sid in (("first", first), ("before", before.id), ("after", after.id))}

        got = syncing.sync(ws=therapist)
        assert got.push.quarantined > 0 and got.pull.revoked == [uid], got.summary()
        with server.admin() as conn:
            held = {u for (u,) in conn.execute("SELECT uid::text FROM bk.record WHERE uid = ANY(%s::uuid[])",
                                              (list(uids.values()),))}
            kept = conn.execute("SELECT reason, item->>'kind' FROM bk.quarantine WHERE uid = %s::uuid",
                                (uids["after"],)).fetchall()
        assert held == {uids["first"], uids["before"]}
        assert kept == [("no_access_when_signed", "sessions")]
        # Never lost: her laptop keeps all three sessions (her own records stay on revocation), the refusal counted.
        for name, session_uid in uids.items():
            assert therapist.db.scalar("SELECT state FROM sessions WHERE uid = ?", (session_uid,)) == "signed", name
        status = syncing.status(ws=therapist)
        assert status.refused == got.push.quarantined and status.waiting == 0
        again = syncing.sync(ws=therapist)   # refused records are not sent again
        assert again.push.sent == again.push.quarantined == 0
        _verify_clean(therapist)

        # The admin gives the access back and releases the quarantined session: it reaches the server once.
        with server.admin() as conn:
            admin.caseload_grant(conn, child=uid, username=t)
            ids = [q["id"] for q in admin.quarantine_list(conn) if str(q["uid"]) == uids["after"]]
        assert len(ids) == 1
        with server.admin() as conn:
            admin.quarantine_resolve(conn, item_id=ids[0], release=True, note="adgang givet tilbage")
            assert conn.execute("SELECT count(*) FROM bk.record WHERE uid = %s::uuid", (uids["after"],)).fetchone()[0] \
                == 1
    finally:
        therapist.close()
