"""A conflict between two laptops shows in the work list; Enter on it opens the child it concerns and the
resolution dialog, where the keyboard chooses the version that applies and the choice is signed."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient.storage.clock import to_text
from tests.conftest import PASSPHRASE


def _second_laptops_closing(ws):
    row = ws.db.query_one("SELECT * FROM closings WHERE signed_at IS NOT NULL AND author_id = ? ORDER BY id",
                          (ws.user.id,))
    assert row is not None, "the demo signs closings by the demo user"
    now = to_text(ws.clock())
    with ws.db.transaction():  # the same course closed on another laptop, as a pull will store it
        ws.db.insert("closings", dict(row, id=None, uid=None, origin_device="laptop-b", status="dropped_out",
                                      created_at=now, signed_at=now))
    return row


def _conflict_item(window):
    window.queue_action.trigger()  # the work list (Ctrl+Shift+L), as the user goes back to it
    tree = window.work_queue.tree
    head = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0).startswith("Konflikter mellem enheder"))
    return head


def test_a_second_laptops_closing_is_resolved_from_the_work_list_by_keyboard(qtbot, window, demo_ws,
                                                                              _prompts) -> None:
    ws = demo_ws
    row = _second_laptops_closing(ws)
    head = _conflict_item(window)
    assert head.text(0) == "Konflikter mellem enheder (1)"
    item = head.child(0)
    assert "afsluttet to gange" in item.text(0)
    tree = window.work_queue.tree
    tree.setCurrentItem(item)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.child_view.overview is not None
                    and window.child_view.overview.child.id == row["child_id"])
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    dlg = window.dialog
    assert dlg.objectName() == "conflictDialog" and dlg.windowTitle() == "Konflikt mellem enheder"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.options)
    qtbot.keyClick(dlg.options, Qt.Key.Key_Down)
    qtbot.keyClick(dlg.options, Qt.Key.Key_Down)  # the second laptop's closing
    assert dlg.chosen().ref == ws.db.scalar("SELECT uid FROM closings WHERE origin_device = 'laptop-b'")
    qtbot.keyClick(dlg, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Be&grundelse
    assert QApplication.focusWidget() is dlg.reason
    qtbot.keyClicks(dlg.reason, "Aftalt i teamet")
    _prompts.set_next_text(PASSPHRASE)
    assert dlg.resolve_button.text() == "&Behold den valgte udgave og underskriv…"
    qtbot.mouseClick(dlg.resolve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.dialog is None)
    assert [p[0] for p in _prompts.shown] == ["passphrase"]  # signed like every record
    assert _conflict_item(window).text(0) == "Konflikter mellem enheder (0)"
    assert ws.db.scalar("SELECT status FROM courses WHERE id = ?", (row["course_id"],)) == "dropped_out"
    entry = ws.db.query_one("SELECT * FROM journal_entries WHERE kind = 'conflict_resolution' AND child_id = ?",
                            (row["child_id"],))
    assert entry["signed_at"] and "Aftalt i teamet" in entry["body"]
    assert ws.db.scalar("SELECT count(*) FROM closings WHERE course_id = ?", (row["course_id"],)) == 2


def test_escape_closes_the_resolution_dialog_and_leaves_the_conflict_open(qtbot, window, demo_ws, _prompts) -> None:
    _second_laptops_closing(demo_ws)
    tree = window.work_queue.tree
    tree.setCurrentItem(_conflict_item(window).child(0))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    qtbot.keyClick(window.dialog.options, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.dialog is None)
    assert _conflict_item(window).text(0) == "Konflikter mellem enheder (1)"
    assert not _prompts.shown
