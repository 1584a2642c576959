"""The GUI's sync against the real server: a session signed offline waits, F9 sends it on the worker, and the
status bar says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.server.conftest import Server
from tests.server.laptops import laptop, new_cpr, new_name, signed_session


@pytest.fixture
def danish(qapp):  # noqa: ANN001, ANN201
    from behandlerklient.ui import i18n

    translators = i18n.install(qapp, "da")
    yield
    for t in translators:
        qapp.removeTranslator(t)


def test_f9_sends_what_waits_and_the_status_bar_says_0_waiting(qtbot, danish, server: Server,
                                                                 tmp_path: Path) -> None:
    from behandlerklient.ui import sync_controller
    from behandlerklient.ui.main_window import MainWindow

    ws = laptop(server, tmp_path / "t", new_name("gui"), "therapist")
    signed_session(ws, new_cpr(), "Vilja")
    window = MainWindow(ws)
    qtbot.addWidget(window)
    sync = sync_controller.SyncController(window, ws)
    sync.refresh()
    window.show()
    qtbot.waitExposed(window)
    assert sync.label.text().startswith("Ikke synkroniseret endnu") and "· 0 venter" not in sync.label.text()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    with qtbot.waitSignal(sync.finished, timeout=60_000):
        qtbot.keyClick(window, Qt.Key.Key_F9)
    assert sync.runs == 1
    text = sync.label.text()
    # The test server is shared by the whole session: the hand-made records other tests push (GPs, which every
    # user may read) arrive here too and are quarantined, as they should be. The label counts exactly those.
    refused_here = ws.db.scalar("SELECT count(*) FROM sync_quarantine WHERE author <> ?", (ws.user.username,))
    assert ws.db.scalar("SELECT count(*) FROM sync_quarantine WHERE author = ?", (ws.user.username,)) == 0
    assert text.startswith("Synkroniseret ") and text.endswith("· 0 venter · 0 konflikter"), (
        text, sync.label.toolTip(), [tuple(r) for r in ws.db.query("SELECT kind, reason FROM sync_quarantine")])
    assert sync.quarantine_button.text() == f"{refused_here} i karantæne", (
        text, sync.label.toolTip(), [tuple(r) for r in ws.db.query("SELECT kind, reason FROM sync_quarantine")])
    assert "sendt" in sync.label.toolTip()
    sync_controller.drain()
    ws.close()
