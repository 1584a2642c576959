from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.ui.dialogs import session_editor
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent
from tests.ui.conftest import TODAY


@pytest.fixture
def child_with_course(demo_ws):
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006")
    course = pathway.open_course(ws=demo_ws, child_id=child.id, track_id="mind-my-mind",
                                 start_date=date(2026, 10, 1)).course
    return child, course


@pytest.fixture(autouse=True)
def fast_autosave(monkeypatch):
    monkeypatch.setattr(session_editor, "AUTOSAVE_MS", 50)


def _open_editor(qtbot, window, child_id):
    window.select_child(child_id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None and window.child_view.new_session_button.isEnabled())
    qtbot.mouseClick(window.child_view.new_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor is not None and window.editor.isVisible(), timeout=3000)
    window.editor.activateWindow()
    # Keyboard shortcuts belong to the active window.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window.editor, timeout=3000)
    return window.editor


def test_guided_editor_shows_position_and_prefilled_parts(qtbot, window, child_with_course) -> None:
    child, _course = child_with_course
    editor = _open_editor(qtbot, window, child.id)
    assert "Session 1 af 10 (manual: 9-13)" in editor.heading.text()
    assert "Mind My Mind" in editor.theme.text()
    assert editor.parts["agenda"].toPlainText()  # pre-filled from the manual's outline
    assert editor.windowTitle().find("Åse") == -1  # no names in window titles
    editor.reject()


def test_typing_is_autosaved_as_an_encrypted_draft(qtbot, window, demo_ws, child_with_course) -> None:
    child, course = child_with_course
    editor = _open_editor(qtbot, window, child.id)
    editor.parts["exercise"].clear()
    qtbot.keyClicks(editor.parts["exercise"], "Eksponering: ringede til en ven")
    with qtbot.waitSignal(editor.draft_saved, timeout=3000):
        pass
    stored = sessions.get(ws=demo_ws, session_id=editor.session.id)
    assert stored.state == "draft" and stored.parts.exercise == "Eksponering: ringede til en ven"
    assert "Kladde gemt" in editor.save_state.text()
    editor.reject()


def test_closing_saves_unsaved_typing(qtbot, window, demo_ws, child_with_course, monkeypatch) -> None:
    monkeypatch.setattr(session_editor, "AUTOSAVE_MS", 60_000)
    child, _course = child_with_course
    editor = _open_editor(qtbot, window, child.id)
    qtbot.keyClicks(editor.parts["homework"], " Skrive dagbog.")
    session_id = editor.session.id
    qtbot.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)
    assert sessions.get(ws=demo_ws, session_id=session_id).parts.homework.endswith("Skrive dagbog.")


def test_ctrl_enter_signs_into_the_journal_with_the_passphrase(qtbot, window, demo_ws, child_with_course,
                                                               _prompts) -> None:
    child, course = child_with_course
    editor = _open_editor(qtbot, window, child.id)
    qtbot.keyClicks(editor.parts["goals"], " Mål: gå alene i skole.")
    session_id = editor.session.id
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(editor.finished, timeout=3000):
        qtbot.keyClick(editor.parts["goals"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    stored = sessions.get(ws=demo_ws, session_id=session_id)
    assert stored.state == "signed", _prompts.shown
    entries = sessions.journal_of(ws=demo_ws, session_id=session_id)
    assert len(entries) == 1 and entries[0].author_id == demo_ws.user.id and "gå alene i skole" in entries[0].body
    qtbot.waitUntil(lambda: window.editor is None)
    tree = window.child_view.courses
    assert tree.topLevelItem(0).text(3).startswith("1 af 10")


def test_cancelling_or_a_wrong_passphrase_keeps_the_draft(qtbot, window, demo_ws, child_with_course,
                                                          _prompts) -> None:
    child, _course = child_with_course
    editor = _open_editor(qtbot, window, child.id)
    qtbot.keyClicks(editor.parts["status"], " Åse sov bedre.")  # text of its own, not only the template
    _prompts.set_next_text(None)
    qtbot.mouseClick(editor.finish_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    _prompts.set_next_text("forkert-kode")
    _prompts.set_next_answer(True)  # dismisses the error box
    qtbot.mouseClick(editor.finish_button, Qt.MouseButton.LeftButton)
    assert editor.isVisible() and _prompts.shown[-1][0] == "error" and "Forkert adgangskode" in _prompts.shown[-1][2]
    assert sessions.get(ws=demo_ws, session_id=editor.session.id).state == "draft"
    editor.reject()


def test_warning_when_the_child_is_too_old_for_the_track(qtbot, window, demo_ws) -> None:
    child = child_with_consent(demo_ws, "Ældre", "Øby", "010109-4003", on=TODAY)
    pathway.open_course(ws=demo_ws, child_id=child.id, track_id="cool-kids", start_date=TODAY,
                        age_reason="Sporet passer bedst.")
    editor = _open_editor(qtbot, window, child.id)
    assert editor.warning.isVisible() and "7-12" in editor.warning.text()
    editor.reject()


def test_new_course_from_the_child_view(qtbot, window, demo_ws) -> None:
    child = child_with_consent(demo_ws, "Ny", "Østergård", "050515-4011")
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    qtbot.mouseClick(window.child_view.new_course_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    dlg = window.dialog
    dlg.track.setCurrentIndex(dlg.track.findData("mind-my-mind"))
    assert dlg.planned.value() == 10 and not dlg.warning.isVisible()
    dlg.planned.setValue(15)
    assert dlg.warning.isVisible() and "maksimum" in dlg.warning.text()
    dlg.planned.setValue(10)
    qtbot.keyClick(dlg, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.child_view.courses.topLevelItemCount() == 1)
    assert window.child_view.courses.topLevelItem(0).text(0) == "Mind My Mind"


def test_quitting_with_an_open_editor_saves_the_draft(qtbot, window, demo_ws, child_with_course, monkeypatch) -> None:
    monkeypatch.setattr(session_editor, "AUTOSAVE_MS", 60_000)
    child, _course = child_with_course
    editor = _open_editor(qtbot, window, child.id)
    qtbot.keyClicks(editor.parts["status"], " Ny tekst før lukning.")
    session_id = editor.session.id
    window.close()
    assert sessions.get(ws=demo_ws, session_id=session_id).parts.status.endswith("Ny tekst før lukning.")


def test_new_session_twice_resumes_the_same_draft(qtbot, window, demo_ws, child_with_course) -> None:
    child, _course = child_with_course
    first = _open_editor(qtbot, window, child.id)
    first_id = first.session.id
    first.reject()
    qtbot.waitUntil(lambda: window.editor is None)
    second = _open_editor(qtbot, window, child.id)
    assert second.session.id == first_id and "Session 1 af" in second.heading.text()
    second.reject()
