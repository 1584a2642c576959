"""In the real window: nobody reopens or signs a colleague's draft, what is missing is said before the passphrase
is asked, and every signed entry shows who signed it and when."""

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway, records
from behandlerklient.storage.users import UserRepository
from behandlerklient.ui.widgets.child_view import SESSION_ROLE
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

SIGNED = datetime(2026, 11, 20, 13, 45, tzinfo=timezone.utc)
SIGNED_TEXT = f"{SIGNED.astimezone():%d.%m.%Y %H:%M}"


@pytest.fixture
def child_with_course(demo_ws):
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006")
    course = pathway.open_course(ws=demo_ws, child_id=child.id, track_id="mind-my-mind",
                                 start_date=date(2026, 10, 1)).course
    return child, course


def _show(qtbot, window, child_id):
    window.select_child(child_id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None
                    and window.child_view.overview.child.id == child_id, timeout=3000)


def _open_new_session(qtbot, window):
    qtbot.mouseClick(window.child_view.new_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor is not None and window.editor.isVisible(), timeout=3000)
    window.editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window.editor, timeout=3000)
    return window.editor


def _activate_session(qtbot, window, session_id):
    tree = window.child_view.courses
    items = [tree.topLevelItem(i).child(j) for i in range(tree.topLevelItemCount())
             for j in range(tree.topLevelItem(i).childCount())]
    tree.setCurrentItem(next(it for it in items if it.data(0, SESSION_ROLE) == session_id))
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return)


def _asked_passphrase(prompts) -> bool:
    return any(kind == "passphrase" for kind, _t, _x in prompts.shown)


