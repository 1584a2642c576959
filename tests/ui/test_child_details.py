"""The Stamdata dialog and the age-reason flows, driven through the real window."""


from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from behandlerklient.core.models import Guardian
from behandlerklient.services.pathway import consent
from behandlerklient.services.registration import children, master_data
from behandlerklient.ui import prompts
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent
from tests.ui.conftest import TODAY

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _dialog(qtbot, window, name):
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible()
                    and window.dialog.objectName() == name, timeout=3000)
    return window.dialog


def _open_child(qtbot, window, child_id):
    window.select_child(child_id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None and window.child_view.overview.child.id == child_id)


def _retype(qtbot, edit, text):
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_master_data_are_typed_saved_and_listed_in_the_history(qtbot, window, demo_ws) -> None:
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006", on=TODAY)
    _open_child(qtbot, window, child.id)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    dlg = _dialog(qtbot, window, "childDetailsDialog")
    assert dlg.cpr.text() == "010316-4006" and dlg.history.topLevelItemCount() == 0
    _retype(qtbot, dlg.address, "Nørregade 5, 5970 Ærøskøbing")
    _retype(qtbot, dlg.school, "Marstal Skole")
    # The father gets custody; a new parent is added with phone, e-mail and address.
    dlg.tabs.setCurrentIndex(1)
    dlg.guardian_list.setCurrentRow(1)
    qtbot.keyClick(dlg.g_custody, Qt.Key.Key_Space)
    qtbot.mouseClick(dlg.add_guardian_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dlg.g_name, "Lise Plejemor")
    qtbot.keyClicks(dlg.g_phone, "40 40 40 40")
    qtbot.keyClicks(dlg.g_email, "lise@example.dk")
    qtbot.keyClicks(dlg.g_address, "Skovvej 1")
    # A new GP with SOR and EAN.
    dlg.tabs.setCurrentIndex(2)
    _retype(qtbot, dlg.gp_edits["clinic_name"], "Lægerne i Marstal")
    qtbot.keyClicks(dlg.gp_edits["sor"], "111122223333444")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.history.topLevelItemCount() >= 5)
    rows = [[item.text(i) for i in range(6)] for item in
            (dlg.history.topLevelItem(n) for n in range(dlg.history.topLevelItemCount()))]
    whats = {r[2] for r in rows}
    assert {"Adresse", "Skole", "Egen læge", "Forældremyndighed (Far Ærenlund)",
            "Forælder tilføjet (Lise Plejemor)"} <= whats
    school = next(r for r in rows if r[2] == "Skole")
    assert school[1] == "Anna Åberg" and school[3] == "–" and school[4] == "Marstal Skole"
    assert "Gemt" in dlg.message.text()
    stored = master_data.current(ws=demo_ws, child_id=child.id)
    assert (stored.address, stored.school, stored.gp.clinic_name, stored.gp.sor) == (
        "Nørregade 5, 5970 Ærøskøbing", "Marstal Skole", "Lægerne i Marstal", "111122223333444")
    assert [(g.name, g.has_custody) for g in stored.guardians][1:] == [("Far Ærenlund", True), ("Lise Plejemor", True)]
    # The child view shows the current values at once.
    assert "Marstal Skole" in window.child_view.details.text()
    assert "Lægerne i Marstal" in window.child_view.details.text()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # nothing unsaved: closes without asking
    qtbot.waitUntil(lambda: window.dialog is None)


def test_cpr_correction_asks_for_a_reason_and_the_list_finds_the_new_number(qtbot, window, demo_ws) -> None:
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006", on=TODAY)
    _open_child(qtbot, window, child.id)
    qtbot.mouseClick(window.child_view.details_button, Qt.MouseButton.LeftButton)
    dlg = _dialog(qtbot, window, "childDetailsDialog")
    _retype(qtbot, dlg.cpr, "050612-4322")
    assert "kræver en begrundelse" in dlg.cpr_state.text()
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert "kræver en begrundelse" in dlg.message.text()
    assert master_data.current(ws=demo_ws, child_id=child.id).cpr == "0103164006"
    _retype(qtbot, dlg.cpr, "070761-4285")
    qtbot.keyClicks(dlg.reason, "Forkert nummer ved oprettelsen")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert "fødselsåret 1961" in dlg.message.text()
    _retype(qtbot, dlg.cpr, "050612-4322")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.history.topLevelItemCount() == 1)
    item = dlg.history.topLevelItem(0)
    assert [item.text(i) for i in (2, 3, 4, 5)] == ["CPR-nummer (rettelse)", "0103164006", "0506124322",
                                                   "Forkert nummer ved oprettelsen"]
    assert "CPR 050612-4322" in window.child_view.header.text()
    window.search.setText("050612-4322")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1 and window.model.child_id(0) == child.id)


def test_closing_with_unsaved_changes_asks_first(qtbot, window, demo_ws, _prompts) -> None:
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006", on=TODAY)
    _open_child(qtbot, window, child.id)
    window.child_details.action.trigger()
    dlg = _dialog(qtbot, window, "childDetailsDialog")
    _retype(qtbot, dlg.school, "Marstal Skole")
    _prompts.set_next_answer(False)  # keep editing
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.isVisible() and _prompts.shown[-1][0] == "question"
    _prompts.set_next_answer(True)  # discard
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.dialog is None)
    assert master_data.current(ws=demo_ws, child_id=child.id).school == ""


