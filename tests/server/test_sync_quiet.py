"""A sync with nothing new (issue 14: under 100 ms, the connection included): one server call (ServerCalls.probe)
and no write here, while whatever the server changed since is still picked up by the next sync: a grant, a new
staff member's key, a new record, a revocation, a supervisee's session frame, a child registered twice, audit rows
written here."""

from __future__ import annotations

from typing import Any

from behandlerklient.services import sync as syncing
from behandlerklient.services.signatures import audit as audit_log
from behandlerklient.services.sync import connection, merge
from tests.server.laptops import laptop, new_cpr, new_name, quarantined, signed_session, supervised_pair


class Counting:
    """A psycopg connection that counts the statements sent on it."""

    def __init__(self, conn: Any, sent: list[str]) -> None:
        self.conn, self.sent = conn, sent

    def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        self.sent.append(str(query))
        return self.conn.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def counted_sync(ws: Any) -> tuple[Any, list[str]]:
    sent: list[str] = []
    return syncing.sync(ws=ws, connect=lambda state: Counting(connection.connect(state), sent)), sent


def _quiet(result: Any) -> bool:
    return (result.push.sent + result.chain.rows + result.pull.received + result.pull.pages) == 0


def settle(ws: Any) -> None:
    """Syncs until a sync has nothing to do (what one sync receives, it logs here; the next one anchors those rows)."""
    for _ in range(6):
        if _quiet(syncing.sync(ws=ws)):
            return
    raise AssertionError("the laptop never settled")


def _local_state(ws: Any) -> tuple[Any, ...]:
    return (dict(ws.db.query_one("SELECT * FROM sync_state")), ws.db.scalar("SELECT count(*) FROM audit_log"),
            ws.db.scalar("SELECT max(id) FROM audit_log"), ws.db.scalar("SELECT count(*) FROM sync_outbox"))


def test_a_sync_with_nothing_new_makes_one_server_call_and_writes_nothing_here(server, tmp_path) -> None:  # noqa: ANN001
    ws = laptop(server, tmp_path / "t", new_name("t"), "therapist")
    try:
        signed_session(ws, new_cpr())
        settle(ws)
        before = _local_state(ws)
        result, sent = counted_sync(ws)
        assert _quiet(result), result.summary()
        assert len(sent) == 1, sent  # the probe; today: chain head, staff, duplicates, grants, pull, session frames
        assert _local_state(ws) == before  # no state row, no audit row: nothing to anchor at the next sync
        again, sent = counted_sync(ws)
        assert _quiet(again) and len(sent) == 1, sent
    finally:
        ws.close()


def test_after_quiet_syncs_a_new_staff_members_records_a_grant_a_new_record_and_a_revocation_come(server,  # noqa: ANN001
                                                                                                tmp_path) -> None:
    from behandlerklient.server import admin

    a = laptop(server, tmp_path / "a", new_name("t"), "therapist")
    try:
        signed_session(a, new_cpr())
        settle(a)  # the staff list is read now, without the colleague below
        n = laptop(server, tmp_path / "n", new_name("t"), "therapist")  # a new staff member with a new key
        try:
            child, course, _sid = signed_session(n, new_cpr(), first="Ida")
            syncing.sync(ws=n)
            uid = n.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
            with server.admin() as conn:
                admin.caseload_grant(conn, child=uid, username=a.user.username, basis="shared")
            got = syncing.sync(ws=a)  # the grant: the child's history, checked against the new member's key
            assert got.pull.received > 0 and quarantined(a, n.user.username) == 0, got.summary()
            assert a.db.scalar("SELECT count(*) FROM children WHERE uid = ?", (uid,)) == 1
            settle(a)

            from datetime import date

            from behandlerklient.services.journal import sessions
            from tests.server.laptops import PASSPHRASE

            s, _ = sessions.start_session(ws=n, course_id=course.id, on=date(2026, 1, 19))
            s.parts.status = "Barnet fortalte om ugen siden sidst."
            sessions.finish_session(ws=n, session=s, passphrase=PASSPHRASE)
            syncing.sync(ws=n)
            new_uid = n.db.scalar("SELECT uid FROM sessions WHERE id = ?", (s.id,))
            got = syncing.sync(ws=a)  # a new record
            assert got.pull.received > 0 and a.db.scalar("SELECT count(*) FROM sessions WHERE uid = ?",
                                                         (new_uid,)) == 1, got.summary()
            settle(a)

            with server.admin() as conn:
                admin.caseload_revoke(conn, child=uid, username=a.user.username)
            gone = syncing.sync(ws=a)  # the revocation
            assert gone.pull.revoked == [uid] and gone.pull.purged > 0, gone.summary()
        finally:
            n.close()
    finally:
        a.close()