def test_new_session_never_reopens_the_supervisors_draft(qtbot, window, demo_ws, child_with_course,
                                                         _prompts) -> None:
    child, course = child_with_course
    anna, sup = demo_ws.user, UserRepository(demo_ws.db).by_username("lhv")
    demo_ws.user = sup
    theirs, _ = sessions.start_session(ws=demo_ws, course_id=course.id, on=date(2026, 11, 20))
    demo_ws.user = anna
    _show(qtbot, window, child.id)
    editor = _open_new_session(qtbot, window)
    assert editor.session.id != theirs.id and editor.session.author_id == anna.id
    assert editor.session.number == theirs.number + 1
    assert editor.warning.isVisible() and "Louise Hvid" in editor.warning.text()
    editor.parts["exercise"].clear()
    qtbot.keyClicks(editor.parts["exercise"], "Trin 1 på trappen")
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.keyClick(editor.parts["exercise"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sessions.get(ws=demo_ws, session_id=theirs.id).state == "draft"  # hers, untouched
    entry = sessions.journal_of(ws=demo_ws, session_id=editor.session.id)[0]
    assert entry.author_id == anna.id
    # Her draft in the course list is shown, not opened for editing.
    qtbot.waitUntil(lambda: window.editor is None)
    _prompts.set_next_answer(True)
    _activate_session(qtbot, window, theirs.id)
    kind, title, text = _prompts.shown[-1]
    assert kind == "info" and "Louise Hvid" in title and "Kun forfatteren" in text
    assert window.editor is None


def test_an_empty_session_is_refused_before_the_passphrase(qtbot, window, demo_ws, child_with_course,
                                                           _prompts) -> None:
    child, _course = child_with_course
    _show(qtbot, window, child.id)
    editor = _open_new_session(qtbot, window)
    for part in editor.parts.values():
        part.clear()
    _prompts.set_next_answer(True)  # the error message is acknowledged
    qtbot.keyClick(editor.parts["agenda"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert ("error", "Sessionen blev ikke underskrevet", "Sessionen er tom; skriv mindst én af de fem dele.") \
        in _prompts.shown
    assert not _asked_passphrase(_prompts) and editor.isVisible()
    editor.reject()


def test_a_screening_without_its_crisis_plan_is_refused_without_asking_the_passphrase(qtbot, window, demo_ws,
                                                                                      _prompts) -> None:
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006")
    contact_id, _ = pathway.add_contact(ws=demo_ws, child_id=child.id, contact_date=date(2026, 11, 2),
                                        made_by="parent", way="gp", concern="Ondt i maven")
    records.sign_confirmed(ws=demo_ws, kind="contact", record_id=contact_id)
    _show(qtbot, window, child.id)
    window.pathway.actions["screening"].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "formDialog", timeout=3000)
    dlg = window.dialog
    for key, value in (("child_account", "Åse fortæller"), ("self_harm_asked", True), ("risk_level", "high"),
                       ("outcome", "course"), ("outcome_track_id", "mind-my-mind"), ("crisis_people", "Mor")):
        dlg.set_value(key, value)
    dlg.activateWindow()  # shortcuts belong to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=3000)
    qtbot.keyClick(dlg.widgets["crisis_people"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "kriseplanen" in dlg.error.text() and "advarselstegn" in dlg.error.text()
    assert not _asked_passphrase(_prompts) and dlg.isVisible()
    assert demo_ws.db.scalar("SELECT signed_at FROM screenings WHERE child_id = ?", (child.id,)) is None
    for key in ("crisis_warning_signs", "crisis_own_coping", "crisis_professionals", "crisis_means_safety"):
        dlg.set_value(key, "Aftalt med Åse og mor")
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(dlg.finished, timeout=5000):
        qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    assert _asked_passphrase(_prompts)
    assert demo_ws.db.scalar("SELECT signed_at FROM screenings WHERE child_id = ?", (child.id,)) is not None


def test_correction_and_track_change_say_what_is_wrong_before_the_passphrase(qtbot, window, demo_ws,
                                                                            child_with_course, _prompts) -> None:
    child, course = child_with_course
    s, _ = sessions.start_session(ws=demo_ws, course_id=course.id, on=date(2026, 11, 20))
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    entry, _ = sessions.finish_confirmed(ws=demo_ws, session=s)
    from behandlerklient.services.journal import journal

    journal.correct_confirmed(ws=demo_ws, original=entry, text="Rettet én gang")
    _show(qtbot, window, child.id)
    window.child_view.tabs.setCurrentIndex(2)
    jl = window.child_view.journal.list
    jl.setCurrentRow(next(i for i in range(jl.count()) if jl.item(i).text().endswith("session 1  (rettet)")))
    _prompts.set_next_answer(True)
    window.pathway.actions["correct"].trigger()
    assert _prompts.shown[-1][0] == "error" and "allerede rettet" in _prompts.shown[-1][2]
    assert not any(kind in ("text", "passphrase") for kind, _t, _x in _prompts.shown)
    # A track change without a reason: the two questions, then the refusal, and no passphrase.
    window.child_view.tabs.setCurrentIndex(0)
    _prompts.set_next_text("Chilled")
    _prompts.set_next_text("  ")
    _prompts.set_next_answer(True)
    window.pathway.actions["change_track"].trigger()
    assert _prompts.shown[-1][0] == "error" and "begrundelse" in _prompts.shown[-1][2]
    assert not _asked_passphrase(_prompts)


def test_every_signed_entry_shows_who_signed_it_and_when(qtbot, window, demo_ws, child_with_course,
                                                         _prompts) -> None:
    child, course = child_with_course
    demo_ws.clock = lambda: SIGNED
    s, _ = sessions.start_session(ws=demo_ws, course_id=course.id, on=date(2026, 11, 20))
    s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
    sessions.finish_confirmed(ws=demo_ws, session=s)
    _show(qtbot, window, child.id)
    # The timeline: the signer and the time beside each signed step.
    tree = window.child_view.timeline.tree
    rows = [[tree.topLevelItem(i).text(c) for c in range(4)] for i in range(tree.topLevelItemCount())]
    assert tree.headerItem().text(3) == "Underskrevet af"
    assert ["Session 1", "Underskrevet", f"Anna Åberg, {SIGNED_TEXT}"] in [r[1:] for r in rows]
    # The journal tab.
    assert f"Anna Åberg (behandler), underskrevet {SIGNED_TEXT}" in window.child_view.journal.text.toPlainText()
    # The signed session opened from the course list.
    _prompts.set_next_answer(True)
    _activate_session(qtbot, window, s.id)
    kind, title, text = _prompts.shown[-1]
    assert kind == "info" and title == "Session 1 (underskrevet)"
    assert f"Mind My Mind: session 1, underskrevet af Anna Åberg (behandler) den {SIGNED_TEXT}" in text


def test_a_group_session_naming_a_child_is_refused_before_the_passphrase(qtbot, window, demo_ws, _prompts) -> None:
    kids = [child_with_consent(demo_ws, f, last, c) for f, last, c in
            (("Alma", "Holm", "010316-4002"), ("Karla", "Dahl", "020316-4004"))]
    for k in kids:
        pathway.open_course(ws=demo_ws, child_id=k.id, track_id="cool-kids", start_date=date(2026, 11, 2),
                            format="group")
    window.pathway.actions["group"].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "groupSessionDialog",
                    timeout=3000)
    dlg = window.dialog
    dlg.track.setCurrentIndex(dlg.track.findData("cool-kids"))
    for i in range(dlg.courses.count()):
        item = dlg.courses.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in ("Alma Holm", "Karla Dahl")
                           else Qt.CheckState.Unchecked)
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dlg.parts["exercise"], "Alma Holm viste sin trappe")
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    assert "nævner et deltagende barn" in dlg.error.text() and not dlg.signed
    assert not _asked_passphrase(_prompts)
    dlg.parts["exercise"].setPlainText("Trappen i gruppen")
    _prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.signed, timeout=5000)
