"""GUI start-up: Qt application, translators (Danish by default), database choice, unlock, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication

from behandlerklient import APP_ID, APP_NAME, ORG_NAME, __version__, hardening, paths
from behandlerklient.ui import i18n

log = logging.getLogger(__name__)

DEMO_CHILDREN = 2000


def qt_version() -> str:
    from PySide6 import __version__ as pyside_version

    return f"{qVersion()} (PySide6 {pyside_version})"


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app._translators = i18n.install(app)  # type: ignore[attr-defined]  # Qt does not own them: keep references
    return app


def gui_smoke_test(pdf: Path) -> int:
    """For the frozen program's smoke test: a small demo database, the real main window (offscreen), and a
    journal summary exported through the Dokumenter action. Everything but the PDF lives in the data folder."""
    from behandlerklient.services.demo import demo
    from behandlerklient.services.workspace import workspace
    from behandlerklient.ui import prompts
    from behandlerklient.ui.main_window import MainWindow

    app = create_application()
    path = paths.ensure_private_dir(paths.data_dir() / "smoke") / "smoke.db"
    ws = workspace.create(path=path, username="smoke", full_name="Smoke Test", passphrase="blank-kajak-regnbue-7",
                          role="therapist", title="Psykolog")
    try:
        demo.generate(ws=ws, children_count=20, seed=3)
        window = MainWindow(ws)
        window.show()
        app.processEvents()
        menus = [a.text() for a in window.menuBar().actions()]
        if i18n.language() == "da" and menus[:2] != ["&Filer", "&Barn"]:
            print(f"GUI smoke test: the window is not in Danish (menus {menus}); is the .qm bundled?")
            return 1
        child_id = ws.db.scalar("SELECT child_id FROM courses ORDER BY id LIMIT 1")
        window.select_child(child_id)
        app.processEvents()
        prompts.set_next_path(Path(pdf))
        prompts.set_next_answer(False)
        window.documents.journal_summary()
        window.close()
    finally:
        ws.close()
    ok = Path(pdf).exists()
    shown = "in Danish" if i18n.language() == "da" else f"in the source language ({i18n.language()})"
    print(f"GUI smoke test: window shown {shown}, PDF exported" if ok else "GUI smoke test: no PDF")
    return 0 if ok else 1


def run_gui(*, db_path: Path | None = None, demo: bool = False) -> int:
    from behandlerklient.ui import prompts, single_instance
    from behandlerklient.ui.controller import AppController
    from behandlerklient.ui.errors import install_excepthook

    hardening.disable_core_dumps()  # also when the GUI is started without the CLI's main
    log.info("starting GUI (demo=%s)", demo)
    app = create_application()
    install_excepthook()
    path = paths.demo_database_path() if demo else (db_path or paths.default_database_path())
    paths.ensure_private_dir(path.parent)
    instance = single_instance.acquire(path)
    if instance is None:
        prompts.error(None, APP_NAME, single_instance.already_running())
        return 1
    controller = AppController(path=path, demo=demo, demo_children=DEMO_CHILDREN)
    if not controller.start():
        log.info("start cancelled")
        return 0
    log.info("main window shown")
    return app.exec()
