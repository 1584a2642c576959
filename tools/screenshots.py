"""Drive the real GUI on a (virtual) X display and save screenshots of the main screens.

Usage: xvfb-run -s "-screen 0 1400x900x24" python tools/screenshots.py OUTDIR
Uses a fresh demo database in a temporary data folder; nothing real is touched.
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
from behandlerklient.services.demo.demo import DEMO_PASSPHRASE  # noqa: E402
from behandlerklient.ui import controller as controller_module  # noqa: E402


def shot(name: str) -> None:
    QApplication.processEvents()
    screen = QApplication.primaryScreen()
    screen.grabWindow(0).save(str(out / f"{name}.png"))
    print("saved", out / f"{name}.png")


def find(name: str):
    for w in QApplication.topLevelWidgets():
        if w.objectName() == name and w.isVisible():
            return w
    return None


steps = []


def step(fn):
    steps.append(fn)
    return fn


def run_next() -> None:
    if steps and steps[0] is unlock_dialog and find("unlockDialog") is None:
        QTimer.singleShot(300, run_next)  # the demo database is still being created
        return
    if steps:
        fn = steps.pop(0)
        fn()
        QTimer.singleShot(1200, run_next)
    else:
        QApplication.quit()


@step
def unlock_dialog():
    dlg = find("unlockDialog")
    shot("01-unlock")
    dlg.passphrase.setText(DEMO_PASSPHRASE)
    dlg.ok_button.click()


@step
def main_window():
    shot("02-work-queue")
    w = find("mainWindow")
    w.search.setText("søre")


@step
def searched():
    w = find("mainWindow")
    for row in range(w.model.rowCount()):  # a child with an active course, for the editor shots
        w.list.selectRow(row)
        if w.child_view.new_session_button.isEnabled():
            break
    shot("03-search")
    w.child_view.tabs.setCurrentIndex(1)
    QApplication.processEvents()
    shot("03b-timeline")
    w.child_view.tabs.setCurrentIndex(2)
    QApplication.processEvents()
    shot("03c-journal")
    w.child_view.tabs.setCurrentIndex(3)
    QApplication.processEvents()
    shot("03d-consent")
    w.child_view.tabs.setCurrentIndex(0)


@step
def session_editor():
    w = find("mainWindow")
    w.new_session()
    QTimer.singleShot(600, lambda: (shot("04-session-editor"), w.editor.reject()))


@step
def new_course():
    w = find("mainWindow")
    w.new_course()
    QTimer.singleShot(600, lambda: (shot("05-new-course"), w.dialog.reject()))


@step
def new_child():
    w = find("mainWindow")

    def fill():
        d = w.dialog
        d.first.setText("Åse")
        d.last.setText("Ærenlund")
        d.cpr.setText("010316-4005")
        shot("06-new-child")
        d.reject()

    w.new_child()
    QTimer.singleShot(600, fill)


application = app_module.create_application()
QTimer.singleShot(1500, run_next)
controller = controller_module.AppController(path=app_module.paths.demo_database_path(), demo=True,
                                             demo_children=int(os.environ.get("SHOT_CHILDREN", "300")))
if controller.start():
    application.exec()
