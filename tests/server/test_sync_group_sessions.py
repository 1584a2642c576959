"""Group sessions through the server (issue 14; docs/sync.md "Group sessions"). A group session names no child of its
own (its children are named by their sessions), and the server refused it. Now it is accepted from its author, and
read by whoever may read the clinical records of one of its children: a co-therapist the child is shared with (on a
fresh laptop, and through the newly granted child's history on a laptop that had pulled before; it leaves her laptop
when her access ends), a supervisor only with the clinical-text switch; never a therapist without access, nor a
coordinator."""

from __future__ import annotations

from datetime import date
from typing import Any

from behandlerklient.core.models import SessionParts
from behandlerklient.server import admin
from behandlerklient.services import sync as syncing
from behandlerklient.services.journal import group_sessions
from behandlerklient.services.pathway import pathway
from tests.helpers import child_with_consent
from tests.server.laptops import PASSPHRASE, assert_verified, laptop, new_cpr, new_name, signed_session
from tests.server.records import pull_all

DAY = date(2026, 3, 2)


def _signed_group(ws: Any) -> tuple[str, list[str], dict[str, str]]:
    """Two children of this laptop's user in one signed group session: (group uid, child uids, child uid -> the
    uid of the child's session in the group)."""
    kids = [child_with_consent(ws, first, "Gruppe", new_cpr(), on=DAY) for first in ("Ida", "Bo")]
    courses = [pathway.open_course(ws=ws, child_id=k.id, track_id="cool-kids", start_date=DAY,
                                   format="group").course.id for k in kids]
    gid, _ = group_sessions.create(ws=ws, track_id="cool-kids", session_date=DAY, course_ids=courses)
    group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(status="Gruppen øvede trappen sammen."))
    for p in group_sessions.participants(ws=ws, group_id=gid):
        group_sessions.save_participant(ws=ws, session_id=p.session_id, attendance="held", own_note="Deltog godt.")
    group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)
    group_uid = ws.db.scalar("SELECT uid FROM group_sessions WHERE id = ?", (gid,))
    children = [ws.db.scalar("SELECT uid FROM children WHERE id = ?", (k.id,)) for k in kids]
    sessions = {r[0]: r[1] for r in ws.db.query(
        "SELECT ch.uid, s.uid FROM sessions s JOIN courses c ON c.id = s.course_id JOIN children ch ON ch.id = "
        "c.child_id WHERE s.group_session_id = ?", (gid,))}
    return group_uid, children, sessions


