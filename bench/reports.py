"""Benchmark: the activity report for a year of a 10,000-child database (target: under 2 s).

Run: python -m bench.reports [--children 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from behandlerklient.security import kdf
from behandlerklient.services.demo import demo
from behandlerklient.services.reports import reports
from behandlerklient.services.workspace import workspace


def run(children: int, repeat: int) -> dict:
    kdf.set_default(kdf.ScryptParams(n=2**10))
    today = date(2026, 11, 23)
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as tmp:
        ws = workspace.create(path=Path(tmp) / "bench.db", username="leder", full_name="Lea Leder",
                              passphrase="benchmark-kode", role="admin")
        try:
            t = time.perf_counter()
            demo.generate(ws=ws, children_count=children, seed=7, today=today)
            build_s = time.perf_counter() - t
            start, end = today - timedelta(days=365), today
            timings: dict[str, list[float]] = {"activity_json": [], "activity_pdf": [], "activity_csv": [],
                                               "fidelity_json": []}
            for _ in range(repeat):
                for key in timings:
                    kind, fmt = key.split("_")
                    t = time.perf_counter()
                    reports.render(ws=ws, kind=kind, fmt=fmt, start=start, end=end)
                    timings[key].append(time.perf_counter() - t)
            size = (Path(tmp) / "bench.db").stat().st_size
        finally:
            ws.close()
    return {"children": children, "build_s": build_s, "db_mb": size / 1e6,
            **{k: statistics.median(v) for k, v in timings.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    r = run(args.children, args.repeat)
    print(f"{r['children']} children, demo database {r['db_mb']:.0f} MB built in {r['build_s']:.1f} s")
    for key in ("activity_json", "activity_pdf", "activity_csv", "fidelity_json"):
        print(f"{key:16} median {r[key] * 1000:7.0f} ms")
    ok = r["activity_json"] < 2.0
    print("OK: under 2 s" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
