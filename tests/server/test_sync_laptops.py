"""The laptop's sync against the real server (issue 14, laptop side): two laptop databases, push, pull, verify."""

from __future__ import annotations

import json
from datetime import date

import pytest

from behandlerklient.services import sync as syncing
from tests.server.laptops import (
    assert_verified,
    laptop,
    new_cpr,
    new_name,
    quarantined,
    signed_session,
    supervised_pair,
)


@pytest.fixture
def team(server, tmp_path):  # noqa: ANN001, ANN201
    """A therapist's and her supervisor's laptops, enrolled; the server pairs them."""
    with supervised_pair(server, tmp_path) as pair:
        yield pair


def _server_count(server, uid: str) -> int:  # noqa: ANN001
    with server.admin() as conn:
        return conn.execute("SELECT count(*) FROM bk.record WHERE uid = %s::uuid", (uid,)).fetchone()[0]


def test_a_session_signed_offline_reaches_the_supervisor_and_both_verify_clean(server, team) -> None:
    a, b = team
    child, course, session_id = signed_session(a, new_cpr())
    first = syncing.sync(ws=a)
    assert first.push.sent > 0 and first.push.quarantined == 0 and first.push.conflicts == 0, first.summary()
    assert syncing.status(ws=a).waiting == 0
    got = syncing.sync(ws=b)
    assert got.pull.received > 0 and quarantined(b, a.user.username) == 0, got.summary()
    uids = {t: a.db.scalar(f"SELECT uid FROM {t} WHERE id = ?", (i,))
            for t, i in (("children", child.id), ("courses", course.id), ("sessions", session_id))}
    for table, uid in uids.items():
        assert b.db.scalar(f"SELECT count(*) FROM {table} WHERE uid = ?", (uid,)) == 1, table
    assert b.db.scalar("SELECT state FROM sessions WHERE uid = ?", (uids["sessions"],)) == "signed"
    # The supervisor sees no clinical text (the server's policy is off): no journal entry came.
    assert b.db.scalar("SELECT count(*) FROM journal_entries WHERE child_id = (SELECT id FROM children "
                       "WHERE uid = ?)", (uids["children"],)) == 0
    assert_verified(a, b)
    again = syncing.sync(ws=b)  # nothing new: nothing applied twice
    assert again.pull.received == 0 and again.push.sent == 0


def test_a_push_repeated_after_a_lost_reply_gives_duplicate_and_no_second_row(server, team) -> None:
    a, _b = team
    signed_session(a, new_cpr())

    class LostReply(Exception):
        pass

    def lose() -> None:
        raise LostReply

    with pytest.raises(LostReply):
        syncing.sync(ws=a, after_push_commit=lose)
    waiting = syncing.status(ws=a).waiting
    assert waiting > 0  # the server committed, the laptop never heard: nothing is marked
    retried = syncing.sync(ws=a)
    assert retried.push.duplicates == waiting and retried.push.sent == 0, retried.summary()
    for row in a.db.query("SELECT uid FROM sync_outbox"):
        assert _server_count(server, row["uid"]) == 1


def test_a_record_with_a_wrong_signature_in_a_pulled_page_is_quarantined_not_dropped(server, team) -> None:
    a, b = team
    signed_session(a, new_cpr())
    syncing.sync(ws=a)
    from behandlerklient.services.sync import pull

    real = pull.received_of

    def tamper(row):  # noqa: ANN001, ANN202 - the server path altered: the course's payload changed in transit
        rec = real(row)
        if rec.kind == "courses":  # (a supervisor receives a session as its frame, not as a signed record)
            rec.payload = {**rec.payload, "track_id": "ændret undervejs"}
        return rec

    pull.received_of = tamper
    try:
        got = syncing.sync(ws=b)
    finally:
        pull.received_of = real
    kept = b.db.query("SELECT * FROM sync_quarantine WHERE author = ? AND kind = 'courses'", (a.user.username,))
    assert len(kept) == 1
    assert kept[0]["reason"] == "bad_content_hash"
    assert json.loads(kept[0]["item"])["payload"]["track_id"] == "ændret undervejs"
    assert b.db.scalar("SELECT count(*) FROM courses WHERE uid = ?", (kept[0]["uid"],)) == 0
    assert syncing.status(ws=b).quarantined == got.pull.quarantined


def test_another_therapist_never_receives_the_child(server, team, tmp_path) -> None:
    a, _b = team
    child, _course, _sid = signed_session(a, new_cpr())
    syncing.sync(ws=a)
    other = laptop(server, tmp_path / "c", new_name("t"), "therapist")
    try:
        got = syncing.sync(ws=other)
        uid = a.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
        assert other.db.scalar("SELECT count(*) FROM children WHERE uid = ?", (uid,)) == 0
        mine = a.user.username
        assert other.db.scalar("SELECT count(*) FROM sync_received WHERE author = ?", (mine,)) == 0
        assert quarantined(other, mine) == 0 and got.pull.orphans == 0
    finally:
        other.close()


