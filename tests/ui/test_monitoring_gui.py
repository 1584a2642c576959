"""The contact form asks what the contact is about as the municipality's categories (check boxes beside the
free text), and the closing and coordination forms record why a course ended and a referral to BUP."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from behandlerklient.core.monitoring import DEFAULT_REASONS
from behandlerklient.services.demo import demo_vocabulary
from behandlerklient.services.pathway import pathway
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent


def _form(qtbot, window, key):
    window.pathway.actions[key].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible()
                    and window.dialog.objectName() == "formDialog", timeout=5000)
    return window.dialog


def _sign(qtbot, dlg, prompts):
    prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)


def test_contact_form_records_reason_categories(qtbot, window, demo_ws, _prompts) -> None:
    ws = demo_ws
    child = child_with_consent(ws, "Årsag", "Østergaard", "010316-4002")
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.current_child_id == child.id)
    dlg = _form(qtbot, window, "contact")
    boxes = {b.objectName(): b for b in dlg.widgets["reasons"].findChildren(QCheckBox)}
    assert [b.text() for b in boxes.values()] == list(DEFAULT_REASONS.values())  # Danish labels of the setting
    for code in ("angst", "stress"):
        boxes[f"choice_{code}"].setFocus()
        qtbot.keyClick(boxes[f"choice_{code}"], Qt.Key.Key_Space)
    assert dlg.values()["reasons"] == "angst,stress"
    qtbot.keyClicks(dlg.widgets["concern"], "Ondt i maven før prøver; sover dårligt.")
    _sign(qtbot, dlg, _prompts)
    qtbot.waitUntil(lambda: ws.db.scalar("SELECT count(*) FROM contacts WHERE child_id = ? AND signed_at IS NOT NULL",
                                         (child.id,)) == 1, timeout=5000)
    reasons, unit = ws.db.query_one("SELECT reasons, delivering_unit FROM contacts WHERE child_id = ?", (child.id,))
    assert reasons == "angst,stress" and unit == demo_vocabulary.DELIVERING_UNIT


def test_bup_referral_and_end_reason_from_the_forms(qtbot, window, demo_ws, _prompts) -> None:
    ws = demo_ws
    child = child_with_consent(ws, "Henvist", "Østergaard", "010316-4002")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=window.today()).course
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.current_child_id == child.id)
    dlg = _form(qtbot, window, "coordination")
    dlg.set_value("partner", "bup")
    dlg.widgets["bup_referral"].setFocus()
    qtbot.keyClick(dlg.widgets["bup_referral"], Qt.Key.Key_Space)
    qtbot.keyClicks(dlg.widgets["summary"], "Henvist til udredning for depression.")
    _sign(qtbot, dlg, _prompts)
    qtbot.waitUntil(lambda: ws.db.scalar("SELECT bup_referral FROM coordination_entries WHERE course_id = ? "
                                         "AND signed_at IS NOT NULL", (course.id,)) == 1, timeout=5000)

    window.child_view.courses.setCurrentItem(window.child_view.courses.topLevelItem(0))
    dlg = _form(qtbot, window, "closing")
    assert dlg.widgets["end_reason"].currentData() == "plan_completed"  # the first, for a course that ran its plan
    dlg.set_value("status", "dropped_out")
    dlg.set_value("end_reason", "referred_bup")
    dlg.set_value("effect", "unchanged")  # the effect has no default since the guard-rails: it is always chosen
    dlg.set_value("further_needs", "Udredning i BUP.")
    dlg.set_value("criteria_reason", "Henvist til BUP undervejs.")
    _sign(qtbot, dlg, _prompts)
    qtbot.waitUntil(lambda: ws.db.scalar("SELECT end_reason FROM closings WHERE course_id = ? "
                                         "AND signed_at IS NOT NULL", (course.id,)) == "referred_bup", timeout=5000)