def test_master_data_without_a_chosen_child_explains_why(qtbot, window, _prompts) -> None:
    _prompts.set_next_answer(True)
    window.child_details.action.trigger()
    assert _prompts.shown[-1][0] == "info" and "barn" in _prompts.shown[-1][2].lower()


def test_custody_corrected_in_the_dialog_is_what_the_consent_tab_uses(qtbot, window, demo_ws) -> None:
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006", on=TODAY)
    _open_child(qtbot, window, child.id)
    assert consent.treatment(ws=demo_ws, child_id=child.id, on=TODAY).ok
    window.child_details.action.trigger()
    dlg = _dialog(qtbot, window, "childDetailsDialog")
    dlg.tabs.setCurrentIndex(1)
    dlg.guardian_list.setCurrentRow(0)
    qtbot.keyClick(dlg.g_custody, Qt.Key.Key_Space)  # the mother has no custody after all
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.child_view.record.consents["treatment"].ok)


def test_contact_for_a_four_year_old_needs_a_reason_in_the_form(qtbot, window, demo_ws, _prompts) -> None:
    reg = children.register_child(ws=demo_ws, first_name="Lille", last_name="Ærø", cpr="010122-4002",
                                  guardians=[Guardian(None, "Mor Ærø", "mother", True)])
    _open_child(qtbot, window, reg.child.id)
    qtbot.keyClick(window, Qt.Key.Key_H, CTRL_SHIFT)
    dlg = _dialog(qtbot, window, "formDialog")
    dlg.set_value("made_by", "parent")
    dlg.set_value("way", "self")
    dlg.set_value("concern", "Meget ængstelig ved adskillelse.")
    _prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "Barnet er 4 år på henvendelsesdatoen" in dlg.error.text()
    qtbot.keyClicks(dlg.widgets["age_reason"], "Fylder 5 i januar")
    _prompts.reset()
    _prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: demo_ws.db.scalar(
        "SELECT count(*) FROM contacts WHERE child_id = ? AND signed_at IS NOT NULL", (reg.child.id,)) == 1)
    assert demo_ws.db.scalar("SELECT age_reason FROM contacts WHERE child_id = ?", (reg.child.id,)) == \
        "Fylder 5 i januar"


def test_new_course_on_a_track_that_does_not_fit_the_age_asks_for_the_reason(qtbot, window, demo_ws) -> None:
    child = child_with_consent(demo_ws, "Ældre", "Øby", "010110-4002", on=TODAY)  # 16 years old
    _open_child(qtbot, window, child.id)
    qtbot.mouseClick(window.child_view.new_course_button, Qt.MouseButton.LeftButton)
    dlg = _dialog(qtbot, window, "newCourseDialog")
    dlg.track.setCurrentIndex(dlg.track.findData("mind-my-mind"))  # 6-16: fits
    assert not dlg.age_reason.isVisible()
    dlg.track.setCurrentIndex(dlg.track.findData("cool-kids"))  # 7-12: does not
    assert dlg.age_reason.isVisible() and "7-12" in dlg.warning.text() and "begrundelse" in dlg.warning.text()
    qtbot.mouseClick(dlg.findChild(QPushButton, "createCourseButton"), Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and dlg.choice is None  # no reason yet: the dialog stays
    qtbot.keyClicks(dlg.age_reason, "Umoden for alderen; gruppen passer bedst")
    qtbot.mouseClick(dlg.findChild(QPushButton, "createCourseButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.child_view.courses.topLevelItemCount() == 1)
    assert demo_ws.db.scalar("SELECT age_reason FROM courses WHERE child_id = ?", (child.id,)) == \
        "Umoden for alderen; gruppen passer bedst"


def test_new_child_with_an_implausible_cpr_is_refused_in_the_dialog(qtbot, window, demo_ws) -> None:
    before = children.count(ws=demo_ws)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL_SHIFT)
    dlg = _dialog(qtbot, window, "newChildDialog")
    qtbot.keyClicks(dlg.first, "Voksen")
    qtbot.keyClicks(dlg.last, "Person")
    qtbot.keyClicks(dlg.cpr, "070761-4285")
    assert "fødselsåret 1961" in dlg.cpr_state.text()
    qtbot.mouseClick(dlg.findChild(QPushButton, "createChildButton"), Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "fødselsåret 1961" in dlg.error.text()
    assert children.count(ws=demo_ws) == before
    prompts.set_next_answer(True)  # the typing is discarded on purpose
    dlg.reject()


def test_every_field_of_every_stamdata_page_is_reached_with_alt_and_its_letter(qtbot, window, demo_ws) -> None:
    from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006", on=TODAY)
    _open_child(qtbot, window, child.id)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    dlg = _dialog(qtbot, window, "childDetailsDialog")
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    for page in range(3):
        dlg.tabs.setCurrentIndex(page)
        fields = [w for w in dlg.tabs.widget(page).findChildren(QLabel)
                  if w.buddy() is not None and w.isVisible() and w.text()]
        fields += [w for w in dlg.tabs.widget(page).findChildren(QAbstractButton) if w.isVisible() and w.text()]
        assert fields
        for w in fields:
            text = w.text()
            assert "&" in text, f"{dlg.tabs.tabText(page)}: '{text}' has no keyboard letter"
            target = w.buddy() if isinstance(w, QLabel) else w
            letter = text[text.index("&") + 1].upper()
            dlg.tabs.setFocus()
            qtbot.keyClick(dlg.tabs, letter, Qt.KeyboardModifier.AltModifier)
            if isinstance(w, QLabel):
                assert QApplication.focusWidget() is target, f"Alt+{letter} ('{text}') did not reach its field"
