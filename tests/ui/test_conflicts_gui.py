"""A conflict between two laptops shows in the work list, and Enter on it opens the child it concerns."""

from PySide6.QtCore import Qt

from behandlerklient.storage.clock import to_text


def test_a_second_laptops_closing_shows_as_a_conflict_in_the_work_list(qtbot, window, demo_ws, _prompts) -> None:
    ws = demo_ws
    row = ws.db.query_one("SELECT * FROM closings WHERE signed_at IS NOT NULL AND author_id = ? ORDER BY id",
                          (ws.user.id,))
    assert row is not None, "the demo signs closings by the demo user"
    now = to_text(ws.clock())
    with ws.db.transaction():  # the same course closed on another laptop, as a pull will store it
        ws.db.insert("closings", dict(row, id=None, uid=None, origin_device="laptop-b", status="dropped_out",
                                      created_at=now, signed_at=now))
    window.refresh_queue()
    tree = window.work_queue.tree
    head = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0).startswith("Konflikter mellem enheder"))
    assert head.text(0) == "Konflikter mellem enheder (1)"
    item = head.child(0)
    assert "afsluttet to gange" in item.text(0)
    tree.setCurrentItem(item)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.child_view.overview is not None
                    and window.child_view.overview.child.id == row["child_id"])
    assert not _prompts.shown