def _has(ws: Any, table: str, uid: str) -> bool:
    return bool(ws.db.scalar(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE uid = ?)", (uid,)))


def _server_reads(server: Any, ws: Any, uid: str) -> bool:
    """Whether the laptop's user reads the record on the server (bk.pull from the start)."""
    import psycopg

    dsn = server.cluster.user_dsn(ws.user.username, ws.server_password)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        return any(str(r[1]) == uid for r in pull_all(conn))


def test_a_group_session_reaches_the_co_therapists_of_its_children_and_nobody_else(server, tmp_path) -> None:
    names = {k: new_name(k[0]) for k in ("author", "fresh", "earlier", "outsider")}
    a = laptop(server, tmp_path / "a", names["author"], "therapist")
    fresh = laptop(server, tmp_path / "fresh", names["fresh"], "therapist")
    earlier = laptop(server, tmp_path / "earlier", names["earlier"], "therapist")
    outsider = laptop(server, tmp_path / "outsider", names["outsider"], "therapist")
    laptops = [a, fresh, earlier, outsider]
    try:
        group, (ida, bo), sessions = _signed_group(a)
        pushed = syncing.sync(ws=a).push
        assert pushed.quarantined == 0 and pushed.conflicts == 0, pushed
        with server.admin() as conn:
            assert conn.execute("SELECT count(*) FROM bk.record WHERE uid = %s", (group,)).fetchone()[0] == 1
            assert not conn.execute("SELECT reason FROM bk.quarantine WHERE pushed_by = %s",
                                    (names["author"],)).fetchall()

        # A co-therapist Ida is shared with, on a laptop that has never pulled: Ida's session and the group, not Bo's.
        with server.admin() as conn:
            admin.caseload_grant(conn, child=ida, username=names["fresh"], basis="shared")
        syncing.sync(ws=fresh)
        assert _has(fresh, "group_sessions", group) and _has(fresh, "sessions", sessions[ida])
        assert not _has(fresh, "sessions", sessions[bo]) and not _has(fresh, "children", bo)
        linked = fresh.db.scalar("SELECT g.uid FROM sessions s JOIN group_sessions g ON g.id = s.group_session_id "
                                 "WHERE s.uid = ?", (sessions[ida],))
        assert linked == group and fresh.db.scalar("SELECT count(*) FROM sync_orphans") == 0
        assert "trappen" in fresh.db.scalar("SELECT status FROM group_sessions WHERE uid = ?", (group,))

        # A colleague who had pulled her own work before Bo was shared with her: Bo's history brings the group.
        signed_session(earlier, new_cpr())
        syncing.sync(ws=earlier)
        syncing.sync(ws=earlier)
        assert int(earlier.db.scalar("SELECT pull_cursor FROM sync_state")) > 0
        with server.admin() as conn:
            admin.caseload_grant(conn, child=bo, username=names["earlier"], basis="shared")
        syncing.sync(ws=earlier)
        assert _has(earlier, "group_sessions", group) and _has(earlier, "sessions", sessions[bo])
        assert not _has(earlier, "sessions", sessions[ida])

        # Every read is in the disclosure log: the group under the child it was read for, by pull and by history.
        with server.admin() as conn:
            for user, via, child in ((names["fresh"], "pull", ida), (names["earlier"], "child_history", bo)):
                logged = conn.execute("SELECT sum(n) FROM bk.disclosure_log WHERE username = %s AND via = %s "
                                      "AND child_uid = %s", (user, via, child)).fetchone()[0]
                held = conn.execute("SELECT count(*) FROM bk.record WHERE child_uid = %s", (child,)).fetchone()[0]
                assert logged == held + 1, (via, logged, held)

        # A therapist without access to either child: nothing of the group, on the server or on her laptop.
        syncing.sync(ws=outsider)
        assert not _has(outsider, "group_sessions", group) and not _server_reads(server, outsider, group)

        # Ida's access revoked: the group leaves the co-therapist's laptop with Ida's session (nothing else holds it).
        with server.admin() as conn:
            admin.caseload_revoke(conn, child=ida, username=names["fresh"])
        syncing.sync(ws=fresh)
        assert not _has(fresh, "group_sessions", group) and not _has(fresh, "sessions", sessions[ida])
        assert_verified(a, fresh, earlier)
    finally:
        for ws in laptops:
            ws.close()


def test_a_supervisor_reads_a_group_session_only_with_the_switch_and_a_coordinator_never(server, tmp_path) -> None:
    author, supervisor, coordinator = new_name("t"), new_name("s"), new_name("c")
    a = laptop(server, tmp_path / "a", author, "therapist")
    sup = laptop(server, tmp_path / "s", supervisor, "supervisor", enroll=False)
    coord = laptop(server, tmp_path / "c", coordinator, "coordinator", enroll=False)
    try:
        group, (ida, _bo), _sessions = _signed_group(a)
        assert syncing.sync(ws=a).push.quarantined == 0
        with server.admin() as conn:
            admin.supervision_add(conn, supervisor=supervisor, therapist=author)
            admin.caseload_grant(conn, child=ida, username=coordinator, basis="coordinator")
        assert not _server_reads(server, sup, group)
        assert not _server_reads(server, coord, group)
        with server.admin() as conn:
            admin.policy_set(conn, name="supervisor_sees_clinical_text", value=True)
        try:
            assert _server_reads(server, sup, group)
            assert not _server_reads(server, coord, group)
        finally:
            with server.admin() as conn:
                admin.policy_set(conn, name="supervisor_sees_clinical_text", value=False)
    finally:
        for ws in (a, sup, coord):
            ws.close()
