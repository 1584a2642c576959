"""Every access check of sync.md ("Access checks the prototype passed") against the real server: row-level
security decides what each role reads and writes; records are append-only for everyone."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import psycopg
import pytest
from psycopg import errors

from behandlerklient.server import admin
from tests.server.records import item, new_child, pull_all, push


def _uids(rows) -> set[str]:  # noqa: ANN001
    return {str(r[1]) for r in rows}


def test_a_therapist_receives_nothing_of_another_therapists_child(server):
    child = new_child(server, ("t02", "caseload"))
    records = [item(server, "t02", kind, child) for kind in ("children", "sessions", "journal_entries")]
    with server.connect("t02") as conn:
        assert [s for _, s in push(conn, records)] == ["accepted"] * 3
    with server.connect("t01") as conn:
        assert not _uids(pull_all(conn)) & {r["uid"] for r in records}
        assert conn.execute("SELECT count(*) FROM bk.record WHERE child_uid = %s", (child,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM bk.child_history(%s, 0)", (child,)).fetchone()[0] == 0


def test_update_delete_and_truncate_are_refused_for_the_user_the_owner_and_a_superuser(server):
    child = new_child(server, ("t01", "caseload"))
    record = item(server, "t01", "journal_entries", child)
    with server.connect("t01") as conn:
        push(conn, [record])
        for statement in ("UPDATE bk.record SET payload = '{}' WHERE uid = %s", "DELETE FROM bk.record WHERE uid = %s"):
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(statement, (record["uid"],))
    with server.admin() as conn:
        for role in ("bk_owner", None):   # the owner, then the superuser itself
            for statement in ("UPDATE bk.record SET payload = '{}' WHERE uid = %s",
                              "DELETE FROM bk.record WHERE uid = %s"):
                with pytest.raises(errors.InsufficientPrivilege, match="append-only"), conn.transaction():
                    if role:
                        conn.execute(f"SET LOCAL ROLE {role}")
                    conn.execute(statement, (record["uid"],))
            with pytest.raises(errors.InsufficientPrivilege, match="append-only"), conn.transaction():
                if role:
                    conn.execute(f"SET LOCAL ROLE {role}")
                conn.execute("TRUNCATE bk.record")
        assert conn.execute("SELECT payload FROM bk.record WHERE uid = %s", (record["uid"],)).fetchone()[0] \
            == record["payload"]


def test_rls_is_enabled_and_forced_on_every_table_users_reach(server):
    with server.admin() as conn:
        rows = conn.execute("SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
                            " WHERE relnamespace = 'bk'::regnamespace AND relname IN"
                            " ('record', 'access', 'supervision', 'quarantine', 'disclosure_log', 'staff')").fetchall()
    assert len(rows) == 6 and all(enabled and forced for _, enabled, forced in rows)


def test_inserting_as_someone_else_is_refused(server):
    child = new_child(server, ("t01", "caseload"), ("t02", "caseload"))
    forged = item(server, "t02", "sessions", child)           # t02's record, properly signed by t02
    with server.connect("t01") as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version,"
                         " payload, content_hash, signature) VALUES (%s, 'sessions', %s, 't02', %s, now(), 1, '{}',"
                         " %s, %s)", (forged["uid"], child, forged["device"], b"h" * 32, b"s" * 64))
        assert push(conn, [forged]) == [(forged["uid"], "quarantined")]
        assert conn.execute("SELECT reason FROM bk.quarantine WHERE uid = %s", (forged["uid"],)).fetchone()[0] \
            == "author_is_not_pusher"


def test_writing_about_a_child_not_on_my_caseload_is_quarantined_never_dropped(server):
    child = new_child(server, ("t02", "caseload"))
    record = item(server, "t01", "journal_entries", child)
    with server.connect("t01") as conn:
        assert push(conn, [record]) == [(record["uid"], "quarantined")]
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO bk.record (uid, kind, child_uid, device, signed_at, schema_version, payload,"
                         " content_hash, signature) VALUES (gen_random_uuid(), 'sessions', %s, gen_random_uuid(),"
                         " now(), 1, '{}', %s, %s)", (child, b"h" * 32, b"s" * 64))
    with server.admin() as conn:
        kept = conn.execute("SELECT reason, item FROM bk.quarantine WHERE uid = %s", (record["uid"],)).fetchone()
    assert kept[0] == "no_access_when_signed" and kept[1] == record


def _clinical_child(server):  # noqa: ANN001, ANN202
    """A child of t01 (supervised by s01) coordinated by c01, with one record of each class."""
    child = new_child(server, ("t01", "caseload"), ("c01", "coordinator"))
    kinds = ("children", "consents", "courses", "sessions", "journal_entries", "fidelity_ratings", "screenings")
    records = {kind: item(server, "t01", kind, child) for kind in kinds}
    with server.connect("t01") as conn:
        assert {s for _, s in push(conn, list(records.values()))} == {"accepted"}
    return child, records


def _kinds_seen(server, user, child) -> set[str]:  # noqa: ANN001
    """Kinds pulled; 'sessions' also when only the sessions' frames are readable (server migration 0008_access14)."""
    with server.connect(user) as conn:
        kinds = {r[2] for r in pull_all(conn) if r[3] == child}
        if conn.execute("SELECT EXISTS (SELECT 1 FROM bk.session_frame WHERE child_uid = %s)", (child,)).fetchone()[0]:
            assert "sessions" not in kinds, "a frame and the session record both"
            kinds.add("sessions")
        return kinds


