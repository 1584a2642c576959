"""Benchmark of sync against a real PostgreSQL 15 (issue 14, "Speed"): a throwaway TLS cluster (tests/server/
pgcluster.py), a therapist laptop with N demo children, then

- the first upload of the whole laptop (push, with an admin bulk allowance: server migration 0004);
- a fresh laptop of the same therapist ready (pull to done), a supervisor's, a coordinator's (coordinator basis for
  every child);
- the push of one signed session including the connection; a sync with nothing new (medians of --repeat);
- one pull page's server time (bk.pull of 1,000 rows, EXPLAIN ANALYZE's execution time, median);
- bytes on the wire for each, counted by a forwarding proxy between laptop and server (TLS included). The ready
  and first-upload times go through that proxy (a Python thread: they are pessimistic); push and nothing-new
  alternate a timed direct sync with a counted proxied one.

Run: python -m bench.sync [--children 200] [--repeat 5]. Needs what tests/server needs (postgres, plpython3u).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import select
import shutil
import socket
import statistics
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TARGETS = {"therapist_ready_s": 5.0, "supervisor_ready_s": 10.0, "coordinator_ready_s": 15.0, "push_one_s": 0.5,
           "nothing_new_s": 0.1}
PASSPHRASE = "bench-sync-kode"


class CountingProxy:
    """Forwards TCP to the server and counts the bytes both ways (the TLS stream, as on the wire)."""

    def __init__(self, target: int) -> None:
        self.target, self.up, self.down = target, 0, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> int:
        total, self.up, self.down = self.up + self.down, 0, 0
        return total

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target))
        with client, upstream:
            while True:
                ready, _, _ = select.select([client, upstream], [], [], 60)
                if not ready:
                    return
                for src, dst, up in ((client, upstream, True), (upstream, client, False)):
                    if src in ready:
                        data = src.recv(65536)
                        if not data:
                            return
                        if up:
                            self.up += len(data)
                        else:
                            self.down += len(data)
                        dst.sendall(data)


def _laptop(folder: Path, username: str, role: str) -> Any:
    from behandlerklient.security import kdf
    from behandlerklient.services import workspace

    kdf.set_default(kdf.ScryptParams(n=2**10))
    folder.mkdir(parents=True)
    return workspace.create(path=folder / "journal.db", username=username, full_name=f"Bench {username}",
                            passphrase=PASSPHRASE, role=role)


def _pubkey(ws: Any) -> bytes:
    from behandlerklient.storage.signatures import SignatureRepository

    return base64.b64decode(SignatureRepository(ws.db).keys_of(ws.user.id)[-1]["public_key"])


def _timed(work: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def run(children: int, repeat: int) -> dict[str, Any]:
    import psycopg
    from tests.helpers import child_with_consent
    from tests.server.pgcluster import Cluster, find_bindir

    from behandlerklient.server import admin, migrate
    from behandlerklient.services import demo, pathway, sessions
    from behandlerklient.services import sync as syncing
    from behandlerklient.services.sync import connection

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL binaries (see docs/server.md)")
    root = Path(tempfile.mkdtemp(prefix="bk-bench-sync-"))
    os.chmod(root, 0o755)
    (root / "pg").mkdir()
    cluster = Cluster(bindir, root / "pg")
    cluster.start()
    out: dict[str, Any] = {"children": children, "load_before": os.getloadavg()}
    try:
        with psycopg.connect(cluster.admin_dsn("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bk")
        adm = psycopg.connect(cluster.admin_dsn(), autocommit=True)
        migrate.apply(adm)
        proxy = CountingProxy(cluster.port)
        laptops: dict[str, Any] = {}

        def enrol(name: str, role: str, *, key_of: Any = None) -> Any:
            ws = _laptop(root / name / str(len(laptops)), name, role)
            password = f"pw-{name}-bench"
            if key_of is None:
                admin.staff_add(adm, username=name, role=role, full_name=f"Bench {name}", pubkey=_pubkey(ws),
                                password=password)
                cluster.tls.issue(name)
            else:
                password = key_of
            tls = cluster.tls
            syncing.enroll(ws=ws, host="127.0.0.1", port=cluster.port, user=name, password=password,
                           ca_pem=tls.ca_file.read_text(), cert_pem=(tls.folder / f"{name}.crt").read_text(),
                           key_pem=(tls.folder / f"{name}.key").read_text())
            laptops[f"{name}{len(laptops)}"] = ws
            return ws

        def visible(name: str) -> int:
            adm.execute(f'SET ROLE "{name}"')
            try:
                row = adm.execute("SELECT count(*) FROM bk.record").fetchone()
                return int(row[0]) if row else 0
            finally:
                adm.execute("RESET ROLE")

        def via_proxy(state: Any) -> Any:
            return connection.connect({**dict(state), "server_port": proxy.port})

        def sync(ws: Any) -> tuple[float, int, Any]:
            proxy.reset()
            took, result = _timed(lambda: syncing.sync(ws=ws, connect=via_proxy))
            return took, proxy.reset(), result

        t0 = time.perf_counter()
        therapist = enrol("bt01", "therapist")
        demo.generate(ws=therapist, children_count=children, seed=14, today=date(2026, 11, 23))
        out["build_s"] = time.perf_counter() - t0
        out["records"] = therapist.db.scalar("SELECT count(*) FROM sync_outbox")
        admin.bulk_allow(adm, username="bt01", children=children + 10)
        took, wire, got = sync(therapist)
        out["first_upload"] = {"s": took, "bytes": wire, "sent": got.push.sent, "refused": got.push.quarantined}

        admin.staff_add(adm, username="bs01", role="supervisor", full_name="Bench s", pubkey=b"\1" * 32,
                        password="pw-bs01-bench")
        admin.supervision_add(adm, supervisor="bs01", therapist="bt01")
        admin.staff_add(adm, username="bc01", role="coordinator", full_name="Bench c", pubkey=b"\2" * 32,
                        password="pw-bc01-bench")
        for (uid,) in adm.execute("SELECT child_uid::text FROM bk.child_identity").fetchall():
            admin.caseload_grant(adm, child=uid, username="bc01", basis="coordinator")
        for name in ("bs01", "bc01"):
            cluster.tls.issue(name)
        for label, name, role, pw in (("therapist_ready", "bt01", "therapist", "pw-bt01-bench"),
                                      ("supervisor_ready", "bs01", "supervisor", "pw-bs01-bench"),
                                      ("coordinator_ready", "bc01", "coordinator", "pw-bc01-bench")):
            ws = enrol(name, role, key_of=pw)
            took, wire, got = sync(ws)
            out[label] = {"s": took, "bytes": wire, "received": got.pull.received, "known": got.pull.known,
                          "orphans": got.pull.orphans, "visible": visible(name),
                          "quarantined": got.pull.quarantined, "pages": got.pull.pages}

        # A new child and course (sent untimed), then one signed session per repetition.
        child = child_with_consent(therapist, "Noa", "Brøndum", "150316-4123")
        course = pathway.open_course(ws=therapist, child_id=child.id, track_id="cool-kids",
                                     start_date=date(2026, 1, 5)).course
        sync(therapist)
        pushes, push_bytes, idle, idle_bytes = [], [], [], []
        for i in range(repeat):
            assert course.id is not None
            s, _ = sessions.start_session(ws=therapist, course_id=course.id, on=date(2026, 1, 12) + timedelta(weeks=i))
            sessions.finish_session(ws=therapist, session=s, passphrase=PASSPHRASE)
            if i % 2:  # the bytes through the counting proxy (which adds its own latency)
                _took, wire, _got = sync(therapist)
                push_bytes.append(wire)
                _took, wire, _got = sync(therapist)
                idle_bytes.append(wire)
            else:  # the time on a direct connection
                pushes.append(_timed(lambda: syncing.sync(ws=therapist))[0])
                idle.append(_timed(lambda: syncing.sync(ws=therapist))[0])
        out["push_one"] = {"s": statistics.median(pushes), "bytes": statistics.median(push_bytes)}
        out["nothing_new"] = {"s": statistics.median(idle), "bytes": statistics.median(idle_bytes)}

        page = []
        with psycopg.connect(cluster.user_dsn("bt01", "pw-bt01-bench"), autocommit=True) as conn:
            for _ in range(repeat):
                found = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM bk.pull(0, 1000, NULL)"
                                     ).fetchone()
                assert found is not None
                plan = found[0]
                page.append(float((plan if isinstance(plan, list) else json.loads(plan))[0]["Execution Time"]))
        out["pull_page_1000_server_ms"] = statistics.median(page)
        out["load_after"] = os.getloadavg()
        for ws in laptops.values():
            ws.close()
        adm.close()
        proxy.listener.close()
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = run(args.children, args.repeat)
    print(json.dumps(result, indent=1, default=str))
    for key, target in TARGETS.items():
        name = key.removesuffix("_s")
        got = result[name]["s"]
        print(f"{name:20} {got:8.3f} s  (target < {target} s) {'ok' if got < target else 'OVER'}  "
              f"{result[name]['bytes']:>10} bytes on the wire")
    print(f"{'first_upload':20} {result['first_upload']['s']:8.3f} s  {result['first_upload']['bytes']:>10} bytes"
          f"  ({result['records']} records of {result['children']} children)")
    print(f"{'pull page (1,000)':20} {result['pull_page_1000_server_ms']:8.1f} ms server time")
    print(f"load average before/after: {result['load_before']} / {result['load_after']}")


if __name__ == "__main__":
    main()
