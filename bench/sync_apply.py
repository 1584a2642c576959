"""Apply alone, without a server (docs/sync.md "Speed, measured"): a fresh laptop pulls the records one cached bench
laptop (bench/sync_laptops.py) holds in its outbox, served page by page from memory as bk.pull would return them, so
the figure is the laptop's records a millisecond, not the server's. Every record is checked, applied and audited as
in a real pull (services/sync/pull.Puller).

    python -m bench.sync_apply --children 50 [--repeat 3]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import sync_laptops


class Rows:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def fetchall(self) -> list[Any]:
        return self.rows

    def fetchone(self) -> Any:
        return self.rows[0] if self.rows else None


class FakeServer:
    """Answers the laptop's pull calls (storage/sync_server.py) from memory: the staff, no grants, the pages."""

    def __init__(self, staff: list[Any], records: list[tuple], retired: list[tuple] | None = None) -> None:
        self.staff, self.records, self.retired = staff, records, retired or []

    def execute(self, sql: str, params: Any = ()) -> Rows:
        if "staff_key_re" in sql:  # (username, key, last seq, released uids) of the keys an administrator replaced
            return Rows([(True,)] if "to_regclass" in sql else self.retired)
        if "bk.staff" in sql:
            return Rows(self.staff)
        if "bk.pull" in sql:
            cursor, limit = int(params[0]), int(params[1])
            return Rows([r for r in self.records if r[0] > cursor][:limit])
        return Rows([])  # grants, frames: none


def pulled_rows(ws: Any) -> list[tuple]:
    """The laptop's outbox as bk.pull's columns (seq, uid, kind, child, author, device, signed_at, version, payload,
    content_hash, signature), in outbox order."""
    out = []
    for n, row in enumerate(ws.db.query("SELECT envelope, content_hash, signature FROM sync_outbox ORDER BY id"), 1):
        env = json.loads(row["envelope"])
        signed = datetime.fromisoformat(env["signed_at"].replace("Z", "+00:00"))
        out.append((n, env["uid"], env["kind"], env["child_uid"], env["author"], env["device"], signed,
                    env["schema_version"], env["payload"], bytes.fromhex(row["content_hash"]),
                    base64.b64decode(row["signature"])))
    return out


def source(children: int) -> tuple[list[Any], list[tuple]]:
    from behandlerklient.services.workspace import workspace

    folder = sync_laptops.cached(children, 1)[0]
    work = Path(tempfile.mkdtemp(prefix="bk-bench-apply-"))
    try:
        ws = workspace.unlock(path=sync_laptops.copy(folder, work / "src"), passphrase=sync_laptops.PASSPHRASE)
        try:
            from behandlerklient.services.sync import backlog
            from bench.sync import _pubkey

            backlog.queue(ws)  # what enrolment lists (records from before the outbox), as a real first sync does
            backlog.drain(ws)
            return [(ws.user.username, "therapist", "Bench", _pubkey(ws))], pulled_rows(ws)
        finally:
            ws.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def once(staff: list[Any], records: list[tuple]) -> tuple[float, Any]:
    from behandlerklient.services.sync.pull import Puller
    from behandlerklient.storage.sync_state import SyncRepository

    work = Path(tempfile.mkdtemp(prefix="bk-bench-apply-"))
    try:
        ws = sync_laptops.create(work, staff[0][0], "therapist")
        try:
            with ws.db.transaction():
                SyncRepository(ws.db).enroll({"server_host": "bench", "username": staff[0][0], "password": "-",
                                              "device_uid": ws.db.device_uid})
            start, cpu = time.perf_counter(), time.process_time()
            result = Puller(ws, FakeServer(staff, records), device=ws.db.device_uid).run()
            result.cpu_s = time.process_time() - cpu  # type: ignore[attr-defined]  # all threads' CPU seconds
            return time.perf_counter() - start, result
        finally:
            ws.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    staff, records = source(args.children)
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as prof:
            once(staff, records)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return
    times = []
    for _ in range(args.repeat):
        took, result = once(staff, records)
        times.append(took)
        print(f"{len(records)} records in {took:.2f} s: {len(records) / took / 1000:.2f} records/ms "
              f"(applied {result.received}, known {result.known}, quarantined {result.quarantined}, "
              f"orphans {result.orphans}; {result.cpu_s:.2f} CPU s; load {os.getloadavg()[0]:.1f})", flush=True)
    med = statistics.median(times)
    print(f"median {med:.2f} s, {len(records) / med / 1000:.2f} records/ms")


if __name__ == "__main__":
    main()
