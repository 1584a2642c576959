"""A coordinator's window: master data and contacts, no journal tab and no clinical steps; a therapist's list shows
her own caseload first."""

import dataclasses

from PySide6.QtCore import Qt

from behandlerklient.storage.users import UserRepository
from tests.ui.conftest import TODAY


def _window(qtbot, ws):
    from behandlerklient.ui.main_window import MainWindow

    w = MainWindow(ws, today=lambda: TODAY)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _open_row(qtbot, w, row: int) -> int:
    rect = w.list.visualRect(w.model.index(row, 0))
    qtbot.mouseClick(w.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    child_id = w.model.child_id(row)
    qtbot.waitUntil(lambda: w.child_view.overview is not None and w.child_view.overview.child.id == child_id)
    return child_id


def _shows_journal(w) -> bool:
    tabs = w.child_view.tabs
    return tabs.isTabVisible(tabs.indexOf(w.child_view.journal))


def test_a_coordinators_child_view_hides_the_journal_and_the_clinical_steps(qtbot, demo_ws) -> None:
    kko = UserRepository(demo_ws.db).by_username("kko")  # the demo's coordinator
    w = _window(qtbot, dataclasses.replace(demo_ws, user=kko))
    held = demo_ws.db.scalar("SELECT child_id FROM journal_entries GROUP BY child_id ORDER BY count(*) DESC LIMIT 1")
    row = w.model.row_of(held)
    while row is None and w.model.canFetchMore():
        w.model.fetchMore()
        row = w.model.row_of(held)
    w.list.scrollTo(w.model.index(row, 0))
    _open_row(qtbot, w, row)
    assert not _shows_journal(w) and w.child_view.tabs.isTabVisible(0)  # the courses' frame stays
    assert w.child_view.details_button.isVisible()  # master data is hers to keep
    assert not w.child_view.new_session_button.isVisible() and not w.child_view.new_course_button.isVisible()
    menu = {a.objectName(): a for a in w.findChildren(type(w.new_child_action))}
    assert menu["action_contact"].isEnabled() and not menu["action_intake"].isEnabled()
    assert not menu["action_journal"].isEnabled() and menu["action_letter_start"].isEnabled()
    qtbot.keyClick(w, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.dialog is None  # the intake shortcut does nothing for her
    assert not w.child_view.next_button.isVisible()  # the pathway's next step is clinical work (issue 15)
    qtbot.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.dialog is None and w.editor is None
    assert w.child_view.record.journal == []  # nothing behind the hidden tab either

    therapist = _window(qtbot, demo_ws)
    _open_row(qtbot, therapist, therapist.model.row_of(held) or 0)
    assert _shows_journal(therapist) and therapist.child_view.record.journal


def test_a_therapists_list_starts_with_her_own_caseload(qtbot, demo_ws) -> None:
    w = _window(qtbot, demo_ws)
    own = {r[0] for r in demo_ws.db.query("SELECT child_id FROM caseloads WHERE user_id = ? AND revoked_at IS NULL",
                                          (demo_ws.user.id,))}
    while w.model.canFetchMore():
        w.model.fetchMore()
    shown = [w.model.child_id(r) for r in range(w.model.rowCount())]
    assert 0 < len(own) < len(shown) == 60
    assert set(shown[:len(own)]) == own and len(set(shown)) == 60
