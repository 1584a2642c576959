"""Screenshots of the dialogs that must fit a 1280x720 laptop: the screening form (top, middle, end), the new
child dialog with its CPR hint, the supervisor's review, the signing prompt and the save dialog.

Usage: xvfb-run -a -s "-screen 0 1280x720x24" python tools/dialog_screenshots.py OUTDIR
(Debian: apt-get install xvfb libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1). A small synthetic demo database in a
temporary folder; nothing real is touched.
"""
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "dialog-screenshots")
out.mkdir(parents=True, exist_ok=True)
tmp = Path(tempfile.mkdtemp())
for var in ("DATA", "CONFIG", "LOG"):
    os.environ[f"BEHANDLERKLIENT_{var}_DIR"] = str(tmp / var.lower())
os.environ["XDG_CONFIG_HOME"] = str(tmp / "xdg")  # Qt's remembered dialog sizes: not the user's own

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from behandlerklient import app as app_module
from behandlerklient.security import kdf
from behandlerklient.services.demo import demo
from behandlerklient.services.workspace import workspace
from behandlerklient.ui import prompts
from behandlerklient.ui.main_window import MainWindow

TODAY = date(2026, 11, 23)
application = app_module.create_application()
kdf.set_default(kdf.ScryptParams(n=2**10))
ws = workspace.create(path=tmp / "s.db", username="lhv0", full_name="Louise Hvid", passphrase="supervisor-kode-1",
                      role="supervisor", title="Supervisor")
demo.generate(ws=ws, children_count=60, seed=11, today=TODAY)
w = MainWindow(ws, today=lambda: TODAY)
w.show()

def shot(name):
    QApplication.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(out / f"{name}.png"))
    print("saved", name, flush=True)

def close_dialog():
    if w.dialog is not None:  # what was typed for the picture is thrown away without the discard question
        w.dialog.close_without_asking()
    QApplication.processEvents()

steps = []
def step(fn):
    steps.append(fn)
    return fn

@step
def screening():
    cid = ws.db.scalar("SELECT child_id FROM contacts ORDER BY id LIMIT 1")
    w.select_child(cid)
    w.pathway.open_form("screening")
@step
def screening_shot():
    shot("10-screening")
    from PySide6.QtWidgets import QScrollArea
    sa = w.dialog.findChild(QScrollArea); sa.verticalScrollBar().setValue(sa.verticalScrollBar().maximum() // 2)
    shot("10b-screening-middle")
    sa.verticalScrollBar().setValue(sa.verticalScrollBar().maximum())
    shot("10c-screening-end"); close_dialog()
@step
def new_child():
    w.new_child()
@step
def new_child_shot():
    d = w.dialog
    d.first.setText("Åse"); d.last.setText("Ærenlund"); d.cpr.setText("010316-4005")
    shot("11-new-child"); d.cpr.setText("3102"); shot("11b-new-child-bad-cpr"); close_dialog()
@step
def review():
    rid = ws.db.scalar("SELECT id FROM reviews ORDER BY id LIMIT 1")
    w.pathway.open_review(rid)
@step
def review_shot():
    shot("12-review"); close_dialog()
@step
def passphrase():
    QTimer.singleShot(500, lambda: (shot("13-passphrase"), QApplication.activeModalWidget().reject()))
    prompts.passphrase(w, "Underskriv session 3", "Når sessionen er gemt i journalen, underskrives den med dit navn og tidspunktet og kan ikke ændres bagefter (kun rettes ved en ny, underskrevet tilføjelse).\n\nSkriv din adgangskode for at underskrive:")
@step
def save_file():
    QTimer.singleShot(900, lambda: (shot("14-save-file"), QApplication.activeModalWidget().reject()))
    prompts.save_file(w, "Gem journaludskrift", tmp / "journaludskrift.pdf", "PDF (*.pdf)")

def run_next():
    if steps:
        steps.pop(0)()
        QTimer.singleShot(700, run_next)
    else:
        QApplication.quit()
QTimer.singleShot(1000, run_next)
application.exec()
ws.close()