def test_a_supervisor_sees_register_sessions_and_ratings_but_no_clinical_text_without_the_setting(server):
    child, records = _clinical_child(server)
    without_text = {"children", "consents", "courses", "sessions", "fidelity_ratings"}
    assert _kinds_seen(server, "s01", child) == without_text
    with server.admin() as conn:
        admin.policy_set(conn, name="supervisor_sees_clinical_text", value=True)
    try:
        assert _kinds_seen(server, "s01", child) == set(records)   # journal entries and screenings too
    finally:
        with server.admin() as conn:
            admin.policy_set(conn, name="supervisor_sees_clinical_text", value=False)
    assert _kinds_seen(server, "s01", child) == without_text


def test_a_supervisor_sees_nothing_of_a_therapist_they_do_not_supervise(server):
    child = new_child(server, ("t02", "caseload"))
    with server.connect("t02") as conn:
        push(conn, [item(server, "t02", "sessions", child)])
    assert _kinds_seen(server, "s01", child) == set()


def test_a_supervisor_may_review_a_supervisees_child_but_not_others(server):
    mine = new_child(server, ("t01", "caseload"))
    other = new_child(server, ("t02", "caseload"))
    review, stray = item(server, "s01", "reviews", mine), item(server, "s01", "reviews", other)
    with server.connect("s01") as conn:
        assert [s for _, s in push(conn, [review, stray])] == ["accepted", "quarantined"]
    assert "reviews" in _kinds_seen(server, "t01", mine)   # the therapist sees the decision


def test_a_coordinator_receives_register_records_and_no_clinical_record(server):
    child, _ = _clinical_child(server)
    assert _kinds_seen(server, "c01", child) == {"children", "consents", "courses"}


def test_a_coordinator_writes_register_entries_but_no_clinical_record_or_course(server):
    child = new_child(server, ("c01", "coordinator"))
    with server.connect("c01") as conn:
        statuses = [s for _, s in push(conn, [item(server, "c01", kind, child) for kind in
                                              ("contacts", "children", "journal_entries", "courses")])]
    assert statuses == ["accepted", "accepted", "quarantined", "quarantined"]


def test_the_admin_grants_only_bases_that_fit_the_role(server):
    with server.admin() as conn:
        with pytest.raises(admin.AdminError, match="coordinator"):
            admin.caseload_grant(conn, child=str(uuid.uuid4()), username="c01", basis="caseload")
        with pytest.raises(admin.AdminError, match="coordinator"):
            admin.caseload_grant(conn, child=str(uuid.uuid4()), username="t01", basis="coordinator")


