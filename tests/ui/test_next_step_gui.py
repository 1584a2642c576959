"""The next step's guidance in the window: consent said before the course dialog, the tracks for the child's age
first, the young person proposed in the consent form from 15, and a birthday during the course flagged."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from behandlerklient.services.pathway import pathway
from tests.helpers import child_with_consent, closed_with_follow_up
from tests.ui.conftest import TODAY


def _form(qtbot, window, name="formDialog"):
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible()
                    and window.dialog.objectName() == name, timeout=3000)
    return window.dialog


def test_new_course_says_the_missing_consent_before_the_dialog_and_proposes_the_young_person(
        qtbot, window, demo_ws, _prompts) -> None:
    child = child_with_consent(demo_ws, "Sofie", "Østergård", "040510-4008", consent=False)  # 16 on TODAY
    window.select_child(child.id)
    _prompts.set_next_answer(True)  # "Record it now?"
    window.new_course_action.trigger()
    kind, _title, text = _prompts.shown[-1]
    assert kind == "question" and "Den unges eget samtykke til behandling mangler" in text
    dlg = _form(qtbot, window)  # the consent form, not the course dialog
    assert dlg.values()["given_by"] == "young_person" and dlg.values()["kind"] == "treatment"
    assert dlg.values()["guardian_id"] is None
    dlg.reject()
    qtbot.waitUntil(lambda: window.dialog is None)

    _prompts.set_next_answer(False)  # "Show the course anyway": the dialog says it too, at the top
    window.new_course_action.trigger()
    dlg = _form(qtbot, window, "newCourseDialog")
    assert dlg.consent_note.isVisible() and "samtykke" in dlg.consent_note.text()
    fitting = [dlg.track.itemText(i) for i in range(dlg.track.count())]
    outside = [i for i, t in enumerate(fitting) if "uden for barnets alder" in t]
    assert outside and min(outside) > max(i for i in range(len(fitting)) if i not in outside)  # fitting first
    assert not any("Cool Kids" in fitting[i] for i in range(len(fitting)) if i not in outside)  # 7-12 years
    dlg.reject()


def test_the_consent_form_proposes_the_custody_holder_under_15(qtbot, window, demo_ws, _prompts) -> None:
    child = child_with_consent(demo_ws, "Alma", "Holm", "010316-4002", consent=False)  # 10 years
    window.select_child(child.id)
    window.pathway.actions["consent"].trigger()
    dlg = _form(qtbot, window)
    assert dlg.values()["given_by"] == "custody_holder" and dlg.values()["guardian_id"] == child.guardians[0].id


def test_turning_15_during_the_course_is_flagged_before_the_next_session(qtbot, window, demo_ws, _prompts) -> None:
    # Born 1 November 2011: 14 when the course started in September, 15 on TODAY (23 November 2026).
    child = child_with_consent(demo_ws, "Ida", "Krogh", "011111-4005", on=date(2026, 8, 20))
    pathway.open_course(ws=demo_ws, child_id=child.id, track_id="stime-bekymring-tristhed",
                        start_date=date(2026, 9, 1))
    window.select_child(child.id)
    view = window.child_view
    assert view.next_button.text() == "Næste: Samtykke fra den unge"
    assert view.next_warning.isVisible() and "01.11.2026" in view.next_warning.text()
    assert "egen læge" in view.next_warning.text()
    _prompts.set_next_answer(True)  # the warning before the session is opened
    qtbot.mouseClick(view.new_session_button, Qt.MouseButton.LeftButton)
    assert any(kind == "warning" and "fyldte 15" in text for kind, _t, text in _prompts.shown)
    qtbot.waitUntil(lambda: window.editor is not None)
    window.editor.reject()
    qtbot.waitUntil(lambda: window.editor is None)
    qtbot.waitUntil(lambda: view.next_button.text() == "Næste: Samtykke fra den unge")
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)  # her own consent, proposed as hers
    dlg = _form(qtbot, window)
    assert dlg.values()["given_by"] == "young_person"
    assert TODAY.isoformat() == dlg.values()["given_on"].isoformat()


def test_a_child_back_after_a_closed_course_is_led_to_the_new_contact_not_the_old_follow_up(
        qtbot, window, demo_ws, _prompts) -> None:
    """Open door: the family calls again before the follow-up is due; the button opens the new contact's draft."""
    child = child_with_consent(demo_ws, "Sofie", "Østergård", "040510-4008", on=date(2026, 5, 1))  # 16
    closed_with_follow_up(demo_ws, child, start=date(2026, 5, 4), closed=date(2026, 10, 30))
    contact_id, _ = pathway.add_contact(ws=demo_ws, child_id=child.id, contact_date=date(2026, 11, 20),
                                        made_by="parent", way="self", concern="Bekymringerne er tilbage")
    window.select_child(child.id)
    view = window.child_view
    qtbot.waitUntil(lambda: view.next_button.text() == "Næste: Henvendelse (kladde)")
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    dlg = _form(qtbot, window)
    assert dlg.values()["concern"] == "Bekymringerne er tilbage"
    assert dlg.reopen_ref().ids["record_id"] == contact_id
