"""The GUI's sync: on a worker after unlock, on F9 and before locking; the state in the status bar; offline the
window works as before and nothing waits for the network."""

from __future__ import annotations

import socket
import threading
import time
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient.services import sync as sync_service
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.sync import connection
from behandlerklient.ui import sync_controller
from behandlerklient.ui.controller import AppController
from behandlerklient.ui.sync_controller import SyncController
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent
from tests.ui.test_conflicts_gui import _second_laptops_closing


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _enroll_offline(ws) -> None:  # noqa: ANN001
    sync_service.enroll(ws=ws, host="127.0.0.1", port=_closed_port(), user=ws.user.username, password="hemmelig")


class Connects:
    """connection.connect, counted; `gate` (when given) holds each attempt until the test opens it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, gate: threading.Event | None = None) -> None:
        self.calls, self.gate, self.real = 0, gate, connection.connect
        monkeypatch.setattr(connection, "connect", self)

    def __call__(self, state, **kwargs):  # noqa: ANN001, ANN003, ANN204
        self.calls += 1
        if self.gate is not None:
            assert self.gate.wait(30)
        return self.real(state, **kwargs)


def _press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    """A window shortcut answers in the active window only."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, key, modifier)


@pytest.fixture(autouse=True)
def _drained():
    yield
    sync_controller.drain()  # no sync of this test runs into the next


def test_not_enrolled_says_so_and_never_touches_the_network(qtbot, window, monkeypatch) -> None:
    connects = Connects(monkeypatch)
    sync = SyncController(window, window.ws)
    sync.start()
    assert sync.sync_action in window.menuBar().actions()[0].menu().actions()
    _press(qtbot, window, Qt.Key.Key_F9)
    sync.sync_action.trigger()
    assert sync.label.text() == "Ikke tilmeldt server"
    assert sync.label.isVisible()
    assert connects.calls == 0 and sync.runs == 0


def test_offline_the_window_saves_while_the_sync_waits_and_then_says_offline(qtbot, window, demo_ws,
                                                                           monkeypatch) -> None:
    ws = demo_ws
    child = child_with_consent(ws, "Synke", "Østergaard", "010316-4002")
    pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 1, 5))
    _enroll_offline(ws)
    gate = threading.Event()
    connects = Connects(monkeypatch, gate)
    sync = SyncController(window, ws)
    sync.start()
    qtbot.waitUntil(lambda: connects.calls == 1)  # the worker now waits "on the network"
    assert sync.label.text().startswith("Synkroniserer…")
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.new_session_button.isEnabled())
    qtbot.mouseClick(window.child_view.new_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor is not None)
    editor = window.editor
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    qtbot.keyClicks(editor.parts["goals"], " Skrevet mens serveren tav.")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = sessions.get(ws=ws, session_id=editor.session.id)
    assert stored.parts.goals.endswith("Skrevet mens serveren tav.") and sync.running()
    gate.set()
    with qtbot.waitSignal(sync.finished, timeout=15000):
        pass
    waiting = sync_service.status(ws=ws).waiting
    assert waiting > 0  # the demo's signed records, never sent
    assert sync.label.text() == f"Offline: {waiting} venter"
    assert "Kunne ikke forbinde til synkroniseringsserveren" in sync.label.toolTip()


def test_f9_starts_exactly_one_sync(qtbot, window, demo_ws, monkeypatch) -> None:
    _enroll_offline(demo_ws)
    gate = threading.Event()
    connects = Connects(monkeypatch, gate)
    sync = SyncController(window, demo_ws)
    sync.refresh()
    _press(qtbot, window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: connects.calls == 1)
    _press(qtbot, window, Qt.Key.Key_F9)  # pressed again while it runs: never two at once
    sync.sync_action.trigger()
    gate.set()
    with qtbot.waitSignal(sync.finished, timeout=15000):
        pass
    assert connects.calls == 1 and sync.runs == 1 and not sync.running()


def test_the_interval_comes_from_the_setting(qtbot, window, demo_ws) -> None:
    sync = SyncController(window, demo_ws)
    assert sync.timer.interval() == 5 * 60_000
    with demo_ws.db.transaction():
        demo_ws.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('sync_minutes', '2')")
    sync = SyncController(window, demo_ws)
    sync.start()
    assert sync.timer.interval() == 2 * 60_000 and sync.timer.isActive()


def test_conflicts_and_quarantine_show_the_conflicts_alone(qtbot, window, demo_ws) -> None:
    _second_laptops_closing(demo_ws)
    _enroll_offline(demo_ws)
    window.refresh_queue()
    sync = SyncController(window, demo_ws)
    sync.refresh()
    assert "1 konflikt" in sync.label.text() and sync.quarantine_button.text() == "0 i karantæne"
    _press(qtbot, window, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    tree = window.work_queue.tree
    shown = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())
             if not tree.topLevelItem(i).isHidden()]
    assert shown == ["Konflikter mellem enheder (1)"]
    assert tree.currentItem().parent() is not None and "afsluttet to gange" in tree.currentItem().text(0)
    assert window.work_queue.note.isVisible() and window.work_queue.note.text().startswith("I karantæne: 0 poster")
    assert not window.work_queue.seen_button.isVisible()  # the approvals it marks are not shown here
    window.queue_action.trigger()  # the whole work list again
    assert sum(not tree.topLevelItem(i).isHidden() for i in range(tree.topLevelItemCount())) > 1
    assert not window.work_queue.note.isVisible() and window.work_queue.seen_button.isVisible()


def _unlock(qtbot, controller):  # noqa: ANN001, ANN202
    qtbot.waitUntil(lambda: controller.unlock_dialog is not None and controller.unlock_dialog.isVisible())
    dlg = controller.unlock_dialog
    qtbot.keyClicks(dlg.passphrase, PASSPHRASE)
    qtbot.keyClick(dlg.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible())
    return controller.window


def test_unlock_syncs_and_lock_tries_once_more_then_locks(qtbot, ws, db_path, monkeypatch) -> None:
    _enroll_offline(ws)
    ws.close()
    connects = Connects(monkeypatch)
    controller = AppController(path=db_path, lock_after_ms=600_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    sync = controller.sync
    qtbot.waitUntil(lambda: connects.calls == 1 and not sync.running(), timeout=15000)  # after unlock
    assert sync.label.text().startswith("Offline: ")
    _press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controller.locked and controller.unlock_dialog.isVisible(), timeout=15000)
    assert connects.calls == 2 and controller.ws is None


def test_a_silent_server_does_not_hold_the_lock(qtbot, ws, db_path, monkeypatch) -> None:
    _enroll_offline(ws)
    ws.close()
    gate = threading.Event()
    connects = Connects(monkeypatch, gate)
    monkeypatch.setattr(sync_controller, "LOCK_WAIT_S", 0.5)
    controller = AppController(path=db_path, lock_after_ms=600_000)
    controller.start()
    window = _unlock(qtbot, controller)
    qtbot.waitUntil(lambda: connects.calls == 1)  # the after-unlock sync hangs "in the network"
    started = time.monotonic()
    _press(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controller.locked and controller.unlock_dialog.isVisible(), timeout=15000)
    assert time.monotonic() - started < 5.0 and controller.ws is None
    gate.set()
