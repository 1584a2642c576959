"""behandlerklient-server: init (idempotent), staff add, caseload grant|revoke, supervision add,
quarantine list|resolve; every command lands in bk.admin_log."""

from __future__ import annotations

import json
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from behandlerklient.server import admin
from behandlerklient.server.cli import main
from tests.server.records import item, push


def _cli(server, capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main([*args[:2], "--dsn", server.cluster.admin_dsn(), *args[2:]] if args[0] != "init"
                else ["init", "--dsn", server.cluster.admin_dsn(), *args[1:]])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_admin_cli_runs_each_command_and_logs_it(server, capsys, tmp_path, monkeypatch):
    from behandlerklient.server import migrate

    latest = migrate.latest_version()
    assert _cli(server, capsys, "init")[:2] == (0, f"server schema at version {latest} (0 migration(s) applied now)\n")
    key = Ed25519PrivateKey.generate()
    pem = tmp_path / "t03.pub"
    pem.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    monkeypatch.setenv("BK_NEW_PASSWORD", "a-long-test-password")
    code, out, _ = _cli(server, capsys, "staff", "add", "--username", "t03", "--role", "therapist",
                        "--full-name", "Test t03", "--pubkey-file", str(pem))
    assert code == 0 and "password" not in out
    child = str(uuid.uuid4())
    assert _cli(server, capsys, "caseload", "grant", "--child", child, "--user", "t03")[0] == 0
    code, _, err = _cli(server, capsys, "caseload", "grant", "--child", child, "--user", "t03")
    assert code == 1 and "already has caseload access" in err
    assert _cli(server, capsys, "supervision", "add", "--supervisor", "s01", "--therapist", "t03")[0] == 0
    assert _cli(server, capsys, "caseload", "revoke", "--child", child, "--user", "t03")[0] == 0
    with server.admin() as conn:
        log = conn.execute("SELECT command, args FROM bk.admin_log WHERE args ->> 'username' = 't03'"
                           " OR args ->> 'therapist' = 't03' ORDER BY id").fetchall()
        verifier = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 't03'").fetchone()[0]
    assert [c for c, _ in log] == ["staff add", "caseload grant", "supervision add", "caseload revoke"]
    assert verifier.startswith("SCRAM-SHA-256$4096:") and "a-long-test-password" not in json.dumps(log)


def test_quarantine_list_and_resolve_release_a_record_once_access_is_granted(server, capsys):
    child = uuid.uuid4()
    early = item(server, "t02", "sessions", child)                 # written before the grant reached the server
    with server.connect("t02") as conn:
        assert push(conn, [early]) == [(early["uid"], "quarantined")]
    code, out, _ = _cli(server, capsys, "quarantine", "list")
    listed = [row for row in json.loads(out) if row["uid"] == early["uid"]]
    assert code == 0 and listed[0]["reason"] == "no_access_when_signed" and "payload" not in listed[0]
    with server.admin() as conn:
        admin.caseload_grant(conn, child=str(child), username="t02")
    code, out, _ = _cli(server, capsys, "quarantine", "resolve", "--id", str(listed[0]["id"]), "--release",
                        "--note", "granted late")
    assert (code, out) == (0, f"quarantined item {listed[0]['id']} released\n")
    with server.connect("t02") as conn:
        assert conn.execute("SELECT author FROM bk.record WHERE uid = %s", (early["uid"],)).fetchone() == ("t02",)
    code, _, err = _cli(server, capsys, "quarantine", "resolve", "--id", str(listed[0]["id"]), "--reject",
                        "--note", "twice")
    assert code == 1 and "resolved already" in err
    with server.admin() as conn:
        kept = conn.execute("SELECT resolution, item FROM bk.quarantine WHERE id = %s", (listed[0]["id"],)).fetchone()
    assert kept == ("released", early)


def test_a_rejected_item_stays_in_quarantine(server, capsys):
    child = uuid.uuid4()
    stray = item(server, "t01", "journal_entries", child)
    with server.connect("t01") as conn:
        push(conn, [stray])
    with server.admin() as conn:
        qid = conn.execute("SELECT id FROM bk.quarantine WHERE uid = %s", (stray["uid"],)).fetchone()[0]
    assert _cli(server, capsys, "quarantine", "resolve", "--id", str(qid), "--reject", "--note", "wrong child")[0] == 0
    with server.admin() as conn:
        assert conn.execute("SELECT resolution FROM bk.quarantine WHERE id = %s", (qid,)).fetchone() == ("rejected",)
        assert conn.execute("SELECT count(*) FROM bk.record WHERE uid = %s", (stray["uid"],)).fetchone()[0] == 0
