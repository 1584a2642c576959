"""Benchmark: `verify`'s median wall and CPU time (issue 12: under 30 s for a 10,000-child database).

Run: python -m bench.verify --db PATH [--runs 3] [--passphrase benchmark-kode]
 or: python -m bench.verify --children 200 [--runs 3]      (builds a synthetic demo database first)
PATH is copied first (an older schema is upgraded on the copy; the original is never changed). CPU time counts
both threads (the page checks run on a second connection beside the signature checks), so CPU above wall
means both cores worked. The load average is printed with the figures: on a shared machine compare runs of
the same moment, old code against new.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from behandlerklient.security import kdf, keyfile
from behandlerklient.services.demo import demo
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace

PASSPHRASE = "benchmark-kode"
TARGET_S = 30.0


@contextlib.contextmanager
def _workspace(source: Path | None, children: int, passphrase: str) -> Iterator[workspace.Workspace]:
    with tempfile.TemporaryDirectory(prefix="bk-bench-verify-") as tmp:
        path = Path(tmp) / "verify.db"
        if source is not None:
            shutil.copy2(source, path)
            shutil.copy2(keyfile.keyfile_path(source), keyfile.keyfile_path(path))
            ws = workspace.unlock(path=path, passphrase=passphrase)
        else:
            kdf.set_default(kdf.ScryptParams(n=2**10))
            ws = workspace.create(path=path, username="leder", full_name="Lea Leder", passphrase=passphrase,
                                  role="admin")
            demo.generate(ws=ws, children_count=children, seed=7, today=date(2026, 11, 23))
        try:
            yield ws
        finally:
            ws.close()


def run(*, source: Path | None = None, children: int = 200, runs: int = 3, passphrase: str = PASSPHRASE) -> dict:
    walls: list[float] = []
    cpus: list[float] = []
    loads: list[float] = []
    with _workspace(source, children, passphrase) as ws:
        count = ws.db.scalar("SELECT count(*) FROM children")
        for _ in range(runs):
            w, c = time.perf_counter(), time.process_time()
            checks = integrity.verify(ws=ws)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            loads.append(os.getloadavg()[0])
    return {"children": count, "runs": runs, "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus),
            "load": statistics.median(loads), "checks": [c.name for c in checks],
            "failed": [c for c in checks if not c.ok]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing database (copied first)")
    parser.add_argument("--children", type=int, default=200, help="without --db: build this many demo children")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--passphrase", default=PASSPHRASE)
    args = parser.parse_args()
    r = run(source=args.db, children=args.children, runs=args.runs, passphrase=args.passphrase)
    print(f"load average {r['load']:.1f} on {os.cpu_count()} cores (median over the runs)")
    print(f"verify of {r['children']} children, median of {r['runs']}: {r['wall_s']:.1f} s wall, "
          f"{r['cpu_s']:.1f} s CPU ({'all OK' if not r['failed'] else 'FAILED'})")
    print(f"checks: {', '.join(r['checks'])}")
    for check in r["failed"]:
        print(f"  {check.name}: {check.detail}")
    ok = not r["failed"] and (r["children"] < 10_000 or r["wall_s"] < TARGET_S)
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
