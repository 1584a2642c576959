"""GUI start-up: Qt application, Danish translators, database choice, unlock, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator, qVersion
from PySide6.QtWidgets import QApplication

from behandlerklient import APP_ID, APP_NAME, ORG_NAME, __version__, paths

log = logging.getLogger(__name__)

DEMO_CHILDREN = 2000


def qt_version() -> str:
    from PySide6 import __version__ as pyside_version

    return f"{qVersion()} (PySide6 {pyside_version})"


def install_translators(app: QApplication) -> list[QTranslator]:
    """Qt's own Danish strings for standard buttons and dialogs; installed before any widget exists."""
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    kept = []
    for folder in (paths.resources_dir() / "translations", Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))):
        t = QTranslator(app)
        if t.load("qtbase_da", str(folder)):
            app.installTranslator(t)
            kept.append(t)
            break
    return kept


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app._translators = install_translators(app)  # type: ignore[attr-defined]  # keep references alive
    return app


def run_gui(*, db_path: Path | None = None, demo: bool = False) -> int:
    from behandlerklient.ui import prompts, single_instance
    from behandlerklient.ui.controller import AppController
    from behandlerklient.ui.errors import install_excepthook

    log.info("starting GUI (demo=%s)", demo)
    app = create_application()
    install_excepthook()
    path = paths.demo_database_path() if demo else (db_path or paths.default_database_path())
    paths.ensure_private_dir(path.parent)
    instance = single_instance.acquire(path)
    if instance is None:
        prompts.error(None, APP_NAME, single_instance.ALREADY_RUNNING)
        return 1
    controller = AppController(path=path, demo=demo, demo_children=DEMO_CHILDREN)
    if not controller.start():
        log.info("start cancelled")
        return 0
    log.info("main window shown")
    return app.exec()
