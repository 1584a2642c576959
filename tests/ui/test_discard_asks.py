"""Escape, Close or Cancel in an editor with typing asks before anything is thrown away; an untouched one
just closes (prompts are strict here: an unexpected question fails the test)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from behandlerklient.services.pathway import pathway
from tests.helpers import child_with_consent


def _front(qtbot, window, name):
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible()
                    and window.dialog.objectName() == name, timeout=5000)
    return window.dialog


def _with_child(qtbot, window, ws):
    child = child_with_consent(ws, "Escape", "Østergaard", "010316-4002")
    pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=window.today())
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.current_child_id == child.id)
    return child


def _sdq(qtbot, window):
    window.pathway.actions["sdq"].trigger()
    return _front(qtbot, window, "sdqDialog")


def _type_sdq(qtbot, dlg):
    for box in dlg.items:  # all 25 answers, from the keyboard
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_1)


def _contact(qtbot, window):
    window.pathway.actions["contact"].trigger()
    return _front(qtbot, window, "formDialog")


def _type_contact(qtbot, dlg):
    qtbot.keyClicks(dlg.widgets["concern"], "Ondt i maven før skole.")


def _new_child(qtbot, window):
    window.new_child_action.trigger()
    return _front(qtbot, window, "newChildDialog")


def _type_new_child(qtbot, dlg):
    qtbot.keyClicks(dlg.first, "Åse")


def _new_course(qtbot, window):
    window.new_course_action.trigger()
    return _front(qtbot, window, "newCourseDialog")


def _type_new_course(qtbot, dlg):
    dlg.planned.setFocus()
    dlg.planned.selectAll()
    qtbot.keyClicks(dlg.planned, "19")


def _group(qtbot, window):
    window.pathway.actions["group"].trigger()
    return _front(qtbot, window, "groupSessionDialog")


def _type_group(qtbot, dlg):
    dlg.track.setCurrentIndex(dlg.track.findData("cool-kids"))
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert dlg.group_id is not None, dlg.error.text()
    qtbot.keyClicks(dlg.parts["goals"], " Fælles mål.")


EDITORS = {"sdq": (_sdq, _type_sdq), "contact": (_contact, _type_contact),
           "new_child": (_new_child, _type_new_child), "new_course": (_new_course, _type_new_course),
           "group_session": (_group, _type_group)}


def _close_button(dlg):
    box = dlg.findChild(QDialogButtonBox)
    return next(b for b in box.buttons() if box.buttonRole(b) == QDialogButtonBox.ButtonRole.RejectRole)


@pytest.mark.parametrize("editor", list(EDITORS))
def test_escape_with_typing_asks_first(qtbot, window, demo_ws, _prompts, editor) -> None:
    _with_child(qtbot, window, demo_ws)
    if editor == "group_session":
        child_with_consent(demo_ws, "Gruppe", "Holm", "020316-4001")
        pathway.open_course(ws=demo_ws, child_id=demo_ws.db.scalar("SELECT max(id) FROM children"),
                            track_id="cool-kids", start_date=window.today())
    open_it, type_in = EDITORS[editor]
    dlg = open_it(qtbot, window)
    type_in(qtbot, dlg)
    typed = dlg.draft_state()
    _prompts.set_next_answer(False)  # "Keep editing"
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert _prompts.shown[-1][0] == "question" and dlg.isVisible() and dlg.draft_state() == typed
    _prompts.set_next_answer(False)  # the Close / Cancel button asks the same
    qtbot.mouseClick(_close_button(dlg), Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and dlg.draft_state() == typed
    _prompts.set_next_answer(True)  # "Discard"
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.dialog is None)


@pytest.mark.parametrize("editor", [e for e in EDITORS if e != "group_session"])
def test_escape_in_an_untouched_editor_just_closes(qtbot, window, demo_ws, _prompts, editor) -> None:
    _with_child(qtbot, window, demo_ws)
    dlg = EDITORS[editor][0](qtbot, window)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # strict prompts: a question here would fail the test
    qtbot.waitUntil(lambda: window.dialog is None)
    assert not [p for p in _prompts.shown if p[0] == "question"]
