"""Screenshots of the supervisor's start screen, a review and the reports dialog on a fresh demo database.

Usage: xvfb-run -s "-screen 0 1400x900x24" python tools/supervisor_screenshots.py OUTDIR
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
out.mkdir(parents=True, exist_ok=True)
tmp = tempfile.mkdtemp(prefix="bk-shots-")
for var in ("DATA", "CONFIG", "LOG"):
    os.environ[f"BEHANDLERKLIENT_{var}_DIR"] = os.path.join(tmp, var.lower())

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from behandlerklient import app as app_module  # noqa: E402
from behandlerklient import paths
from behandlerklient.security import kdf  # noqa: E402
from behandlerklient.services.demo import demo  # noqa: E402
from behandlerklient.services.workspace import workspace  # noqa: E402
from behandlerklient.ui.main_window import MainWindow  # noqa: E402

application = app_module.create_application()
kdf.set_default(kdf.ScryptParams(n=2**12))
path = paths.demo_database_path()
paths.ensure_private_dir(path.parent)
ws = workspace.create(path=path, username="demo", full_name="Demo Behandler", passphrase=demo.DEMO_PASSPHRASE,
                      role="therapist", title="Psykolog", demo=True)
demo.generate(ws=ws, children_count=int(os.environ.get("SHOT_CHILDREN", "600")), seed=1)
demo.enable_demo_logins(ws=ws, passphrase=demo.DEMO_PASSPHRASE)
ws.close()
ws = workspace.unlock(path=path, passphrase=demo.DEMO_PASSPHRASE, username="lhv")
window = MainWindow(ws)
window.show()


def shot(name: str) -> None:
    QApplication.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(out / f"{name}.png"))
    print("saved", out / f"{name}.png")


def step1() -> None:
    shot("10-supervisor-queue")
    tree = window.work_queue.tree
    head = tree.topLevelItem(0)
    window.work_queue.tree.itemActivated.emit(head.child(0), 0)
    QTimer.singleShot(700, step2)


def step2() -> None:
    shot("11-review")
    window.dialog.reject()
    window.pathway.reports()
    QTimer.singleShot(900, step3)


def step3() -> None:
    shot("12-fidelity-overview")
    window.dialog.tabs.setCurrentIndex(1)
    QTimer.singleShot(400, lambda: (shot("13-fidelity-by-track"), QApplication.quit()))


QTimer.singleShot(1200, step1)
application.exec()
