"""The keyboard: Tab leaves the child list without opening anyone, and no two visible items share a mnemonic."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _views(ws) -> int:
    return ws.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view'")


def _click_row(qtbot, window, row: int) -> None:
    rect = window.list.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_tab_leaves_the_child_list_without_opening_or_logging_another_child(qtbot, window, demo_ws) -> None:
    _click_row(qtbot, window, 0)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    opened, views = window.child_view.overview.child.id, _views(demo_ws)
    assert window.list.hasFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_Tab)
    assert not window.list.hasFocus()
    for _ in range(3):  # a table walked cell by cell: the third Tab opened (and logged a view of) the next child
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert window.child_view.overview.child.id == opened and _views(demo_ws) == views
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert window.search.hasFocus()
    assert window.child_view.overview.child.id == opened and _views(demo_ws) == views
    assert window.list.currentIndex().row() == 0
