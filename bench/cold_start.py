"""One cold start, as a user sees it: a fresh process unlocks the database and shows the main window, then
types a few searches and opens a child. Prints JSON; the parent process times it from outside.

"USABLE" is the window shown and answering (the search field takes typing, a child opens); the work list
is read on a worker and fills in after it: "FILLED" marks that, timed as a figure of its own."""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _resident_mb() -> float | None:
    try:
        with open("/proc/self/statm") as statm:  # Linux
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    """This process's own peak. Linux's ru_maxrss also counts the parent's resident size at the fork before
    exec (the bench harness holds a built database: 250+ MB), so VmHWM, which exec resets, is read there."""
    try:
        for line in open("/proc/self/status"):  # noqa: SIM115 - read once at exit
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def wait_filled(app, window, timeout_s: float = 60.0) -> None:  # noqa: ANN001 - QApplication, MainWindow
    """Spin the event loop until the first work list, read on a worker, is on screen."""
    from PySide6.QtCore import QEventLoop

    deadline = time.perf_counter() + timeout_s
    while window.work_queue.loading:
        if time.perf_counter() > deadline:
            raise TimeoutError("the work list was not filled")
        # Idle as the app's event loop is (the worker's result comes through a 15 ms poll timer): spinning here
        # would take the GIL from the worker every few milliseconds and slow the read it waits for.
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def main() -> int:
    db, passphrase, username = sys.argv[1], sys.argv[2], sys.argv[3]
    from pathlib import Path

    from behandlerklient.security import kdf
    from behandlerklient.security import keyfile as kf
    from behandlerklient.services.workspace import workspace

    keys = kf.KeyFile.load(kf.keyfile_path(Path(db)))
    wrap = keys.find(kf.user_wrap_id(username))
    t = time.perf_counter()
    kdf.derive(passphrase, wrap.salt, wrap.kdf_params)  # the deliberate cost, measured on its own
    kdf_s = time.perf_counter() - t
    from behandlerklient.app import create_application
    from behandlerklient.ui.main_window import MainWindow

    app = create_application()
    ws = workspace.unlock(path=Path(db), passphrase=passphrase, username=username)
    window = MainWindow(ws)
    window.show()
    app.processEvents()
    print("USABLE", flush=True)  # the parent stops its clock here
    wait_filled(app, window)
    print("FILLED", flush=True)  # and reads its clock again here
    for text in ("a", "an", "ann", "anna", "s", "sø", "sør"):
        window.search.setText(text)
        window._run_search()
    window.list.selectRow(0)
    app.processEvents()
    # The peak is usually the deliberate KDF's (scrypt n=2^17, r=8 takes 128 MiB while it runs); the resident
    # size after the work shows what the window and the database cache hold.
    peak_mb = _peak_mb()
    resident_mb = _resident_mb()
    print(json.dumps({"kdf_s": kdf_s, "peak_mb": peak_mb, "resident_mb": resident_mb}), flush=True)
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
