"""Faults of issue 14 against the real server: SIGKILL of the laptop process at random points of push and of apply,
the server stopped mid-pull, the connection cut by a proxy mid-batch, clock skew of hours, and connections refused
(no TLS, wrong certificate, wrong password). After each: no record lost or duplicated, `verify` clean, and the next
sync completes."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from behandlerklient.services import sync as syncing
from behandlerklient.services.sync import connection, pull
from behandlerklient.services.verify import integrity
from behandlerklient.storage.clock import now_utc
from tests.server.laptops import PASSPHRASE, laptop, new_cpr, new_name, quarantined, signed_session
from tests.server.proxy import Proxy

SEED = 1414
ROOT = Path(__file__).resolve().parents[2]


def _clean(ws: Any) -> None:
    problems = [c for c in integrity.verify(ws=ws) if not c.ok]
    assert not problems, [(c.name, c.detail) for c in problems]


def _outbox(ws: Any) -> dict[str, str]:
    return {r["uid"]: r["kind"] for r in ws.db.query("SELECT uid, kind FROM sync_outbox")}


def _on_server(server: Any, uids: set[str]) -> dict[str, int]:
    with server.admin() as conn:
        rows = conn.execute("SELECT uid::text, count(*) FROM bk.record WHERE uid = ANY(%s::uuid[]) GROUP BY uid",
                            (list(uids),)).fetchall()
    return {str(u): int(n) for u, n in rows}


def _no_gap(server: Any, ws: Any) -> None:
    """Everything the server lets this user read is here once, or refused here (quarantined) once."""
    received = [r[0] for r in ws.db.query("SELECT uid FROM sync_received")]
    assert len(received) == len(set(received))
    refused = {r[0] for r in ws.db.query("SELECT uid FROM sync_quarantine")}
    with server.admin() as conn:
        conn.execute(f'SET ROLE "{ws.user.username}"')
        # audit chain segments are anchored on the server, not applied as records (services/sync/audit_chain.py)
        visible = {str(r[0]) for r in conn.execute("SELECT uid FROM bk.record WHERE kind <> 'audit_log'").fetchall()}
    mine = set(_outbox(ws))
    assert (set(received) | refused) == visible - mine and not set(received) & refused


# -- SIGKILL at random points ------------------------------------------------------------------------------------

def _driver(path: Path, *, batch: int, page: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}", "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-m", "tests.server.sync_driver", str(path), PASSPHRASE, str(batch),
                             str(page)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _kill_mid(proc: subprocess.Popen[str], marker: str, rng: random.Random) -> bool:
    """Waits until the process has done one batch or page (`marker`), then kills it at a random moment of the
    work that follows. False when it finished first: then it must have succeeded."""
    with proc:
        assert proc.stdout is not None and proc.stderr is not None
        for line in proc.stdout:
            if line.strip() == marker:
                try:
                    proc.wait(timeout=rng.uniform(0.0, 0.15))
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    return True
                break
        proc.stdout.read()
        errors = proc.stderr.read()
        proc.wait()
        assert proc.returncode == 0, errors
    return False


def _more_work(server: Any, a: Any, b: Any, children: int) -> None:
    from behandlerklient.server import admin

    made = [signed_session(a, new_cpr(), first=f"Kim{i}")[0] for i in range(children)]
    syncing.sync(ws=a)
    with server.admin() as conn:
        for child in made:
            uid = a.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
            admin.caseload_grant(conn, child=uid, username=b.user.username, basis="shared")


def test_sigkill_of_the_laptop_mid_push_and_mid_apply_loses_and_duplicates_nothing(server, tmp_path) -> None:
    from behandlerklient.server import admin

    rng = random.Random(SEED)
    a = laptop(server, tmp_path / "a", new_name("t"), "therapist")
    b = laptop(server, tmp_path / "b", new_name("t"), "therapist")
    with server.admin() as conn:  # many children, each registered again after kills: the allowance of 0004
        admin.bulk_allow(conn, username=a.user.username, children=500)
    kills = {"push": 0, "apply": 0}
    try:
        for i in range(8):
            signed_session(a, new_cpr(), first=f"Noa{i}")
        while kills["push"] < 25:  # push: two records a batch, killed at a random point after a batch
            if syncing.status(ws=a).waiting == 0:
                for i in range(3):
                    signed_session(a, new_cpr(), first=f"Ida{i}")
            kills["push"] += _kill_mid(_driver(a.path, batch=2, page=2), "batch", rng)
        syncing.sync(ws=a)  # the next sync completes
        assert syncing.status(ws=a).waiting == 0
        with server.admin() as conn:
            for uid in a.db.query("SELECT uid FROM children"):
                admin.caseload_grant(conn, child=uid[0], username=b.user.username, basis="shared")
        while kills["apply"] < 25:  # apply: two records a page, killed at a random point after a page
            if not _kill_mid(_driver(b.path, batch=2, page=2), "page", rng):
                _more_work(server, a, b, 2)
            else:
                kills["apply"] += 1
        final = syncing.sync(ws=b)
        assert final.pull.quarantined == 0 or quarantined(b, a.user.username) == 0, final.summary()
    finally:
        a.close()
        b.close()
    a = b = None
    import behandlerklient.services.workspace.workspace as workspace

    a = workspace.unlock(path=tmp_path / "a" / "journal.db", passphrase=PASSPHRASE)
    b = workspace.unlock(path=tmp_path / "b" / "journal.db", passphrase=PASSPHRASE)
    try:
        assert kills["push"] + kills["apply"] >= 50, kills
        sent = _outbox(a)
        status = syncing.status(ws=a)
        assert status.waiting == 0 and status.conflicts == 0 and status.refused == 0
        assert _on_server(server, set(sent)) == {uid: 1 for uid in sent}  # nothing lost, nothing twice
        # The receiving laptop: every record of the children shared with it, once.
        for uid, kind in sent.items():
            assert b.db.scalar(f"SELECT count(*) FROM {kind} WHERE uid = ?", (uid,)) == 1, (kind, uid)
        assert quarantined(b, a.user.username) == 0
        _no_gap(server, b)
        _clean(a)
        _clean(b)
    finally:
        a.close()
        b.close()


# -- the server stopped mid-pull ---------------------------------------------------------------------------------

def _restart(server: Any) -> None:
    c = server.cluster
    c._run(str(c.bindir / "pg_ctl"), "-D", str(c.data), "-l", str(c.log), "-w", "-t", "60", "start")


def test_the_server_stopped_mid_pull_the_next_sync_completes_without_gap(server, tmp_path, monkeypatch) -> None:
    from behandlerklient.server import admin

    a = laptop(server, tmp_path / "a", new_name("t"), "therapist")
    b = laptop(server, tmp_path / "b", new_name("t"), "therapist")
    try:
        child, _course, _sid = signed_session(a, new_cpr())
        syncing.sync(ws=a)
        with server.admin() as conn:
            admin.caseload_grant(conn, child=a.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,)),
                                 username=b.user.username, basis="shared")
        monkeypatch.setattr(pull, "PAGE", 2)
        c = server.cluster
        stopped: list[int] = []

        def stop_server(_seq: int) -> None:
            if not stopped:
                c._run(str(c.bindir / "pg_ctl"), "-D", str(c.data), "-m", "immediate", "-w", "stop")
                stopped.append(_seq)

        try:
            with pytest.raises(connection.ServerUnreachable, match="afbrudt undervejs"):
                syncing.sync(ws=b, page_hook=stop_server)
        finally:
            _restart(server)
        # The page being applied when the server stopped is kept, and the next one too if it had been fetched ahead
        # before the stop (pull.prefetched); the one after is not there: _no_gap below shows nothing was skipped.
        kept = b.db.scalar("SELECT pull_cursor FROM sync_state")
        assert stopped and kept >= stopped[0]
        assert b.db.scalar("SELECT count(*) FROM sync_received WHERE seq > ?", (kept,)) == 0
        assert "afbrudt" in (syncing.status(ws=b).last_error or "")
        got = syncing.sync(ws=b)
        assert got.pull.received > 0 and got.pull.known == 0, got.summary()
        for uid, kind in _outbox(a).items():
            assert b.db.scalar(f"SELECT count(*) FROM {kind} WHERE uid = ?", (uid,)) == 1, (kind, uid)
        _no_gap(server, b)
        _clean(b)
    finally:
        a.close()
        b.close()


# -- the connection cut by a proxy mid-batch --------------------------------------------------------------------

class CuttingProxy(Proxy):
    """Cuts the first connection that uploads a big batch: mode "request" mid-upload (the server never sees the
    whole batch); mode "reply" after the COMMIT that follows the batch went up, swallowing its answer (the server has
    the batch, the laptop never hears)."""

    BIG = 3000  # bytes in one read: a batch, not a handshake or a small query

    def __init__(self, target: int, mode: str) -> None:
        super().__init__(target)
        self.mode, self.cut = mode, threading.Event()

    def up(self, link: dict[str, Any], data: bytes) -> tuple[bytes, bool]:
        # link: the batch went up ("big"); the server answered it ("answered"); then the COMMIT ("commit")
        if not self.cut.is_set() and len(data) > self.BIG:
            link["big"] = True
            if self.mode == "request":
                self.cut.set()
                return data[: len(data) // 2], False
        elif link.get("answered") and not self.cut.is_set() and self.mode == "reply":
            link["commit"] = True
        return data, True

    def down(self, link: dict[str, Any], data: bytes) -> tuple[bytes, bool]:
        if link.get("commit") and not self.cut.is_set():
            self.cut.set()  # the COMMIT's answer: dropped, and the line goes dead
            return b"", False
        link["answered"] = link.get("answered") or link.get("big", False)
        return data, True


@pytest.mark.parametrize("mode", ["request", "reply"])
def test_the_connection_cut_mid_batch_a_retry_never_gives_a_second_row(server, tmp_path, mode) -> None:
    a = laptop(server, tmp_path / "a", new_name("t"), "therapist")
    proxy = CuttingProxy(server.cluster.port, mode)
    try:
        for i in range(3):
            signed_session(a, new_cpr(), first=f"Eva{i}")
        waiting = syncing.status(ws=a).waiting

        def via_proxy(state: Any) -> Any:
            return connection.connect({**dict(state), "server_port": proxy.port})

        with pytest.raises(connection.ServerUnreachable, match="afbrudt undervejs"):
            syncing.sync(ws=a, connect=via_proxy)
        assert proxy.cut.is_set()
        assert syncing.status(ws=a).waiting == waiting  # nothing marked answered
        retried = syncing.sync(ws=a)
        if mode == "reply":  # the server committed the batch: the retry is told "duplicate"
            assert retried.push.duplicates == waiting and retried.push.sent == 0, retried.summary()
        else:
            assert retried.push.sent == waiting and retried.push.duplicates == 0, retried.summary()
        sent = _outbox(a)
        assert _on_server(server, set(sent)) == {uid: 1 for uid in sent}
        _clean(a)
    finally:
        proxy.close()
        a.close()


# -- clock skew of hours ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hours", "flag"), [(7, "ahead"), (-7, "behind")])
def test_a_laptop_clock_hours_off_is_accepted_flagged_and_loses_nothing(server, tmp_path, monkeypatch, hours,
                                                                         flag) -> None:
    from behandlerklient.server import admin
    from behandlerklient.services.signatures import seal

    a = laptop(server, tmp_path / "a", new_name("t"), "therapist")
    b = laptop(server, tmp_path / "b", new_name("t"), "therapist")
    skewed = lambda: now_utc() + timedelta(hours=hours)  # noqa: E731 - the laptop's one clock, hours off:
    a.clock = skewed  # signed records' signed_at
    monkeypatch.setattr(seal, "now_utc", skewed)  # and the commit hook's, for master data (children, courses)
    try:
        child, _course, _sid = signed_session(a, new_cpr())
        first = syncing.sync(ws=a)
        signed_session(a, new_cpr(), first="Bo")  # signed after the first sync, by the same wrong clock
        second = syncing.sync(ws=a)
        for got in (first, second):
            assert got.push.sent > 0 and got.push.quarantined == 0 and got.push.conflicts == 0, got.summary()
        sent = _outbox(a)
        assert _on_server(server, set(sent)) == {uid: 1 for uid in sent}
        with server.admin() as conn:
            flagged = {str(r[0]): r[1] for r in conn.execute(
                "SELECT s.uid, s.reason FROM bk.clock_skew s JOIN bk.record r USING (uid) "
                "WHERE s.author = %s AND r.kind <> 'audit_log'", (a.user.username,)).fetchall()}  # records, not chains
            admin.caseload_grant(conn, child=a.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,)),
                                 username=b.user.username, basis="shared")
        assert flagged and set(flagged.values()) == {flag} and set(flagged) <= set(sent)
        got = syncing.sync(ws=b)
        assert got.pull.received > 0 and quarantined(b, a.user.username) == 0, got.summary()
        _clean(a)
        _clean(b)
    finally:
        a.close()
        b.close()


# -- refused connections: a clear Danish message from `behandlerklient sync`, exit 1, no password -------------------

def _fake_server_without_tls() -> socket.socket:
    """Answers PostgreSQL's SSLRequest with 'N' (no TLS here), as a server without TLS or a man in the middle."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(8)
                conn.sendall(b"N")
                conn.recv(1024)

    threading.Thread(target=answer, daemon=True).start()
    return listener