def test_gp_records_are_readable_by_everyone(server):
    gp = item(server, "c01", "gps", None, payload={"name": "Lægehuset", "sor": "123"})
    with server.connect("c01") as conn:
        assert push(conn, [gp]) == [(gp["uid"], "accepted")]
    for user in ("t01", "t02", "s01"):
        with server.connect(user) as conn:
            assert gp["uid"] in _uids(pull_all(conn))


def _refused(dsn: str) -> str:
    with pytest.raises(psycopg.OperationalError) as caught:
        psycopg.connect(dsn, connect_timeout=10).close()
    return str(caught.value)


def test_connections_without_tls_with_a_wrong_password_or_without_the_right_client_certificate_are_refused(server):
    cluster = server.cluster
    assert "no encryption" in _refused(server.dsn("t01", sslmode="disable"))
    assert "password authentication failed" in _refused(
        cluster.user_dsn("t01", "not-the-password", sslmode="verify-full"))
    assert "certificate" in _refused(server.dsn("t01", with_cert=False))
    # Another user's certificate: the client hears only "authentication failed"; the server log says why.
    assert "authentication failed" in _refused(server.dsn("t01", cert_of="t02"))
    assert "CN mismatch" in cluster.log.read_text(errors="replace")
    # A certificate for t01 issued by a CA the server does not trust.
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.server.pgcluster import Tls

    rogue_folder = cluster.root / "rogue"
    rogue_folder.mkdir(exist_ok=True)
    rogue = Tls(rogue_folder, ec.generate_private_key(ec.SECP256R1()))
    rogue.issue("t01")
    dsn = server.dsn("t01", with_cert=False) + f" sslcert={rogue_folder / 't01.crt'} sslkey={rogue_folder / 't01.key'}"
    _refused(dsn)
    with server.connect("t01") as conn:     # and the right one works
        assert conn.execute("SELECT current_user").fetchone()[0] == "t01"


def test_a_known_cpr_answers_duplicate_cpr_and_grants_no_access(server):
    cpr, first, second = "010118-4321", uuid.uuid4(), uuid.uuid4()
    with server.connect("t01") as conn:
        assert conn.execute("SELECT * FROM bk.register_child(%s, %s)", (cpr, first)).fetchone() \
            == ("registered", first, None)
        push(conn, [item(server, "t01", "journal_entries", first)])
    with server.connect("t02") as conn:
        assert conn.execute("SELECT * FROM bk.register_child(%s, %s)", (cpr.replace("-", ""), second)).fetchone() \
            == ("duplicate_cpr", first, second)
        assert conn.execute("SELECT count(*) FROM bk.access WHERE child_uid = %s", (first,)).fetchone()[0] == 0
        assert not [r for r in pull_all(conn) if r[3] in (first, second)]
    with server.admin() as conn:
        log = conn.execute("SELECT username, result FROM bk.register_log WHERE child_uid = %s ORDER BY id",
                           (first,)).fetchall()
        assert log == [("t01", "registered"), ("t02", "duplicate_cpr")]
        assert conn.execute("SELECT child_uid FROM bk.child_alias WHERE alias_uid = %s", (second,)).fetchone()[0] \
            == first
        stored = conn.execute("SELECT encode(cpr_hmac, 'hex') FROM bk.child_identity WHERE child_uid = %s",
                              (first,)).fetchone()[0]
        assert "0101184321" not in stored and len(stored) == 64


def test_register_child_is_rate_limited_per_user(server):
    with server.admin() as conn:
        conn.execute("INSERT INTO bk.register_log (username, result) SELECT 'c01', 'invalid'"
                     " FROM generate_series(1, 60)")
    with server.connect("c01") as conn:
        status = conn.execute("SELECT status FROM bk.register_child('020218-1234', gen_random_uuid())").fetchone()
    assert status == ("rate_limited",)


