"""The keyboard: Tab leaves the child list without opening anyone, and no two visible items share a mnemonic."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QTabWidget,
    QWidget,
)

from behandlerklient.services.reports import listing
from behandlerklient.storage.users import UserRepository
from behandlerklient.ui.dialogs.setup_dialog import SetupDialog
from behandlerklient.ui.dialogs.unlock_dialog import UnlockDialog
from behandlerklient.ui.widgets.child_view import SESSION_ROLE


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


# -- mnemonics ------------------------------------------------------------------------------------------------


def _mnemonic(text: str) -> str | None:
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def _clashes(place: str, texts: list[str]) -> list[str]:
    by_key: dict[str, list[str]] = {}
    for t in texts:
        key = _mnemonic(t)
        if key is not None:
            by_key.setdefault(key, []).append(t)
    return [f"{place}: Alt+{k.upper()} on {', '.join(ts)}" for k, ts in sorted(by_key.items()) if len(ts) > 1]


def _visible_texts(top) -> list[str]:
    """What carries a mnemonic in `top` right now: menu bar titles, buttons, buddied labels, group boxes, tabs."""
    texts = []
    if isinstance(top, QMainWindow):
        texts += [a.text() for a in top.menuBar().actions() if a.isVisible()]
    for w in top.findChildren(QWidget):
        if w.window() is not top or not w.isVisibleTo(top):
            continue
        if isinstance(w, QAbstractButton):
            texts.append(w.text())
        elif isinstance(w, QLabel) and w.buddy() is not None:
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count()) if w.isTabVisible(i)]
    return texts


def _walk(place: str, top) -> list[str]:
    """Every page of every tab widget in turn (what is visible together), and each menu's items among themselves."""
    found = _clashes(place, _visible_texts(top))
    for tabs in top.findChildren(QTabWidget):
        if tabs.window() is not top or not tabs.isVisibleTo(top):
            continue
        before = tabs.currentIndex()
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            found += _clashes(f"{place}, tab {tabs.tabText(i)}", _visible_texts(top))
        tabs.setCurrentIndex(before)
    if isinstance(top, QMainWindow):
        menus = [a.menu() for a in top.menuBar().actions() if a.menu() is not None]
        while menus:
            menu = menus.pop()
            found += _clashes(f"menu {menu.title()}", [a.text() for a in menu.actions() if a.isVisible()])
            menus += [a.menu() for a in menu.actions() if a.menu() is not None]
    return sorted(set(found))


def _walk_dialog(qtbot, window, place: str) -> list[str]:
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible(), timeout=3000)
    dlg = window.dialog
    found = _walk(f"{place} ({dlg.objectName()})", dlg)
    dlg.reject()
    qtbot.waitUntil(lambda: window.dialog is None)
    return found


@pytest.fixture(params=["da", "en"])
def language(request, qapp):
    """Danish as the users see it, and the English source (which must not clash either)."""
    if request.param == "en":
        for t in qapp._translators:
            qapp.removeTranslator(t)
    yield request.param
    if request.param == "en":
        for t in qapp._translators:
            qapp.installTranslator(t)


def test_no_two_visible_items_share_a_mnemonic_in_any_window_or_dialog(language, qtbot, window, demo_ws,
                                                                       _prompts) -> None:
    ws = demo_ws
    assert window.menuBar().actions()[0].text() == {"da": "&Filer", "en": "&File"}[language]
    found = _walk("work list", window)
    course = next(c for c in listing.courses(ws=ws) if c["status"] == "active")
    window.select_child(course["child_id"])
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    found += _walk("child view", window)
    # Every dialog an action opens with a child and a course chosen (new ones are walked as they come).
    walked = set()
    for action in [a for m in window.menuBar().actions() for a in m.menu().actions() if not a.isSeparator()]:
        if action.objectName() in ("action_quit", "action_queue", "action_absence", "action_change_track"):
            continue  # close the window / leave the child / ask only message-box questions
        window.select_child(course["child_id"])
        _prompts.reset()
        _prompts.set_next_answer(False)
        _prompts.set_next_text(None)
        _prompts.set_next_path(None)
        action.trigger()
        if window.dialog is not None:
            walked.add(window.dialog.objectName())
            found += _walk_dialog(qtbot, window, action.text())
    assert {"newChildDialog", "newCourseDialog", "sessionEditor", "formDialog", "sdqDialog", "groupSessionDialog",
            "reportDialog", "letterPreview"} <= walked
    # The forms no menu opens straight away: a follow-up, a self-rating, and the supervisor's review.
    follow_up = ws.db.scalar("SELECT id FROM follow_ups WHERE done_on IS NULL ORDER BY id LIMIT 1")
    window.pathway.open_form("follow_up", record_id=follow_up)
    found += _walk_dialog(qtbot, window, "follow-up")
    session_id = ws.db.scalar("SELECT id FROM sessions WHERE state = 'signed' ORDER BY id LIMIT 1")
    found += _self_rating(qtbot, window, ws, session_id)
    found += _review(qtbot, window, ws)
    found += _unlock_and_setup(qtbot)
    found = sorted(set(found))
    assert found == [], "\n".join(found)


def _self_rating(qtbot, window, ws, session_id: int) -> list[str]:
    course_id, child_id = ws.db.query_one("SELECT s.course_id, c.child_id FROM sessions s JOIN courses c "
                                          "ON c.id = s.course_id WHERE s.id = ?", (session_id,))
    window.select_child(child_id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None
                    and window.child_view.overview.child.id == child_id)
    tree = window.child_view.courses
    item = next(tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
                for j in range(tree.topLevelItem(i).childCount())
                if tree.topLevelItem(i).child(j).data(0, SESSION_ROLE) == session_id)
    tree.setCurrentItem(item)
    window.pathway.actions["self_rating"].trigger()
    return _walk_dialog(qtbot, window, "self-rating")


def _review(qtbot, window, ws) -> list[str]:
    review_id = ws.db.scalar("SELECT id FROM reviews ORDER BY id LIMIT 1")
    therapist = ws.user
    ws.user = next(u for u in UserRepository(ws.db).all() if u.role == "supervisor")
    try:
        window.pathway.open_review(review_id)
        return _walk_dialog(qtbot, window, "review")
    finally:
        ws.user = therapist


def _unlock_and_setup(qtbot) -> list[str]:
    found = []
    for dlg in (UnlockDialog(usernames=["anna", "lhv"], unlock=lambda *a: None, keyring_available=True,
                             demo_passphrase="demo", database_label="journal.db"),
                SetupDialog(create=lambda **kw: None, path_label="journal.db")):
        qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        found += _walk(dlg.objectName(), dlg)
        dlg.close()
    return found