@pytest.mark.parametrize("fault", ["no_tls", "wrong_server_ca", "wrong_client_certificate", "wrong_password"])
def test_a_refused_connection_is_said_in_danish_with_exit_1_and_no_password(server, tmp_path, monkeypatch, capsys,
                                                                             fault) -> None:
    from behandlerklient import cli
    from tests.server.pgcluster import Tls

    name = new_name("t")
    ws = laptop(server, tmp_path / "l", name, "therapist", enroll=False)
    tls, password, port = server.cluster.tls, ws.server_password, server.cluster.port
    ca, cert, key = (tls.ca_file.read_text(), (tls.folder / f"{name}.crt").read_text(),
                     (tls.folder / f"{name}.key").read_text())
    fake = None
    if fault == "no_tls":
        fake = _fake_server_without_tls()
        port = fake.getsockname()[1]
    elif fault == "wrong_server_ca":
        (tmp_path / "other").mkdir()
        ca = Tls(tmp_path / "other").ca_file.read_text()
    elif fault == "wrong_client_certificate":
        cert, key = (tls.folder / "t01.crt").read_text(), (tls.folder / "t01.key").read_text()
    else:
        password = "forkert-" + password
    syncing.enroll(ws=ws, host="127.0.0.1", port=port, user=name, password=password, ca_pem=ca, cert_pem=cert,
                   key_pem=key)
    path = ws.path
    ws.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    try:
        code = cli.main(["sync", "--db", str(path)])
    finally:
        if fake is not None:
            fake.close()
    out = capsys.readouterr()
    said = out.out + out.err
    expected = {"no_tls": "krypteret forbindelse", "wrong_server_ca": "certifikatudsteder",
                # PostgreSQL tells a client only "password authentication failed" for both (its log says which)
                "wrong_client_certificate": "klientcertifikat", "wrong_password": "adgangskode"}
    assert code == 1 and "Kunne ikke forbinde til synkroniseringsserveren" in out.err, said
    assert expected[fault] in out.err, out.err
    assert password not in said and "Traceback" not in said
