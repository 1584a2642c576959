"""Screenshots of the SDQ dialog and the child view's SDQ tab at 1280x720, and the journal summary PDF's SDQ page.

Usage: xvfb-run -a -s "-screen 0 1280x720x24" python tools/sdq_screenshots.py OUTDIR
A small synthetic demo database in a temporary folder; nothing real is touched.
"""
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "sdq-screenshots")
out.mkdir(parents=True, exist_ok=True)
tmp = Path(tempfile.mkdtemp())
for var in ("DATA", "CONFIG", "LOG"):
    os.environ[f"BEHANDLERKLIENT_{var}_DIR"] = str(tmp / var.lower())
os.environ["XDG_CONFIG_HOME"] = str(tmp / "xdg")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from behandlerklient import app as app_module  # noqa: E402
from behandlerklient.security import kdf  # noqa: E402
from behandlerklient.services.demo import demo  # noqa: E402
from behandlerklient.services.documents import documents  # noqa: E402
from behandlerklient.services.workspace import workspace  # noqa: E402
from behandlerklient.ui.main_window import MainWindow  # noqa: E402

TODAY = date(2026, 11, 23)
application = app_module.create_application()
kdf.set_default(kdf.ScryptParams(n=2**10))
ws = workspace.create(path=tmp / "s.db", username="bh", full_name="Birthe Hansen", passphrase="behandler-kode-1",
                      role="therapist", title="Psykolog")
demo.generate(ws=ws, children_count=60, seed=11, today=TODAY)
# The child with the most SDQ forms, self-report among them: the chart has more than one line.
child_id = ws.db.scalar("SELECT child_id FROM sdq_responses GROUP BY child_id "
                        "ORDER BY sum(informant = 'self') > 0 DESC, count(*) DESC LIMIT 1")
(out / "journal-summary.pdf").write_bytes(documents.journal_summary_pdf(ws=ws, child_id=child_id, on=TODAY))
w = MainWindow(ws, today=lambda: TODAY)
w.showMaximized()


def shot(name):
    QApplication.processEvents()
    QApplication.primaryScreen().grabWindow(0).save(str(out / f"{name}.png"))
    print("saved", name, flush=True)


steps = [
    lambda: w.select_child(child_id),
    lambda: w.child_view.tabs.setCurrentWidget(w.child_view.sdq),
    lambda: shot("20-child-sdq-tab"),
    lambda: w.pathway.actions["sdq"].trigger(),
    lambda: [box.setCurrentIndex(box.findData((n * 7) % 3)) for n, box in enumerate(w.dialog.items, start=1)]
    + [w.dialog.impact[0].setCurrentIndex(w.dialog.impact[0].findData(2))],
    lambda: shot("21-sdq-dialog"),
    lambda: w.dialog.close_without_asking(),
]


def run_next():
    if steps:
        steps.pop(0)()
        QTimer.singleShot(600, run_next)
    else:
        QApplication.quit()


QTimer.singleShot(1000, run_next)
application.exec()
ws.close()