def test_after_quiet_syncs_a_supervisees_new_session_comes_to_the_supervisor_as_a_frame(server, tmp_path) -> None:  # noqa: ANN001
    with supervised_pair(server, tmp_path) as (a, b):
        settle(b)
        _child, _course, sid = signed_session(a, new_cpr())
        syncing.sync(ws=a)
        uid = a.db.scalar("SELECT uid FROM sessions WHERE id = ?", (sid,))
        got = syncing.sync(ws=b)
        assert got.pull.received > 0, got.summary()
        assert b.db.scalar("SELECT count(*) FROM sessions WHERE uid = ?", (uid,)) == 1
        assert b.db.scalar("SELECT count(*) FROM sync_frames") >= 1


def test_after_quiet_syncs_a_child_registered_twice_becomes_the_coordinators_task(server, tmp_path) -> None:  # noqa: ANN001
    c = laptop(server, tmp_path / "c", new_name("c"), "coordinator")
    x = laptop(server, tmp_path / "x", new_name("t"), "therapist")
    y = laptop(server, tmp_path / "y", new_name("t"), "therapist")
    try:
        settle(c)
        cpr = new_cpr()
        signed_session(x, cpr)
        syncing.sync(ws=x)
        child, _course, _sid = signed_session(y, cpr, first="Ida")
        assert syncing.sync(ws=y).push.cpr_known == 1
        alias = y.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
        assert alias not in {t.alias_uid for t in merge.tasks(ws=c)}
        syncing.sync(ws=c)
        assert alias in {t.alias_uid for t in merge.tasks(ws=c)}
    finally:
        for ws in (c, x, y):
            ws.close()


def test_after_quiet_syncs_audit_rows_written_here_are_anchored_at_the_next_sync(server, tmp_path) -> None:  # noqa: ANN001
    ws = laptop(server, tmp_path / "t", new_name("t"), "therapist")
    try:
        settle(ws)
        audit_log.record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), obj="test", detail="one row")
        got = syncing.sync(ws=ws)
        assert got.chain.rows >= 1 and not got.chain.diverged, got
        acked = ws.db.scalar("SELECT audit_acked_id FROM sync_state")
        assert acked == ws.db.scalar("SELECT max(id) FROM audit_log")
    finally:
        ws.close()


def test_the_children_a_first_sync_registers_need_no_history_at_the_next_sync(server, tmp_path) -> None:  # noqa: ANN001
    """The access a push gives to the children it registers is read in the same sync, while the laptop has never
    pulled (it holds their history already). Read only at the next sync, each child's history was fetched and
    skipped record by record: 500 children's first upload made the next sync take 16 s, 500 calls."""
    ws = laptop(server, tmp_path / "t", new_name("t"), "therapist")
    try:
        for _ in range(3):
            signed_session(ws, new_cpr())
        first, _sent = counted_sync(ws)
        assert first.push.sent > 0
        _again, sent = counted_sync(ws)
        assert not [s for s in sent if "child_history" in s], sent
    finally:
        ws.close()
