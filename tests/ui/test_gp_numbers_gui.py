"""A GP's EAN (GLN) and SOR typed in the Stamdata dialog are checked as dk-core states them, with the reason shown."""

from PySide6.QtCore import Qt

from behandlerklient.services.registration import master_data
from tests.helpers import child_with_consent
from tests.ui.conftest import TODAY

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_wrong_ean_is_refused_with_its_reason_and_the_right_one_is_saved(qtbot, window, demo_ws) -> None:
    child = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006", on=TODAY)
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None and window.child_view.overview.child.id == child.id)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "childDetailsDialog")
    dlg = window.dialog
    dlg.tabs.setCurrentIndex(2)
    qtbot.keyClicks(dlg.gp_edits["clinic_name"], "Lægerne i Marstal")
    qtbot.keyClicks(dlg.gp_edits["sor"], "111122223333444")
    qtbot.keyClicks(dlg.gp_edits["ean"], "5790001234567")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "kontrolciffer" in dlg.message.text())
    assert master_data.current(ws=demo_ws, child_id=child.id).gp is None
    qtbot.keyClick(dlg.gp_edits["ean"], Qt.Key.Key_Backspace)
    qtbot.keyClicks(dlg.gp_edits["ean"], "0")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Gemt" in dlg.message.text())
    assert master_data.current(ws=demo_ws, child_id=child.id).gp.ean == "5790001234560"
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.dialog is None)
