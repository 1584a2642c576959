"""Defects found by an independent attack on issues 11 and 12, through the real window (xfail where still open)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent
from tests.ui.conftest import TODAY


def _open_child(qtbot, window, child_id):
    window.select_child(child_id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None and window.child_view.overview.child.id == child_id)


def _views(ws) -> int:
    return ws.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view'")


def test_an_intake_cannot_be_signed_before_its_contact(qtbot, window, demo_ws, _prompts) -> None:
    _prompts.strict = False
    old = child_with_consent(demo_ws, "Store", "Attenårig", "010608-4003", on=TODAY)  # 18 on TODAY
    _open_child(qtbot, window, old.id)
    window.findChild(QAction, "action_contact").trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    contact = window.dialog
    qtbot.keyClicks(contact.findChild(object, "field_concern"), "Bekymring om søvn")
    qtbot.mouseClick(contact.sign_button, Qt.MouseButton.LeftButton)  # refused: no age reason; kept as a draft
    assert "5-17" in contact.error.text()
    contact.done(0)
    QApplication.processEvents()
    window.findChild(QAction, "action_intake").trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    _prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(window.dialog.sign_button, Qt.MouseButton.LeftButton)  # nothing typed in the intake
    QApplication.processEvents()
    signed = demo_ws.db.scalar("SELECT count(*) FROM journal_entries WHERE child_id = ? AND kind = 'intake' "
                               "AND signed_at IS NOT NULL", (old.id,))
    assert signed == 0


def test_walking_the_child_list_with_arrow_keys_does_not_open_each_child(qtbot, window, demo_ws, _prompts) -> None:
    window.list.setFocus()
    before = _views(demo_ws)
    for _ in range(8):
        qtbot.keyClick(window.list, Qt.Key.Key_Down)
    assert _views(demo_ws) - before <= 1
    # Where the user stops is opened, once, and Enter opens at once.
    target = window.model.child_id(window.list.currentIndex().row())
    qtbot.waitUntil(lambda: window.current_child_id == target, timeout=3000)
    assert _views(demo_ws) - before == 1
    qtbot.keyClick(window.list, Qt.Key.Key_Down)
    qtbot.keyClick(window.list, Qt.Key.Key_Return)
    assert window.current_child_id == window.model.child_id(window.list.currentIndex().row()) != target
