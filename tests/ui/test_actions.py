"""Every action of the main window works from the menu, the toolbar and its shortcut, or says in Danish why not."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QToolBar

from behandlerklient.services.pathway import records
from behandlerklient.services.reports import listing
from behandlerklient.ui.widgets.work_queue import TASK_ROLE
from tests.ui.conftest import TODAY

TS = Path(__file__).resolve().parents[2] / "resources" / "translations" / "behandlerklient_da.ts"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

# With a child and its active course chosen, these actions open their editor (the dialog's objectName).
OPENS_WITH_A_COURSE = {
    "action_new_child": "newChildDialog", "action_new_course": "newCourseDialog", "action_new_session": "sessionEditor",
    "action_contact": "formDialog", "action_intake": "formDialog", "action_screening": "formDialog",
    "action_sdq": "sdqDialog", "action_consent": "formDialog", "action_coordination": "formDialog",
    "action_notification": "formDialog", "action_group": "groupSessionDialog", "action_closing": "formDialog",
    "action_meeting": "formDialog", "action_reports": "reportDialog", "action_letter_start": "letterPreview"}
# With nothing chosen only these need no child; every other action must explain itself in an info box.
OPENS_WITHOUT_A_CHILD = {"action_new_child": "newChildDialog", "action_group": "groupSessionDialog",
                         "action_reports": "reportDialog"}
OWN_EFFECT = {"action_find", "action_queue", "action_quit"}  # checked one by one below


def _english_sources() -> set[str]:
    """Source strings whose Danish differs: a prompt showing one of these was not translated."""
    root = ET.parse(TS).getroot()
    return {m.findtext("source") for m in root.iter("message")
            if m.findtext("translation") and m.findtext("translation") != m.findtext("source")}


def _menu_actions(window) -> list:
    found = []

    def walk(menu: QMenu) -> None:
        for a in menu.actions():
            if a.isSeparator():
                continue
            if a.menu() is not None:
                walk(a.menu())
            else:
                found.append(a)

    for top in window.menuBar().actions():
        walk(top.menu())
    return found


def _all_actions(window) -> list:
    """Menus walked, toolbars, and every named QAction child: each once, Quit last (it closes the window)."""
    seen, out = set(), []
    named = [a for a in window.findChildren(QAction) if a.objectName().startswith("action_")]
    toolbar = [a for tb in window.findChildren(QToolBar) for a in tb.actions() if not a.isSeparator()]
    for a in _menu_actions(window) + toolbar + named:
        if id(a) not in seen:
            seen.add(id(a))
            out.append(a)
    return sorted(out, key=lambda a: a.objectName() == "action_quit")


def _active_course(ws) -> dict:
    return next(c for c in listing.courses(ws=ws) if c["status"] == "active")


def _choose(qtbot, window, course: dict) -> None:
    if window.child_view.overview is None or window.child_view.overview.child.id != course["child_id"]:
        window.select_child(course["child_id"])
        qtbot.waitUntil(lambda: window.child_view.overview is not None)
    tree = window.child_view.courses
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1) == course["id"])
    tree.setCurrentItem(item)


def _close_dialog(qtbot, window) -> None:
    dlg = window.dialog
    if dlg is not None:
        dlg.reject()
        qtbot.waitUntil(lambda: window.dialog is None)


@pytest.mark.parametrize("chosen", ["child and course", "nothing"])
def test_every_action_of_the_main_window_does_its_job_or_says_why_not(qtbot, window, demo_ws, _prompts,
                                                                         chosen) -> None:
    prompts = _prompts
    english = _english_sources()
    course = _active_course(demo_ws) if chosen != "nothing" else None
    actions = _all_actions(window)
    names = [a.objectName() for a in actions]
    assert len(names) == len(set(names)) and all(n.startswith("action_") for n in names), names
    assert {"action_quit", "action_new_session", "action_correct", "action_journal"} <= set(names)
    assert any(window.findChild(QToolBar).widgetForAction(a) for a in actions)  # the toolbar's are in the walk
    for action in actions:
        name = action.objectName()
        if course is not None:
            _choose(qtbot, window, course)
        else:
            window.show_queue()
        prompts.reset()
        # Whatever the action asks is answered "no"/"cancel"; strict prompts fail on a second, unexpected one.
        prompts.set_next_answer(False)
        prompts.set_next_text(None)
        prompts.set_next_path(None)
        with qtbot.captureExceptions() as raised:
            action.trigger()
        assert not raised, f"{name} raised {raised[0][1]!r}"
        shown = list(prompts.shown)
        assert not [s for s in shown if s[0] == "error" and s[1] == "Uventet fejl"], f"{name} crashed: {shown}"
        for kind, title, text in shown:
            assert text not in english and title not in english, f"{name} speaks English: {text}"
        dialog = window.dialog.objectName() if window.dialog is not None else None
        expected = (OPENS_WITH_A_COURSE if course is not None else OPENS_WITHOUT_A_CHILD).get(name)
        if expected is not None:
            assert dialog == expected and window.dialog.isVisible() and not shown, (name, dialog, shown)
        elif name == "action_find":
            assert window.search.hasFocus()
        elif name == "action_queue":
            assert window.right.currentWidget() is window.work_queue and window.child_view.overview is None
        elif name == "action_quit":
            assert not window.isVisible()
        elif course is None:
            assert dialog is None and [k for k, _t, _x in shown] == ["info"], (name, shown)
        else:  # it asked something, or explained (in Danish, checked above) why it cannot
            assert dialog is not None or shown, f"{name} did nothing"
        _close_dialog(qtbot, window)
        assert QApplication.activeModalWidget() is None, name


def test_new_session_from_menu_toolbar_and_ctrl_n_opens_the_active_course(qtbot, window, demo_ws, _prompts) -> None:
    course = _active_course(demo_ws)
    _choose(qtbot, window, course)
    toolbar_button = window.findChild(QToolBar, "mainToolbar").widgetForAction(window.new_session_action)
    for how in ("menu", "toolbar", "Ctrl+N"):
        if how == "menu":
            window.new_session_action.trigger()
        elif how == "toolbar":
            qtbot.mouseClick(toolbar_button, Qt.MouseButton.LeftButton)
        else:
            window.activateWindow()
            qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.editor is not None, timeout=3000)
        assert window.editor.session.course_id == course["id"], how
        assert not _prompts.shown, how
        _close_dialog(qtbot, window)
        qtbot.waitUntil(lambda: window.editor is None)


def _click_row(qtbot, window, row: int) -> None:
    rect = window.list.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_work_list_task_for_the_child_already_open_opens_its_form(qtbot, window, demo_ws, _prompts) -> None:
    _click_row(qtbot, window, 2)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    child = window.child_view.overview.child
    rid, _ = records.save(ws=demo_ws, kind="contact", values={"child_id": child.id, "contact_date": TODAY,
                                                              "made_by": "parent", "way": "self",
                                                              "concern": "Kladde fra arbejdslisten"})
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL_SHIFT)  # back to the work list
    assert window.right.currentWidget() is window.work_queue
    tree = window.work_queue.tree
    # This draft's task: the child (on the user's own caseload) may have other tasks listed before it.
    item = next(tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
                for j in range(tree.topLevelItem(i).childCount())
                if (task := tree.topLevelItem(i).child(j).data(0, TASK_ROLE)).kind == "contact"
                and task.record_id == rid)
    assert item.text(1) == child.full_name
    tree.setCurrentItem(item)
    with qtbot.captureExceptions() as raised:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert not raised and not _prompts.shown
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "formDialog")
    assert child.full_name in window.dialog.findChild(QLabel, "formIntro").text()
    assert window.child_view.overview.child.id == child.id
    assert window.dialog.widgets["concern"].toPlainText() == "Kladde fra arbejdslisten"


def test_returning_to_the_work_list_lets_the_same_child_be_opened_again(qtbot, window, _prompts) -> None:
    _click_row(qtbot, window, 3)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    child_id = window.child_view.overview.child.id
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL_SHIFT)
    assert window.child_view.overview is None and not window.list.selectionModel().hasSelection()
    _click_row(qtbot, window, 3)
    qtbot.waitUntil(lambda: window.child_view.overview is not None, timeout=2000)
    assert window.child_view.overview.child.id == child_id
    assert window.right.currentWidget() is window.child_view


def test_correcting_needs_an_entry_the_user_chose_never_the_first_one(qtbot, window, demo_ws, _prompts) -> None:
    course = _active_course(demo_ws)
    _choose(qtbot, window, course)
    view = window.child_view
    view.tabs.setCurrentWidget(view.journal)
    journal = view.journal.list
    assert journal.count() > 1
    journal.setFocus()  # focusing the list makes its first row current, which is not a choice
    window.activateWindow()
    _prompts.set_next_answer(True)
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL_SHIFT)
    assert [(k, t) for k, t, _x in _prompts.shown] == [("info", "Ret journalnotat")]
    _prompts.reset()
    # Chosen on another tab and then left: not a choice either.
    rect = journal.visualItemRect(journal.item(1))
    qtbot.mouseClick(journal.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    view.tabs.setCurrentIndex(0)
    _prompts.set_next_answer(True)
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL_SHIFT)
    assert [k for k, _t, _x in _prompts.shown] == ["info"]
    _prompts.reset()
    # Chosen and showing: the correction is asked for (and cancelled here).
    view.tabs.setCurrentWidget(view.journal)
    _prompts.set_next_text(None)
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL_SHIFT)
    assert [k for k, _t, _x in _prompts.shown] == ["text"]