def test_a_page_and_its_cursor_land_together_a_failure_mid_page_resumes_without_gap(server, team) -> None:
    a, b = team
    signed_session(a, new_cpr())
    syncing.sync(ws=a)

    class Killed(Exception):
        pass

    def die(_seq: int) -> None:
        raise Killed

    with pytest.raises(Killed):
        syncing.sync(ws=b, page_hook=die)
    # Nothing of the page and not its cursor: the transaction rolled back as a whole.
    assert b.db.scalar("SELECT pull_cursor FROM sync_state") == 0
    assert b.db.scalar("SELECT count(*) FROM sync_received") == 0
    got = syncing.sync(ws=b)
    assert got.pull.received > 0 and got.pull.known == 0
    received = [r[0] for r in b.db.query("SELECT uid FROM sync_received")]
    assert len(received) == len(set(received))
    refused = {r[0] for r in b.db.query("SELECT uid FROM sync_quarantine")}
    with server.admin() as conn:  # what the server lets the supervisor read, as the supervisor (RLS applies)
        conn.execute(f'SET ROLE "{b.user.username}"')
        # (its own records, such as its audit chain pushed by this very sync, are not received: they are here)
        visible = {str(r[0]) for r in conn.execute("SELECT uid FROM bk.record WHERE author <> current_user").fetchall()}
        top = conn.execute("SELECT max(seq) FROM bk.record").fetchone()[0]
    assert set(received) | refused == visible and not set(received) & refused  # no gap, no duplicate
    assert b.db.scalar("SELECT pull_cursor FROM sync_state") == top