def test_no_security_definer_function_reads_another_therapists_child(server):
    with server.admin() as conn:
        definers = {r[0] for r in conn.execute(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'bk'::regnamespace AND prosecdef").fetchall()}
    # Four trigger functions (not callable), a sequence high-water mark, register_child, and the duplicate CPRs'
    # list and merge (uids only, filtered and gated by the coordinator role inside: tests/server/test_child_merge.py).
    assert definers == {"record_stamp", "chain_advance", "frame_add", "group_child_add", "high_water",
                        "register_child", "duplicates", "merge_child"}
    cpr, child = "030318-5678", uuid.uuid4()
    with server.connect("t01") as conn:
        conn.execute("SELECT bk.register_child(%s, %s)", (cpr, child))
        secret = item(server, "t01", "journal_entries", child)
        push(conn, [secret])
    with server.connect("t02") as conn:
        # Inside register_child current_user is the owner, who sees every row: the function must not hand
        # out access or rows for that. Neither re-registering the child's uid nor its CPR gives t02 anything.
        with pytest.raises(errors.UniqueViolation):
            conn.execute("SELECT * FROM bk.register_child('040418-1111', %s)", (child,))
        conn.execute("SELECT * FROM bk.register_child(%s, %s)", (cpr, child)).fetchall()
        assert conn.execute("SELECT count(*) FROM bk.access WHERE child_uid = %s", (child,)).fetchone()[0] == 0
        assert secret["uid"] not in _uids(pull_all(conn))
    with server.connect("t02") as conn, pytest.raises(errors.DatatypeMismatch, match="trigger"):
        conn.execute("SELECT * FROM bk.record_stamp()")     # trigger functions cannot be called


def test_pull_writes_the_disclosure_log(server):
    child = new_child(server, ("t01", "caseload"), ("t02", "shared"))
    records = [item(server, "t01", "sessions", child), item(server, "t01", "journal_entries", child)]
    with server.admin() as conn:  # the shared server holds other tests' records: read from here on
        start = int(conn.execute("SELECT bk.high_water()").fetchone()[0])
    with server.connect("t01") as conn:
        push(conn, records)
    device = uuid.uuid4()
    with server.connect("t02") as conn:
        page = conn.execute("SELECT uid FROM bk.pull(%s, 5000, %s)", (start, device)).fetchall()
        assert {r["uid"] for r in records} <= {str(r[0]) for r in page}
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM bk.disclosure_log")
    with server.admin() as conn:
        logged = conn.execute("SELECT username, device, via, n FROM bk.disclosure_log WHERE child_uid = %s",
                              (child,)).fetchall()
    assert logged == [("t02", device, "pull", 2)]


def test_offline_revocation_accepts_what_was_signed_while_access_held_and_quarantines_the_rest(server):
    child = new_child(server, ("t01", "caseload"))
    before = item(server, "t01", "sessions", child)                       # signed offline, access held
    with server.admin() as conn:
        admin.caseload_revoke(conn, child=str(child), username="t01")
    after = item(server, "t01", "sessions", child)                        # signed after the revocation
    with server.connect("t01") as conn:
        assert push(conn, [before, after]) == [(before["uid"], "accepted"), (after["uid"], "quarantined")]
        events = conn.execute("SELECT what, child_uid, revoked_at IS NOT NULL FROM bk.grants(0)"
                              " WHERE child_uid = %s", (child,)).fetchall()
    assert events == [("access", child, True)]


def test_grants_announce_a_new_child_and_child_history_brings_its_earlier_records(server):
    child = new_child(server, ("t02", "caseload"))
    earlier = item(server, "t02", "sessions", child)
    with server.connect("t02") as conn:
        push(conn, [earlier])
    with server.connect("t01") as conn:
        cursor = conn.execute("SELECT coalesce(max(event_seq), 0) FROM bk.grants(0)").fetchone()[0]
    with server.admin() as conn:
        admin.caseload_grant(conn, child=str(child), username="t01", basis="shared")
    with server.connect("t01") as conn:
        events = conn.execute("SELECT what, child_uid, basis, granted_seq FROM bk.grants(%s)", (cursor,)).fetchall()
        assert [e[:3] for e in events] == [("access", child, "shared")]
        history = conn.execute("SELECT uid, seq FROM bk.child_history(%s, 0)", (child,)).fetchall()
        assert [str(h[0]) for h in history] == [earlier["uid"]] and history[0][1] <= events[0][3]


def test_old_signing_time_is_accepted_and_a_far_future_one_is_flagged(server):
    child = new_child(server, ("t01", "caseload"))
    skewed = item(server, "t01", "sessions", child, signed_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=9))
    with server.connect("t01") as conn:
        assert push(conn, [skewed]) == [(skewed["uid"], "accepted")]
    with server.admin() as conn:
        assert conn.execute("SELECT count(*) FROM bk.clock_skew WHERE uid = %s", (skewed["uid"],)).fetchone()[0] == 1
    assert json.loads(json.dumps(skewed))["signed_at"].endswith("Z")


def test_users_cannot_read_the_cpr_key_the_identities_or_the_logs(server):
    with server.connect("t01") as conn:
        for table in ("hmac_key", "child_identity", "child_alias", "register_log", "admin_log", "disclosure_log"):
            with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
                conn.execute(f"SELECT * FROM bk.{table}")


def test_a_new_supervisee_announces_itself_and_brings_earlier_work_logged(server):
    child = new_child(server, ("t02", "caseload"))
    work = [item(server, "t02", kind, child) for kind in ("sessions", "journal_entries")]
    with server.connect("t02") as conn:
        push(conn, work)
    with server.admin() as conn:
        admin.supervision_add(conn, supervisor="s01", therapist="t02")
    try:
        with server.connect("s01") as conn:
            events = conn.execute("SELECT what, therapist, revoked_at FROM bk.grants(0)").fetchall()
            assert ("supervision", "t02", None) in events
            got = conn.execute("SELECT uid, kind FROM bk.supervisee_history('t02', 0)").fetchall()
            assert {(str(u), k) for u, k in got if str(u) in {w["uid"] for w in work}} == set()
            # The session comes as its frame (no text) without the clinical-text switch (server migration 0008).
            frames = conn.execute("SELECT uid::text FROM bk.session_frames(0, 5000) WHERE child_uid = %s",
                                  (child,)).fetchall()
            assert frames == [(work[0]["uid"],)]
        with server.admin() as conn:
            assert conn.execute("SELECT username, via, n FROM bk.disclosure_log WHERE child_uid = %s",
                                (child,)).fetchall() == [("s01", "session_frames", 1)]
    finally:
        with server.admin() as conn:
            admin.supervision_end(conn, supervisor="s01", therapist="t02")
    with server.connect("s01") as conn:
        assert conn.execute("SELECT count(*) FROM bk.record WHERE child_uid = %s", (child,)).fetchone()[0] == 0


def test_a_record_signed_in_the_second_of_its_grant_is_accepted(server):
    """A laptop signs to the second; the server grants to the microsecond. A session signed in the same second
    as the grant (read as the start of that second) was quarantined before server migration 0007."""
    import datetime as dt

    child = new_child(server, ("t02", "caseload"))
    with server.admin() as conn:
        granted = conn.execute("SELECT max(granted_at) FROM bk.access WHERE child_uid = %s", (child,)).fetchone()[0]
    if granted.microsecond == 0:  # the start of the second itself proves nothing: move into the second
        with server.admin() as conn:
            conn.execute("UPDATE bk.access SET granted_at = granted_at + interval '1 millisecond' "
                         "WHERE child_uid = %s", (child,))
        granted += dt.timedelta(milliseconds=1)
    signed = granted.replace(microsecond=0)  # what the laptop writes for a moment in that second
    record = item(server, "t02", "sessions", child, signed_at=signed)
    with server.connect("t02") as conn:
        assert push(conn, [record]) == [(record["uid"], "accepted")]
