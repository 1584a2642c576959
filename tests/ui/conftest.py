"""GUI fixtures: prompts answered in advance, a small demo database unlocked as the test user."""

from __future__ import annotations

from datetime import date

import pytest

from behandlerklient.services.demo import demo

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True, scope="session")
def _danish(qapp):
    """The app's start-up installs the Danish catalogues before any widget; the GUI tests do the same."""
    from behandlerklient.ui import i18n

    qapp._translators = i18n.install(qapp, "da")
    yield
    for t in qapp._translators:
        qapp.removeTranslator(t)


@pytest.fixture(autouse=True)
def _prompts():
    from behandlerklient.ui import prompts

    prompts.reset()
    prompts.strict = True
    yield prompts
    prompts.strict = False
    prompts.reset()


@pytest.fixture
def demo_ws(ws):
    demo.generate(ws=ws, children_count=60, seed=11, today=TODAY)
    return ws


def wait_for_work_list(qtbot, window) -> None:  # noqa: ANN001 - QtBot, MainWindow
    """The first work list is read on a worker after the window is shown: tests that read it wait for it."""
    qtbot.waitUntil(lambda: not window.work_queue.loading, timeout=15000)


@pytest.fixture
def window(qtbot, demo_ws):
    from behandlerklient.ui.main_window import MainWindow

    w = MainWindow(demo_ws, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    wait_for_work_list(qtbot, w)
    return w


@pytest.fixture(autouse=True)
def _stop_controllers(monkeypatch):
    """A controller a test leaves unlocked keeps its application-wide idle timer and Ctrl+L filter: a minute
    later (a slow run) it would lock and close the dialogs of whatever test runs then. Each is stopped."""
    from PySide6.QtWidgets import QApplication, QDialog

    from behandlerklient.ui.controller import AppController

    made: list[AppController] = []
    init = AppController.__init__

    def recording_init(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(AppController, "__init__", recording_init)
    yield
    if not made:
        return
    for w in QApplication.topLevelWidgets():  # closed while their window and key are still there
        if isinstance(w, QDialog) and w.isVisible():
            w.done(QDialog.DialogCode.Rejected)
    for c in made:
        if c.watcher is not None:
            c.watcher.stop()
            c.watcher = None
        for w in (c.window, c.unlock_dialog):
            if w is not None:
                w.hide()
                w.deleteLater()
        c.window = c.unlock_dialog = None
        if c.ws is not None:
            c.ws.close()
            c.ws = None
