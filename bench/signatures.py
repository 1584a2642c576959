"""Benchmark: what Ed25519 signatures cost (targets: under 5 ms added to a signing; `verify` of a
10,000-child database under 30 s).

Run: python -m bench.signatures [--children 10000] [--signings 50] [--db PATH]
Wall time and CPU time are both printed: on a shared machine the CPU time is the steadier figure, and
the load average is printed with them. `--db` keeps the built database (synthetic demo children, user
`leder`, passphrase `benchmark-kode`) and reuses it on the next run: building 10,000 children takes minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from behandlerklient.security import kdf
from behandlerklient.services.accounts.signing import Confirmation
from behandlerklient.services.demo import demo
from behandlerklient.services.journal import sessions
from behandlerklient.services.signatures import seal
from behandlerklient.services.verify import integrity, signature_check
from behandlerklient.services.workspace import workspace


def _timed(fn, spent: list[float]):  # noqa: ANN001, ANN202
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t)
    return wrapper


def signing_cost(ws: workspace.Workspace, count: int) -> dict:
    """Sign `count` sessions through the real service; time the whole signing and the part spent sealing."""
    course_id = ws.db.scalar("SELECT id FROM courses WHERE status = 'active' ORDER BY id LIMIT 1") \
        or ws.db.scalar("SELECT id FROM courses ORDER BY id LIMIT 1")
    sealing: list[float] = []
    total: list[float] = []
    per_signing: list[float] = []
    real = seal.flush
    seal.flush = _timed(real, sealing)
    try:
        for i in range(count):
            s, _ = sessions.start_session(ws=ws, course_id=course_id, on=date(2026, 11, 23), reason="benchmark")
            s.parts.agenda = f"Dagsorden {i}"
            before = len(sealing)
            t = time.perf_counter()
            sessions.finish_session(ws=ws, session=s, passphrase=Confirmation(ws.user.username))
            total.append(time.perf_counter() - t)
            per_signing.append(sum(sealing[before:]))  # the explicit seal, and the commit hook's if it ran
    finally:
        seal.flush = real
    return {"sign_ms": statistics.median(total) * 1000, "seal_ms": statistics.median(per_signing) * 1000,
            "seal_p95_ms": sorted(per_signing)[int(len(per_signing) * 0.95) - 1] * 1000}


PASSPHRASE = "benchmark-kode"


@contextlib.contextmanager
def _database(children: int, keep: Path | None):  # noqa: ANN202
    """(workspace, build seconds or None when reused)."""
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as tmp:
        path = keep or Path(tmp) / "bench.db"
        if keep is not None and keep.exists():
            ws, build_s = workspace.unlock(path=keep, passphrase=PASSPHRASE), None
        else:
            ws = workspace.create(path=path, username="leder", full_name="Lea Leder",
                                  passphrase=PASSPHRASE, role="admin")
            t = time.perf_counter()
            demo.generate(ws=ws, children_count=children, seed=7, today=date(2026, 11, 23))
            build_s = time.perf_counter() - t
        try:
            yield ws, build_s
        finally:
            ws.close()


def run(children: int, signings: int, keep: Path | None = None) -> dict:
    kdf.set_default(kdf.ScryptParams(n=2**10))
    with _database(children, keep) as (ws, build_s):
        children = ws.db.scalar("SELECT count(*) FROM children")
        signing = signing_cost(ws, signings)
        counts = {t: ws.db.scalar(f"SELECT count(*) FROM {t}")
                  for t in ("seals", "record_signatures", "audit_signatures", "audit_log")}
        w, c = time.perf_counter(), time.process_time()
        report = signature_check.check(ws.db)
        sig_wall, sig_cpu = time.perf_counter() - w, time.process_time() - c
        w, c = time.perf_counter(), time.process_time()
        checks = integrity.verify(ws=ws)
        verify_wall, verify_cpu = time.perf_counter() - w, time.process_time() - c
    return {"children": children, "build_s": build_s, **signing, **counts,
            "signatures_ok": not (report.bad_keys or report.bad_records or report.bad_audit),
            "verify_ok": all(ch.ok for ch in checks),
            "sigcheck_s": sig_wall, "sigcheck_cpu_s": sig_cpu, "verify_s": verify_wall, "verify_cpu_s": verify_cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--signings", type=int, default=50)
    parser.add_argument("--db", type=Path, help="keep the built database here and reuse it next time")
    args = parser.parse_args()
    r = run(args.children, args.signings, args.db)
    built = "reused" if r["build_s"] is None else f"demo built in {r['build_s']:.0f} s"
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{r['children']} children ({built}): {r['seals']} seals over "
          f"{r['record_signatures']} signed records and {r['audit_signatures']} of {r['audit_log']} audit rows")
    print(f"signing a session      median {r['sign_ms']:7.1f} ms, of which sealing {r['seal_ms']:.2f} ms "
          f"(p95 {r['seal_p95_ms']:.2f} ms)")
    print(f"signature checks       {r['sigcheck_s']:7.1f} s wall, {r['sigcheck_cpu_s']:.1f} s CPU")
    print(f"whole verify           {r['verify_s']:7.1f} s wall, {r['verify_cpu_s']:.1f} s CPU "
          f"({'all OK' if r['verify_ok'] else 'FAILED'})")
    ok = r["seal_ms"] < 5 and r["verify_ok"] and (r["children"] < 10_000 or r["verify_s"] < 30)
    if r["children"] < 10_000:
        scale = 10_000 / r["children"]
        print(f"extrapolated to 10,000 children (linear): verify about {r['verify_s'] * scale:.0f} s wall, "
              f"{r['verify_cpu_s'] * scale:.0f} s CPU")
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
