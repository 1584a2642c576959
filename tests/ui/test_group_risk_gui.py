"""Issue 15's suicide-risk guard-rail in the group-session dialog: each participant whose risk is active gets
their crisis plan and a risk check; without the check signing is refused before the passphrase (prompts.strict)."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QGroupBox, QLabel, QLineEdit

from behandlerklient.services.pathway import pathway, records
from behandlerklient.storage.sessions import JournalRepository
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent

CRISIS = {"crisis_warning_signs": "Trækker sig fra vennerne", "crisis_own_coping": "Går en tur med hunden",
          "crisis_people": "Mor og moster", "crisis_professionals": "Livslinien", "crisis_means_safety": "Piller låst"}
DAY = date(2026, 9, 15)


def _screened_at_high_risk(ws, child) -> None:
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=date(2026, 9, 1), made_by="parent",
                                 way="gp", concern="Ondt i maven")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    sid, _ = records.save(ws=ws, kind="screening", values={
        "contact_id": cid, "child_id": child.id, "screening_date": DAY, "child_account": "Åse fortæller",
        "self_harm_asked": True, "risk_level": "high", "outcome": "course", "outcome_track_id": "cool-kids",
        **CRISIS})
    records.sign_confirmed(ws=ws, kind="screening", record_id=sid)


def test_the_group_dialog_shows_the_crisis_plan_and_asks_the_risk_check(qtbot, window, demo_ws, _prompts) -> None:
    ase = child_with_consent(demo_ws, "Åse", "Ærenlund", "010316-4006")
    bo = child_with_consent(demo_ws, "Bo", "Krag", "020316-4011")
    _screened_at_high_risk(demo_ws, ase)
    for k in (ase, bo):
        pathway.open_course(ws=demo_ws, child_id=k.id, track_id="cool-kids", start_date=date(2026, 10, 1),
                            format="group")
    window.pathway.actions["group"].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "groupSessionDialog",
                    timeout=3000)
    dlg = window.dialog
    dlg.track.setCurrentIndex(dlg.track.findData("cool-kids"))
    for i in range(dlg.courses.count()):  # only our two
        item = dlg.courses.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in ("Åse Ærenlund", "Bo Krag")
                           else Qt.CheckState.Unchecked)
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert dlg.people.rowCount() == 2
    panels = [b for b in dlg.findChildren(QGroupBox) if b.objectName().startswith("riskPanel")]
    assert len(panels) == 1 and "Åse Ærenlund" in panels[0].title()
    qtbot.waitUntil(panels[0].isVisible, timeout=3000)  # shown once the layout takes it in
    labels = " ".join(lab.text() for lab in panels[0].findChildren(QLabel))
    assert "høj" in labels and "Piller låst" in labels
    qtbot.keyClicks(dlg.parts["status"], "Gruppen øvede trappen.")
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    assert "Åse Ærenlund" in dlg.error.text() and "risikotjekket" in dlg.error.text()
    assert not any(kind == "passphrase" for kind, _t, _x in _prompts.shown) and dlg.isVisible()
    level = panels[0].findChild(QComboBox)
    level.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is level, timeout=3000)
    for _ in range(4):  # "(ikke tjekket)" -> Ingen -> Lav -> Moderat -> Høj
        qtbot.keyClick(level, Qt.Key.Key_Down)
    assert level.currentData() == "high"
    qtbot.keyClicks(panels[0].findChild(QLineEdit), "Kriseplanen gennemgået med Åse.")
    _prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.signed, timeout=5000)
    body = next(e.body for e in JournalRepository(demo_ws.db).for_child(ase.id) if e.source == "group_session")
    assert "Risikotjek" in body and "Høj" in body and "Kriseplanen gennemgået med Åse." in body