def test_the_cli_enrolls_with_the_credentials_inside_the_database_and_syncs(server, tmp_path, monkeypatch,
                                                                              capsys) -> None:
    from behandlerklient import cli
    from tests.server.laptops import PASSPHRASE

    name = new_name("t")
    ws = laptop(server, tmp_path / "cli", name, "therapist", enroll=False)
    signed_session(ws, new_cpr())
    path, password = ws.path, ws.server_password
    ws.close()
    tls = server.cluster.tls
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BEHANDLERKLIENT_SERVER_PASSWORD", password)
    assert cli.main(["sync", "--db", str(path)]) == 5  # not enrolled yet: refused by a rule, in Danish
    assert "tilmeldt" in capsys.readouterr().err
    code = cli.main(["sync", "enroll", "--db", str(path), "--server", f"127.0.0.1:{server.cluster.port}",
                     "--user", name, "--ca", str(tls.ca_file), "--cert", str(tls.folder / f"{name}.crt"),
                     "--key", str(tls.folder / f"{name}.key")])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    # Nothing of the credentials outside the encrypted database: no settings file beside it holds them.
    for file in path.parent.iterdir():
        if file.is_file():
            assert password.encode() not in file.read_bytes(), file.name
    assert cli.main(["sync", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "sendt" in out and "dubletter" in out and "modtaget" in out and "karantæne" in out and "konflikter" in out
    monkeypatch.setenv("BEHANDLERKLIENT_SERVER_PASSWORD", "forkert")
    assert cli.main(["sync", "enroll", "--db", str(path), "--server", f"127.0.0.1:{server.cluster.port}",
                     "--user", name, "--ca", str(tls.ca_file), "--cert", str(tls.folder / f"{name}.crt"),
                     "--key", str(tls.folder / f"{name}.key")]) == 0
    assert cli.main(["sync", "--db", str(path)]) == 1  # a wrong server password: refused, said in Danish
    assert "Kunne ikke forbinde" in capsys.readouterr().err


def test_a_revoked_access_removes_other_authors_records_of_the_child_logged(server, team, tmp_path) -> None:
    from behandlerklient.server import admin

    a, _b = team
    child, _course, _sid = signed_session(a, new_cpr())
    syncing.sync(ws=a)
    uid = a.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
    co = laptop(server, tmp_path / "co", new_name("t"), "therapist")
    try:
        with server.admin() as conn:
            admin.caseload_grant(conn, child=uid, username=co.user.username, basis="shared")
        got = syncing.sync(ws=co)
        here = co.db.scalar("SELECT id FROM children WHERE uid = ?", (uid,))
        assert got.pull.received > 0 and co.db.scalar("SELECT count(*) FROM journal_entries WHERE child_id = ?",
                                                      (here,)) > 0
        with server.admin() as conn:
            admin.caseload_revoke(conn, child=uid, username=co.user.username)
        gone = syncing.sync(ws=co)
        assert gone.pull.revoked == [uid] and gone.pull.purged > 0
        for table in ("journal_entries", "sessions", "courses", "consents", "guardians"):
            assert co.db.scalar(f"SELECT count(*) FROM {table}") == 0, table
        assert co.db.scalar("SELECT count(*) FROM sync_received WHERE child_uid = ? AND kind <> 'children'",
                            (uid,)) == 0
        logged = co.db.scalar("SELECT detail FROM audit_log WHERE action = 'sync' AND detail LIKE 'access revoked%'")
        assert logged and "records of other authors removed" in logged
        assert_verified(co)
    finally:
        co.close()


def test_a_record_whose_parent_has_not_arrived_waits_as_an_orphan_and_is_applied_when_it_comes(server, team,
                                                                                                monkeypatch) -> None:
    from behandlerklient.core.models import GeneralPractitioner
    from behandlerklient.services.registration import children
    from behandlerklient.services.sync import pull

    a, b = team
    gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing", "")
    child = children.register_child(ws=a, first_name="Åse", last_name="Ærenlund", cpr=new_cpr(), gp=gp).child
    syncing.sync(ws=a)
    # One record per page: the child (written before its GP in the same commit) arrives a page before the GP.
    monkeypatch.setattr(pull, "PAGE", 1)
    waiting: list[int] = []
    got = syncing.sync(ws=b, page_hook=lambda _seq: waiting.append(b.db.scalar("SELECT count(*) FROM sync_orphans")))
    assert max(waiting) >= 1 and got.pull.orphans == 0 and quarantined(b, a.user.username) == 0, \
        (waiting, got.summary())
    uid = a.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
    gp_uid = a.db.scalar("SELECT g.uid FROM gps g JOIN children c ON c.gp_id = g.id WHERE c.id = ?", (child.id,))
    assert b.db.scalar("SELECT g.uid FROM children c JOIN gps g ON g.id = c.gp_id WHERE c.uid = ?", (uid,)) == gp_uid


def test_pulled_records_that_break_the_clinical_rules_are_quarantined_not_dropped(server, team, tmp_path) -> None:
    """A laptop with an older or altered client signs what the services refuse: a group course on STIME selvskade
    and a closing as completed after one session without a reason. The laptop that pulls them rechecks them with
    the typed input's rules and keeps them in its quarantine, with the rule, instead of inserting them."""
    from behandlerklient.core.models import Course
    from behandlerklient.server import admin
    from behandlerklient.services.signatures import seal
    from behandlerklient.storage.clock import to_text
    from behandlerklient.storage.pathway import PathwayRepository
    from behandlerklient.storage.pathway_records import PathwayRecordRepository

    a, _b = team
    child, course, _sid = signed_session(a, new_cpr())  # Cool Kids, one session held
    with a.db.transaction():  # written past the services, signed with the author's key
        group = PathwayRepository(a.db).add_course(
            Course(None, child.id, "stime-selvskade", date(2026, 1, 5), 10, format="group"), created_by=a.user.id,
            now=a.clock())
        PathwayRecordRepository(a.db).add("closings", {
            "course_id": course.id, "child_id": child.id, "closing_date": "2026-02-02", "effect": "improved",
            "further_needs": "Ingen", "status": "completed", "author_id": a.user.id, "created_at": to_text(a.clock()),
            "signed_at": to_text(a.clock())})
        seal.seal_pending(a)
    pushed = syncing.sync(ws=a)
    assert pushed.push.quarantined == 0, pushed.summary()
    uid = a.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
    co = laptop(server, tmp_path / "co", new_name("t"), "therapist")
    try:
        with server.admin() as conn:
            admin.caseload_grant(conn, child=uid, username=co.user.username, basis="shared")
        got = syncing.sync(ws=co)
        kept = {r["kind"]: r for r in co.db.query("SELECT * FROM sync_quarantine WHERE author = ?",
                                                  (a.user.username,))}
        assert set(kept) == {"courses", "closings"}, got.summary()
        assert "STIME selvskade er kun individuel" in kept["courses"]["reason"]
        assert kept["courses"]["uid"] == a.db.scalar("SELECT uid FROM courses WHERE id = ?", (group.id,))
        assert "reglerne for afslutning" in kept["closings"]["reason"] and "minimum" in kept["closings"]["reason"]
        assert co.db.scalar("SELECT count(*) FROM courses WHERE uid = ?", (kept["courses"]["uid"],)) == 0
        assert co.db.scalar("SELECT count(*) FROM closings") == 0
        assert co.db.scalar("SELECT count(*) FROM sessions") == 1  # the rest of the child's record came
        # The shared test server also holds other tests' hand-made records, which this fresh laptop may quarantine.
        assert len(kept) == 2 and syncing.status(ws=co).quarantined == got.pull.quarantined >= 2
    finally:
        co.close()
