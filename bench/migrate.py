"""Benchmark: upgrading a big database to the newest schema, then `verify` on the result (issue 13: verify must
pass on a migrated 10,000-child database, and take under 30 s).

Run: python -m bench.migrate --db PATH [--passphrase benchmark-kode]
PATH is a database at an older schema, e.g. one kept by `python -m bench.signatures --db PATH` with an older
checkout (synthetic demo children). It is copied first: the original is never changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from behandlerklient.security import keyfile
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.migrate import latest_version


def run(source: Path, passphrase: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as tmp:
        path = Path(tmp) / "migrated.db"
        shutil.copy2(source, path)
        shutil.copy2(keyfile.keyfile_path(source), keyfile.keyfile_path(path))
        w, c = time.perf_counter(), time.process_time()
        ws = workspace.unlock(path=path, passphrase=passphrase)  # migrates
        migrate_wall, migrate_cpu = time.perf_counter() - w, time.process_time() - c
        try:
            children = ws.db.scalar("SELECT count(*) FROM children")
            w, c = time.perf_counter(), time.process_time()
            checks = integrity.verify(ws=ws)
            verify_wall, verify_cpu = time.perf_counter() - w, time.process_time() - c
            version = ws.db.user_version
        finally:
            ws.close()
    return {"children": children, "version": version, "migrate_s": migrate_wall, "migrate_cpu_s": migrate_cpu,
            "verify_s": verify_wall, "verify_cpu_s": verify_cpu, "failed": [c for c in checks if not c.ok]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--passphrase", default="benchmark-kode")
    args = parser.parse_args()
    r = run(args.db, args.passphrase)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{r['children']} children upgraded to schema {r['version']} (newest {latest_version()}) in "
          f"{r['migrate_s']:.1f} s wall, {r['migrate_cpu_s']:.1f} s CPU (includes unlock)")
    print(f"verify afterwards        {r['verify_s']:7.1f} s wall, {r['verify_cpu_s']:.1f} s CPU "
          f"({'all OK' if not r['failed'] else 'FAILED'})")
    for check in r["failed"]:
        print(f"  {check.name}: {check.detail}")
    ok = not r["failed"] and r["version"] == latest_version() and (r["children"] < 10_000 or r["verify_s"] < 30)
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
