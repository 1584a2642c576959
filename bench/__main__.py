"""Benchmark harness: python -m bench [--sizes 200,2000,10000] [--repeat 5] [--json bench/out/results.json]

Builds demo databases (about 10 sessions per course, whole pathway), then measures unlock, cold start to a
usable window, search per keystroke, opening a child, saving and signing, the 60-session journal PDF,
the year's activity report and peak memory, export-json and import at 2,000 children and more
(bench/transfer.py), and the same store queries on an unencrypted copy made in the
same run; then the first `--demo` start (bench/demo_start.py). Figures are medians; ratios come from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlcipher3  # noqa: E402  (the harness opens the plain copy with the same engine; the app never does)

from behandlerklient.security import kdf  # noqa: E402
from behandlerklient.security import keyfile as kf  # noqa: E402
from behandlerklient.services.demo import demo  # noqa: E402
from behandlerklient.services.journal import sessions  # noqa: E402
from behandlerklient.services.overview import child_record  # noqa: E402
from behandlerklient.services.registration import children  # noqa: E402
from behandlerklient.services.reports import reports  # noqa: E402
from behandlerklient.services.workspace import workspace  # noqa: E402
from behandlerklient.storage.database import CONNECTION_PRAGMAS, Database  # noqa: E402

PASSPHRASE = "benchmark-adgangskode"
TODAY = date(2026, 11, 23)
QUERIES = ["a", "an", "ann", "anna", "s", "sø", "sør", "søre", "m", "ma", "mat", "math", "e", "em", "emi", "emil",
           "0", "01", "010", "0103", "h", "ha", "han", "hans", "k", "kr", "kri", "kris"]
# A pass costs milliseconds: enough of them that one noisy pass cannot move the median.
SEARCH_PASSES = 20
TARGETS = {"usable_window_s": 1.0, "search_p95_ms": 30, "search_p95_first_pass_ms": 30, "open_child_ms": 100,
           "open_child_first_ms": 100, "save_ms": 50, "sign_ms": 50, "demo_to_unlock_dialog_s": 5.0,
           "journal_pdf_s": 1.0, "activity_report_s": 2.0, "encryption_ratio": 1.3, "peak_mb": 300,
           # Not a target of the issue: the rule that work over 100 ms leaves the UI thread.
           "refresh_after_change_ms": 100, "work_list_shown_ms": 100}


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def build(folder: Path, n: int) -> Path:
    kdf.set_default(kdf.ScryptParams(n=2**10))
    path = folder / f"bench-{n}.db"
    ws = workspace.create(path=path, username="bench", full_name="Bente Bench", passphrase=PASSPHRASE,
                          role="therapist", title="Psykolog")
    demo.generate(ws=ws, children_count=n, seed=11, today=TODAY)
    # The production KDF for the unlock figures (the demo was built with a cheap one).
    data_key = ws.keys.unwrap(kf.user_wrap_id("bench"), PASSPHRASE)
    ws.keys.add_wrap(kf.user_wrap_id("bench"), PASSPHRASE, data_key, kdf.ScryptParams(n=2**17))
    ws.keys.save(kf.keyfile_path(path))
    ws.close()
    return path


def _built(folder: Path, n: int, cache: Path | None) -> Path:
    """A fresh build in `folder`, or a copy of the one kept in `cache` (built there first if missing). A kept build
    of an older schema is upgraded on the copy before it is measured, so no figure includes a migration."""
    if cache is None:
        return build(folder, n)
    from behandlerklient.storage.migrate import latest_version

    kept = [p for v in range(latest_version(), 0, -1) if (p := cache / f"schema-{v}" / f"bench-{n}.db").exists()
            and kf.keyfile_path(p).exists()]
    if not kept:
        (cache / f"schema-{latest_version()}").mkdir(parents=True, exist_ok=True)
        kept = [build(cache / f"schema-{latest_version()}", n)]
    path = folder / kept[0].name
    shutil.copyfile(kept[0], path)
    shutil.copyfile(kf.keyfile_path(kept[0]), kf.keyfile_path(path))
    if kept[0].parent.name != f"schema-{latest_version()}":
        workspace.unlock(path=path, passphrase=PASSPHRASE, username="bench").close()  # upgrades the copy
    return path


def plain_copy(ws: workspace.Workspace, folder: Path) -> Path:
    """An unencrypted copy of synthetic data, for the overhead ratio only; deleted with the temp folder."""
    target = folder / f"plain-{ws.path.stem}.db"
    ws.db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
    ws.db.query("SELECT sqlcipher_export('plain')")
    ws.db.execute(f"PRAGMA plain.user_version = {ws.db.user_version}")
    ws.db.execute("DETACH DATABASE plain")
    return target


def store_queries(ws: workspace.Workspace, ids: list[int]) -> float:
    """The store work of a typing burst and of opening children: the same calls on either database."""
    t = time.perf_counter()
    for q in QUERIES:
        children.search(ws=ws, text=q)
    for cid in ids:
        children.overview(ws=ws, child_id=cid, log_view=False)
        child_record.details(ws=ws, child_id=cid, on=TODAY)
    return time.perf_counter() - t


def measure(path: Path, folder: Path, repeat: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from behandlerklient.ui.models.child_list_model import ChildListModel

    out: dict = {}
    keys = kf.KeyFile.load(kf.keyfile_path(path))
    wrap = keys.find(kf.user_wrap_id("bench"))
    kdf_t, open_t = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        data_key = keys.unwrap(kf.user_wrap_id("bench"), PASSPHRASE)
        kdf_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        w = workspace.open_with_key(path=path, key=data_key, username="bench", keys=keys)
        open_t.append(time.perf_counter() - t)
        w.close()
    out["kdf_s"], out["open_s"] = _median(kdf_t), _median(open_t)
    assert wrap.kdf_params.n == 2**17

    usable, filled, peaks, resident, cold_kdf = [], [], [], [], []
    # An installed program starts from compiled bytecode (pip and PyInstaller compile it). Compiling every module
    # at every start (PYTHONDONTWRITEBYTECODE, as some shells set) is not what a user waits for: the cold starts
    # get a bytecode cache in the bench's temp folder (never in the repository), filled by one unmeasured start.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    for n in range(repeat + 1):
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "bench.cold_start", str(path), PASSPHRASE, "bench"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        line = proc.stdout.readline()
        shown = time.perf_counter() - t
        line_filled = proc.stdout.readline()
        shown_filled = time.perf_counter() - t
        info = json.loads(proc.stdout.readline())
        proc.wait(timeout=120)
        assert line.strip() == "USABLE" and line_filled.strip() == "FILLED"
        if n == 0:
            continue  # the start that compiled the bytecode
        cold_kdf.append(info["kdf_s"])
        usable.append(shown - 2 * info["kdf_s"])  # the KDF ran twice in that process: once timed, once to unlock
        filled.append(shown_filled - 2 * info["kdf_s"])
        peaks.append(info["peak_mb"])
        resident.append(info["resident_mb"] or 0.0)
    out["usable_window_s"], out["peak_mb"], out["resident_mb"] = _median(usable), max(peaks), max(resident)
    out["work_list_filled_s"] = _median(filled)  # read on a worker after the window is usable

    ws = workspace.open_with_key(path=path, key=keys.unwrap(kf.user_wrap_id("bench"), PASSPHRASE), username="bench",
                                 keys=keys)
    try:
        app = QApplication.instance() or QApplication([])
        model = ChildListModel(search=lambda text, offset, limit: children.search(ws=ws, text=text, offset=offset,
                                                                                   limit=limit),
                               page=lambda o, lim: children.page(ws=ws, offset=o, limit=lim),
                               total=lambda: children.count(ws=ws))
        passes = []  # one pass types every query; p50/p95 per pass, then the median over passes
        for _ in range(max(repeat, SEARCH_PASSES)):
            per_key = []
            for q in QUERIES:
                t = time.perf_counter()
                model.set_query(q)
                model.data(model.index(0, 0))
                per_key.append((time.perf_counter() - t) * 1000)
            passes.append(per_key)
        out["search_p50_ms"] = _median([_median(p) for p in passes])
        out["search_p95_ms"] = _median([_p95(p) for p in passes])
        out["search_p95_first_pass_ms"] = _p95(passes[0])  # just opened: pages not yet in the cache
        rng = random.Random(3)
        all_ids = [r[0] for r in ws.db.query("SELECT id FROM children")]
        ids = rng.sample(all_ids, min(30, len(all_ids)))
        def open_child(cid: int) -> float:
            t = time.perf_counter()
            children.overview(ws=ws, child_id=cid)
            child_record.details(ws=ws, child_id=cid, on=TODAY)
            return (time.perf_counter() - t) * 1000

        # A child's first opening reads its pages from disk (decrypting them); at 10,000 children they are
        # spread over more pages than at 200, where earlier work has cached the whole file. Reported apart,
        # like the search's first pass; the growth rule reads the repeated figure.
        first_opens = [open_child(cid) for cid in ids]
        opens = [_median([open_child(cid) for _ in range(repeat)]) for cid in ids]
        out["open_child_ms"], out["open_child_first_ms"] = _median(opens), _median(first_opens)
        # What the window redraws after every save or signing: the child's view on screen (the work list behind it
        # is marked stale and read again when it is shown: the next figure).
        from behandlerklient.services.changes import Changes
        from behandlerklient.ui.main_window import MainWindow
        from bench.cold_start import wait_filled

        window = MainWindow(ws, today=lambda: TODAY)
        wait_filled(app, window)  # the first list is read on a worker: measured from when it is there
        window.select_child(ids[0])
        refreshes = []
        for _ in range(repeat):
            t = time.perf_counter()
            window.apply_changes(Changes(journal=True, child_id=ids[0]))
            app.processEvents()
            refreshes.append((time.perf_counter() - t) * 1000)
        out["refresh_after_change_ms"] = _median(refreshes)
        shown = []
        for _ in range(repeat):  # back to the work list after a change: the list is read again and drawn
            window.apply_changes(Changes(journal=True, child_id=ids[0]))
            t = time.perf_counter()
            window.show_queue()
            app.processEvents()
            shown.append((time.perf_counter() - t) * 1000)
            window.select_child(ids[0])
        out["work_list_shown_ms"] = _median(shown)
        out["work_queue_tasks"] = len(window.work_queue.tasks)
        window.close()
        del window
        course_id = ws.db.scalar("SELECT id FROM courses WHERE status = 'active' AND track_id = 'individuelt' LIMIT 1") \
            or ws.db.scalar("SELECT id FROM courses WHERE status = 'active' LIMIT 1")
        saves, signs = [], []
        for i in range(40):  # each ends in an fsync: enough of them that the disk's moods average out
            s, _ = sessions.start_session(ws=ws, course_id=course_id, on=TODAY + timedelta(days=i), reason="bench")
            s.parts.exercise = "Benchmark-øvelse " * 20
            t = time.perf_counter()
            sessions.save_draft(ws=ws, session=s)
            saves.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            sessions.finish_confirmed(ws=ws, session=s)
            signs.append((time.perf_counter() - t) * 1000)
        out["save_ms"], out["sign_ms"] = _median(saves), _median(signs)
        report_t = []
        for _ in range(repeat):
            t = time.perf_counter()
            reports.activity_data(ws=ws, start=TODAY - timedelta(days=365), end=TODAY)
            report_t.append(time.perf_counter() - t)
        out["activity_report_s"] = _median(report_t)
        plain = plain_copy(ws, folder)
        # The plain copy is opened by the same SQLCipher build without a key (the same SQLite version and
        # planner) and with the encrypted connection's pragmas (database.py): the ratio is the cipher alone.
        # Runs alternate between the two so that machine drift hits both alike.
        conn = sqlcipher3.connect(str(plain), isolation_level=None)
        for pragma in CONNECTION_PRAGMAS:
            conn.execute(f"PRAGMA {pragma}").fetchall()
        conn.row_factory = sqlcipher3.Row
        plain_ws = workspace.Workspace(db=Database(conn, plain), user=ws.user, keys=ws.keys, catalogue=ws.catalogue)
        enc_t, plain_t = [], []
        for _ in range(repeat):
            enc_t.append(store_queries(ws, ids[:10]))
            plain_t.append(store_queries(plain_ws, ids[:10]))
        conn.close()
        out["encrypted_queries_s"], out["plain_queries_s"] = _median(enc_t), _median(plain_t)
        out["encryption_ratio"] = out["encrypted_queries_s"] / out["plain_queries_s"]
        del app
    finally:
        ws.close()
    out["db_mb"] = path.stat().st_size / 1e6
    out["children"] = int(path.stem.split("-")[1])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Behandlerklient benchmarks")
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=Path("bench/out/results.json"))
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: one database, fresh process
    parser.add_argument("--cache", type=Path, help="keep the built databases in this folder and measure copies of "
                        "them in later runs (a 10,000-child build takes minutes; keyed by size and schema)")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.measure.parent, args.repeat)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {"machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python "
                          f"{platform.python_version()}", "runs": []}
    with tempfile.TemporaryDirectory(prefix="bk-bench-") as tmp:
        for n in sizes:
            t = time.perf_counter()
            path = _built(Path(tmp), n, args.cache)
            built = time.perf_counter() - t
            # Measured in a fresh process, so the figures carry nothing of the build (heap, caches).
            proc = subprocess.run([sys.executable, "-m", "bench", "--measure", str(path), "--repeat",
                                   str(args.repeat)], capture_output=True, text=True, check=True,
                                  env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["build_s"] = built
            if n >= 2000:  # the real export-json and import of the same database, a process each (bench/transfer.py)
                from bench import transfer as transfer_bench

                r["transfer"] = transfer_bench.measure(path, Path(tmp))
            results["runs"].append(r)
            print(f"built and measured {n} children", file=sys.stderr)
    from bench.demo_start import run as demo_start_run
    from bench.documents import run as documents_run

    results["journal_pdf_s"] = documents_run(args.repeat)["journal_pdf_60_sessions_s"]["median"]
    # Once, not repeated: each run builds the 2,000-child demo database from nothing.
    results["demo_first_start"] = demo_start_run(2000)
    rows = [("unlock: KDF (deliberate)", "kdf_s", "s"), ("unlock: open database", "open_s", "s"),
            ("cold start to usable window (excl. KDF)", "usable_window_s", "s"),
            ("  work list filled in (worker, excl. KDF)", "work_list_filled_s", "s"),
            ("search p50 per keystroke", "search_p50_ms", "ms"),
            ("search p95 per keystroke", "search_p95_ms", "ms"),
            ("search p95, first pass after opening", "search_p95_first_pass_ms", "ms"), ("open child", "open_child_ms", "ms"),
            ("open child, first time since start", "open_child_first_ms", "ms"),
            ("save draft", "save_ms", "ms"), ("sign session", "sign_ms", "ms"),
            ("window refresh after a change", "refresh_after_change_ms", "ms"),
            ("work list shown again after a change", "work_list_shown_ms", "ms"),
            ("  (tasks in the bench user's work queue)", "work_queue_tasks", ""),
            ("activity report, one year", "activity_report_s", "s"),
            ("encrypted / plain store queries", "encryption_ratio", "x"), ("peak memory (window + work)", "peak_mb", "MB"),
            ("resident after the work", "resident_mb", "MB"),
            ("database size", "db_mb", "MB")]
    header = f"{'measure':42}" + "".join(f"{r['children']:>12,}".replace(",", ".") for r in results["runs"]) + "   target"
    print(results["machine"])
    print(header)
    for label, key, unit in rows:
        cells = "".join(f"{r[key]:>10.3g} {unit:2}" for r in results["runs"])
        target = TARGETS.get(key)
        print(f"{label:42}{cells}   {'' if target is None else f'<= {target} {unit}'}")
    print(f"{'journal PDF, 60 sessions':42}{results['journal_pdf_s']:>10.3g} s    <= 1.0 s")
    demo_start = results["demo_first_start"]
    print(f"{'demo database, 2.000 children, first start':42}{demo_start['to_unlock_dialog_s']:>10.3g} s    "
          f"<= {TARGETS['demo_to_unlock_dialog_s']} s to the unlock dialog")
    print(f"{'  (passphrase typed at once: main window)':42}{demo_start['to_main_window_s']:>10.3g} s")
    print(f"{'  building its 2.000 children':42}{demo_start['build_s']:>10.3g} s    "
          f"<= {demo_start['build_target_s']} s (worker CPU {demo_start['build_cpu_s']:.3g} s, "
          f"load average {demo_start['load_avg']})")
    transfers = [r["transfer"] for r in results["runs"] if "transfer" in r]
    transfer_ok = True
    if transfers:
        from bench import transfer as transfer_bench

        transfer_ok = transfer_bench.report(transfers)
    first, last = results["runs"][0], results["runs"][-1]
    growth = {k: last[k] / first[k] for k in ("search_p95_ms", "open_child_ms", "save_ms", "sign_ms",
                                              "usable_window_s") if first[k]}
    # Shown, not judged: first touches of pages (see measure()).
    first_touch = {k: last[k] / first[k] for k in ("search_p95_first_pass_ms", "open_child_first_ms") if first[k]}
    results["growth_first_touch"] = first_touch
    results["growth_largest_vs_smallest"] = growth
    print("growth largest/smallest: " + ", ".join(f"{k} {v:.2f}x" for k, v in growth.items()))
    print("first touch, largest/smallest (cache, not algorithm): "
          + ", ".join(f"{k} {v:.2f}x" for k, v in first_touch.items()))
    failed = [k for k, t in TARGETS.items() if k in last and last[k] > t] + \
        (["demo_to_unlock_dialog_s"] if demo_start["to_unlock_dialog_s"] > TARGETS["demo_to_unlock_dialog_s"] else []) + \
        (["demo_build_s"] if demo_start["build_s"] > demo_start["build_target_s"] else []) + \
        (["journal_pdf_s"] if results["journal_pdf_s"] > 1.0 else []) + [k for k, v in growth.items() if v > 2.0] + \
        ([] if transfer_ok else ["transfer_peak_mb"])
    results["over_target"] = failed
    print("all targets met" if not failed else f"over target: {', '.join(failed)}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
