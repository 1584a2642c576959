"""Issue 15's guard-rails in the real window: what is missing is said, in Danish, and no passphrase is asked
(prompts.strict: an unexpected passphrase prompt would fail the test); the risk panel while a risk is active."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QPushButton

from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway, records
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

CRISIS = {"crisis_warning_signs": "Trækker sig fra vennerne", "crisis_own_coping": "Går en tur med hunden",
          "crisis_people": "Mor og moster", "crisis_professionals": "Livslinien", "crisis_means_safety": "Piller låst"}


@pytest.fixture
def child(demo_ws):
    return child_with_consent(demo_ws, "Åse", "Ærenlund", "010313-4006")


def _contact(ws, child) -> int:
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=date(2026, 9, 1), made_by="parent",
                                 way="gp", concern="Ondt i maven")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    return cid


def _show(qtbot, window, child_id):
    window.select_child(child_id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None
                    and window.child_view.overview.child.id == child_id, timeout=3000)


def _open_new_session(qtbot, window):
    qtbot.waitUntil(lambda: window.child_view.new_session_button.isEnabled(), timeout=3000)
    qtbot.mouseClick(window.child_view.new_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor is not None and window.editor.isVisible(), timeout=3000)
    window.editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window.editor, timeout=3000)
    return window.editor


def _form(qtbot, window, key):
    window.pathway.actions[key].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible()
                    and window.dialog.objectName() == "formDialog", timeout=3000)
    return window.dialog


def _asked_passphrase(prompts) -> bool:
    return any(kind == "passphrase" for kind, _t, _x in prompts.shown)


def _ctrl_enter(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_a_session_of_only_template_text_is_refused_before_the_passphrase(qtbot, window, demo_ws, child,
                                                                         _prompts) -> None:
    pathway.open_course(ws=demo_ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 10, 1))
    _show(qtbot, window, child.id)
    editor = _open_new_session(qtbot, window)
    assert editor.parts["agenda"].toPlainText().strip()
    _prompts.set_next_answer(True)  # the error message is acknowledged
    _ctrl_enter(qtbot, editor.parts["agenda"])
    kind, _title, text = _prompts.shown[-1]
    assert kind == "error" and "kun manualens skabelontekst" in text and "dagsorden" in text
    assert not _asked_passphrase(_prompts) and editor.isVisible()
    assert sessions.get(ws=demo_ws, session_id=editor.session.id).state == "draft"
    qtbot.keyClicks(editor.parts["status"], " Åse gik alene i skole to dage.")
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(editor.finished, timeout=5000):
        _ctrl_enter(qtbot, editor.parts["status"])
    assert sessions.get(ws=demo_ws, session_id=editor.session.id).state == "signed"


def test_the_editor_shows_the_crisis_plan_and_asks_the_risk_check_until_it_is_lowered(qtbot, window, demo_ws, child,
                                                                                     _prompts) -> None:
    sid, _ = records.save(ws=demo_ws, kind="screening", values={
        "contact_id": _contact(demo_ws, child), "child_id": child.id, "screening_date": date(2026, 9, 15),
        "child_account": "Åse fortæller", "self_harm_asked": True, "risk_level": "high", "outcome": "course",
        "outcome_track_id": "mind-my-mind", **CRISIS})
    records.sign_confirmed(ws=demo_ws, kind="screening", record_id=sid)
    pathway.open_course(ws=demo_ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 10, 1))
    _show(qtbot, window, child.id)
    editor = _open_new_session(qtbot, window)
    panel = editor.findChild(QGroupBox, "riskPanel")
    assert panel is not None and panel.isVisible()
    assert "høj" in editor.findChild(QLabel, "riskSummary").text()
    assert "Piller låst" in editor.findChild(QLabel, "crisisPlan").text()
    qtbot.keyClicks(editor.parts["status"], " Åse har haft en svær uge.")
    _prompts.set_next_answer(True)
    _ctrl_enter(qtbot, editor.parts["status"])
    kind, _title, text = _prompts.shown[-1]
    assert kind == "error" and "risikotjekket" in text and not _asked_passphrase(_prompts)
    editor.risk_level.setFocus()
    for _ in range(2):  # "(ikke tjekket)" -> Ingen -> Lav
        qtbot.keyClick(editor.risk_level, Qt.Key.Key_Down)
    assert editor.risk_level.currentData() == "low"
    qtbot.keyClicks(editor.risk_note, "Kriseplanen gennemgået; ingen aktuelle tanker.")
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(editor.finished, timeout=5000):
        _ctrl_enter(qtbot, editor.parts["status"])
    assert "Risikotjek" in sessions.journal_of(ws=demo_ws, session_id=editor.session.id)[0].body
    qtbot.waitUntil(lambda: window.editor is None)
    nxt = _open_new_session(qtbot, window)  # lowered by the check: no panel, no check asked
    assert not nxt.findChild(QGroupBox, "riskPanel").isVisible()
    nxt.reject()


def test_the_closing_has_no_default_effect_and_says_so_before_the_passphrase(qtbot, window, demo_ws, child,
                                                                            _prompts) -> None:
    pathway.open_course(ws=demo_ws, child_id=child.id, track_id="mind-my-mind", start_date=date(2026, 10, 1))
    _show(qtbot, window, child.id)
    window.child_view.courses.setCurrentItem(window.child_view.courses.topLevelItem(0))
    dlg = _form(qtbot, window, "closing")
    effect = dlg.widgets["effect"]
    assert effect.currentData() is None and effect.currentText() == "(vælg)"
    dlg.set_value("further_needs", "Ingen")
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "Effekten skal vælges" in dlg.error.text()
    assert not _asked_passphrase(_prompts)
    dlg.set_value("effect", "improved")
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)  # 0 of the manual's 9 sessions, no SDQ
    assert "minimum på 9 sessioner" in dlg.error.text() and "baseline fra samme informant" in dlg.error.text()
    assert not _asked_passphrase(_prompts)
    _prompts.set_next_answer(True)  # close, discarding the draft's typing
    dlg.reject()


def test_guidance_without_a_reason_is_refused_before_the_passphrase(qtbot, window, demo_ws, child, _prompts) -> None:
    _contact(demo_ws, child)
    _show(qtbot, window, child.id)
    dlg = _form(qtbot, window, "screening")
    for key, value in (("child_account", "Åse fortæller"), ("self_harm_asked", True), ("risk_level", "low"),
                       ("outcome", "guidance")):
        dlg.set_value(key, value)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    assert "Vejledning til anden hjælp" in dlg.error.text() and "skal begrundes" in dlg.error.text()
    assert not _asked_passphrase(_prompts)
    dlg.set_value("outcome_reason", "Skolens AKT-vejleder kan hjælpe.")
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(dlg.finished, timeout=5000):
        qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    assert demo_ws.db.scalar("SELECT notification_to_gp FROM screenings WHERE child_id = ?", (child.id,)) == 0


def test_a_course_started_another_way_is_recorded_as_such(qtbot, window, demo_ws, child, _prompts) -> None:
    _show(qtbot, window, child.id)
    qtbot.mouseClick(window.child_view.new_course_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "newCourseDialog",
                    timeout=3000)
    dlg = window.dialog
    dlg.track.setCurrentIndex(dlg.track.findData("mind-my-mind"))
    assert not dlg.other_way_note.isVisible()
    qtbot.mouseClick(dlg.other_way, Qt.MouseButton.LeftButton)
    assert dlg.other_way_note.isVisible() and "anden vej" in dlg.warning.text()
    qtbot.keyClicks(dlg.other_way_note, "Henvist af PPR efter aftale")
    _prompts.set_next_answer(True)  # the warning that the screening was skipped
    qtbot.mouseClick(dlg.findChild(QPushButton, "createCourseButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.child_view.courses.topLevelItemCount() == 1)
    assert any(kind == "warning" and "uden en underskrevet screening" in text for kind, _t, text in _prompts.shown)
    row = demo_ws.db.query_one("SELECT entry_route, entry_note FROM courses WHERE child_id = ?", (child.id,))
    assert tuple(row) == ("other_way", "Henvist af PPR efter aftale")
