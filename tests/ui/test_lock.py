"""Auto-lock and Ctrl+L: typing is kept as an encrypted draft, dialogs close, the key and views are dropped."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.ui.clipboard_guard import ClipboardGuard
from behandlerklient.ui.controller import AppController
from behandlerklient.ui.inactivity import InactivityWatcher
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent
from tests.ui.conftest import wait_for_work_list


def _unlock(qtbot, controller):
    qtbot.waitUntil(lambda: controller.unlock_dialog is not None and controller.unlock_dialog.isVisible())
    dlg = controller.unlock_dialog
    qtbot.keyClicks(dlg.passphrase, PASSPHRASE)
    qtbot.keyClick(dlg.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible())
    return controller.window


def test_ctrl_l_locks_and_keeps_the_draft(qtbot, ws, db_path, _prompts) -> None:
    child = child_with_consent(ws, "Låse", "Østergaard", "010316-4002")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 1, 5)).course
    ws.close()
    controller = AppController(path=db_path, lock_after_ms=60_000)
    assert controller.start()
    window = _unlock(qtbot, controller)
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.new_session_button.isEnabled())
    qtbot.mouseClick(window.child_view.new_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor is not None)
    editor = window.editor
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    session_id = editor.session.id
    qtbot.keyClicks(editor.parts["goals"], " Skrevet lige før låsning.")
    old_ws = controller.ws
    qtbot.keyClick(editor, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controller.locked and controller.unlock_dialog.isVisible())
    assert old_ws.db.closed and controller.ws is None and controller.window is None
    assert not editor.isVisible()
    window = _unlock(qtbot, controller)
    stored = sessions.get(ws=controller.ws, session_id=session_id)
    assert stored.state == "draft" and stored.parts.goals.endswith("Skrevet lige før låsning.")
    wait_for_work_list(qtbot, window)
    assert any(t.kind == "session" and t.record_id == session_id for t in window.work_queue.tasks)
    assert course.id


def test_idle_time_locks(qtbot, db_path, _prompts) -> None:
    controller = AppController(path=db_path, lock_after_ms=150)
    controller.start()
    _unlock(qtbot, controller)
    qtbot.waitUntil(lambda: controller.locked, timeout=3000)
    assert controller.ws is None and controller.unlock_dialog.isVisible()


def test_input_restarts_the_idle_timer(qtbot) -> None:
    from PySide6.QtWidgets import QLineEdit

    target = QLineEdit()
    qtbot.addWidget(target)
    target.show()
    watcher = InactivityWatcher(1000)
    fired = []
    watcher.idle.connect(lambda: fired.append(1))
    watcher.start()
    for _ in range(6):  # 1.2 s of typing in 200 ms steps: never a second idle (wide margin for a busy machine)
        qtbot.wait(200)
        qtbot.keyClick(target, Qt.Key.Key_A)
    assert not fired
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
    watcher.stop()


def test_copied_text_is_cleared(qtbot) -> None:
    guard = ClipboardGuard(clear_after_ms=100)
    from PySide6.QtWidgets import QLineEdit

    edit = QLineEdit("Åse Ærenlund, CPR 010316-4006")
    qtbot.addWidget(edit)
    edit.show()
    edit.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is edit)
    edit.selectAll()
    edit.copy()
    clipboard = QApplication.clipboard()
    qtbot.waitUntil(lambda: clipboard.text() == "Åse Ærenlund, CPR 010316-4006", timeout=1000)
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=2000)
    guard.deleteLater()


def test_daily_backup_runs_in_the_background_and_is_logged(qtbot, ws, db_path, _prompts) -> None:
    from behandlerklient import paths
    from behandlerklient.services.signatures import audit

    children_before = ws.db.scalar("SELECT count(*) FROM children")
    ws.close()
    controller = AppController(path=db_path, lock_after_ms=600_000)
    controller.start()
    _unlock(qtbot, controller)
    controller._automatic_backup()
    assert controller._backup_future is not None  # running on the worker, the window stays usable
    qtbot.waitUntil(lambda: controller._backup_future is None, timeout=20_000)
    made = list((paths.data_dir() / "sikkerhedskopier").glob("*.bkbackup"))
    assert len(made) == 1
    assert "Sikkerhedskopi gemt" in controller.window.statusBar().currentMessage()
    assert audit.verify_chain(controller.ws.db).ok
    assert controller.ws.db.scalar("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1") == made[0].name
    assert children_before == controller.ws.db.scalar("SELECT count(*) FROM children")
    controller._automatic_backup()  # today's exists: nothing more
    assert controller._backup_future is None
