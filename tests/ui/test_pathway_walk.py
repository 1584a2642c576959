"""One child through the whole pathway in the real window: contact to follow-up, driven by clicks and keys."""

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from behandlerklient.services.pathway import records
from behandlerklient.services.reports import listing
from tests.conftest import PASSPHRASE
from tests.ui.conftest import TODAY


def _dialog(qtbot, window, name="formDialog"):
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible()
                    and window.dialog.objectName() == name, timeout=3000)
    return window.dialog


def _sign(qtbot, window, dlg, prompts, passphrase=PASSPHRASE):
    prompts.set_next_text(passphrase)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)


def _step(qtbot, window, key):
    window.pathway.actions[key].trigger()
    return _dialog(qtbot, window)


def _signed(ws, table, child_id):
    return ws.db.scalar(f"SELECT count(*) FROM {table} WHERE child_id = ? AND signed_at IS NOT NULL", (child_id,))


def test_one_child_from_contact_to_follow_up(qtbot, window, demo_ws, _prompts) -> None:
    ws = demo_ws
    # 1. Register the child from the keyboard.
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = _dialog(qtbot, window, "newChildDialog")
    qtbot.keyClicks(dlg.first, "Åse")
    qtbot.keyClicks(dlg.last, "Ærenlund")
    qtbot.keyClicks(dlg.cpr, "010316-4006")
    dlg.guardian_rows[0][0].setText("Mette Ærenlund")
    assert "modulus 11" in dlg.cpr_state.text()  # accepted, with a warning
    _prompts.set_next_answer(True)  # the same warning once more after saving
    qtbot.mouseClick(dlg.findChild(QPushButton, "createChildButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.child_view.overview is not None
                    and window.child_view.overview.child.last_name == "Ærenlund", timeout=3000)
    child = window.child_view.overview.child

    # 2. Contact (henvendelse), signed with the passphrase.
    dlg = _step(qtbot, window, "contact")
    dlg.set_value("made_by", "parent")
    dlg.set_value("way", "gp")
    dlg.set_value("concern", "Ondt i maven før skole; undgår klassekammerater.")
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: _signed(ws, "contacts", child.id) == 1)

    # 3. Intake talk ending in group 3.
    dlg = _step(qtbot, window, "intake")
    dlg.set_value("decision_group", 3)
    dlg.set_value("reasoning", "Let til moderat nedsat funktion; i målgruppen.")
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: _signed(ws, "intakes", child.id) == 1)
    # The work list (Barn > Arbejdsliste) has the screening waiting; the child is chosen again to go on.
    window.queue_action.trigger()
    assert window.right.currentWidget() is window.work_queue
    assert any(t.section == "screenings" and t.child_id == child.id for t in window.work_queue.tasks)
    window.select_child(child.id)

    # 4. Consent from the custody holder (the child is 10).
    dlg = _step(qtbot, window, "consent")
    dlg.set_value("kind", "treatment")
    dlg.set_value("given_by", "custody_holder")
    dlg.set_value("guardian_id", child.guardians[0].id)
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: _signed(ws, "consents", child.id) == 1)

    # 5. SDQ from the parent, by item number.
    window.pathway.actions["sdq"].trigger()
    sdq = _dialog(qtbot, window, "sdqDialog")
    for n, box in enumerate(sdq.items, start=1):
        box.setCurrentIndex(box.findData(2 if n in (3, 8, 13, 16, 24) else 1))
    assert "Emotionelle symptomer: 10" in sdq.result.text()
    _prompts.set_next_text(PASSPHRASE)  # "Gem" signs, like every other record
    qtbot.mouseClick(sdq.findChild(QPushButton, "saveSdqButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ws.db.scalar("SELECT count(*) FROM sdq_responses WHERE child_id = ?", (child.id,)) == 1)

    # 6. Screening: a high risk without a crisis plan is refused; with the plan it is signed.
    dlg = _step(qtbot, window, "screening")
    for key, value in (("child_account", "Åse fortæller om ondt i maven."), ("symptoms", "Bekymringer"),
                       ("self_harm_asked", True), ("risk_level", "high"), ("outcome", "course"),
                       ("outcome_track_id", "mind-my-mind")):
        dlg.set_value(key, value)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)  # refused before any passphrase is asked
    assert dlg.isVisible() and "kriseplanen" in dlg.error.text()
    assert _signed(ws, "screenings", child.id) == 0
    for key in ("crisis_warning_signs", "crisis_own_coping", "crisis_people", "crisis_professionals",
                "crisis_means_safety"):
        dlg.set_value(key, "Udfyldt sammen med Åse og mor")
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: _signed(ws, "screenings", child.id) == 1)

    # 7. Course on the track, then a session in the guided editor.
    window.child_view.tabs.setCurrentIndex(0)
    qtbot.mouseClick(window.child_view.new_course_button, Qt.MouseButton.LeftButton)
    dlg = _dialog(qtbot, window, "newCourseDialog")
    dlg.track.setCurrentIndex(dlg.track.findData("mind-my-mind"))
    qtbot.keyClick(dlg, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.child_view.courses.topLevelItemCount() == 1)
    qtbot.mouseClick(window.child_view.new_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor is not None and window.editor.isVisible())
    editor = window.editor
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    qtbot.keyClicks(editor.parts["exercise"], " Trin 1 på trappen.")
    assert editor.findChild(QWidget, "riskPanel").isVisible()  # the screening's high risk is still active
    editor.risk_level.setCurrentIndex(editor.risk_level.findData("low"))  # the session's risk check
    _prompts.set_next_text(PASSPHRASE)
    with qtbot.waitSignal(editor.finished, timeout=3000):
        qtbot.keyClick(editor.parts["exercise"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    course = next(c for c in listing.courses(ws=ws) if c["child_id"] == child.id)
    assert course["sessions_delivered"] == 1

    # 8. Coordination and a notification (Barnets lov §133).
    dlg = _step(qtbot, window, "coordination")
    dlg.set_value("partner", "school")
    dlg.set_value("summary", "Møde med klasselæreren om trappetrin i skolen.")
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: _signed(ws, "coordination_entries", child.id) == 1)
    dlg = _step(qtbot, window, "notification")
    dlg.set_value("recipient", "Familieafdelingen")
    dlg.set_value("grounds", "Bekymring for omsorgssvigt.")
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: _signed(ws, "notifications", child.id) == 1)

    # 9. Closing without a repeat SDQ needs a reason; then the booster is planned and shown.
    window.child_view.courses.setCurrentItem(window.child_view.courses.topLevelItem(0))
    dlg = _step(qtbot, window, "closing")
    dlg.set_value("effect", "improved")  # no default: the therapist chooses it
    dlg.set_value("further_needs", "Ingen")
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)  # refused before any passphrase is asked
    assert dlg.isVisible() and "begrundelse" in dlg.error.text()
    dlg.set_value("criteria_reason", "Familien flytter; SDQ sendes med.")
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: _signed(ws, "closings", child.id) == 1)
    due = ws.db.scalar("SELECT due_date FROM follow_ups WHERE child_id = ?", (child.id,))
    assert due == (TODAY + timedelta(days=28)).isoformat()
    titles = [window.child_view.timeline.tree.topLevelItem(i).text(1)
              for i in range(window.child_view.timeline.tree.topLevelItemCount())]
    assert titles[0].startswith("Henvendelse") and any(t.startswith("Booster") for t in titles)

    # 10. The booster is held and signed.
    window.pathway.actions["follow_up"].trigger()
    dlg = _dialog(qtbot, window)
    dlg.set_value("done_on", date.fromisoformat(due))
    dlg.set_value("notes", "Bedringen holder.")
    _sign(qtbot, window, dlg, _prompts)
    qtbot.waitUntil(lambda: ws.db.scalar("SELECT signed_at FROM follow_ups WHERE child_id = ?", (child.id,)) is not None)

    # 11. A correction from the journal tab: the original stays, struck through.
    window.child_view.tabs.setCurrentIndex(2)
    jl = window.child_view.journal.list
    row = next(i for i in range(jl.count()) if "Koordinering" in jl.item(i).text())
    jl.setCurrentRow(row)
    _prompts.set_next_text("Mødet var med skolelederen, ikke klasselæreren.")
    _prompts.set_next_text(PASSPHRASE)
    window.pathway.actions["correct"].trigger()
    qtbot.waitUntil(lambda: any(window.child_view.journal.list.item(i).font().strikeOut()
                                for i in range(window.child_view.journal.list.count())))
    assert "<s" in window.child_view.journal.text.toHtml() and "skolelederen" in window.child_view.journal.text.toPlainText()
    # Everything on the way was written to the audit log and nothing is left unsigned.
    assert not [d for d in records.drafts(ws=ws, author_id=ws.user.id) if d["child_id"] == child.id]


def test_group_session_from_the_menu(qtbot, window, demo_ws, _prompts) -> None:
    from behandlerklient.services.pathway import pathway
    from behandlerklient.storage.sessions import JournalRepository
    from tests.helpers import child_with_consent

    kids = [child_with_consent(demo_ws, f, l, c) for f, l, c in
            (("Alma", "Holm", "010316-4002"), ("Karla", "Dahl", "020316-4004"), ("Villads", "Friis", "030316-4005"))]
    for k in kids:
        pathway.open_course(ws=demo_ws, child_id=k.id, track_id="cool-kids", start_date=TODAY, format="group")
    window.pathway.actions["group"].trigger()
    dlg = _dialog(qtbot, window, "groupSessionDialog")
    dlg.track.setCurrentIndex(dlg.track.findData("cool-kids"))
    names = [dlg.courses.item(i).text() for i in range(dlg.courses.count())]
    assert {"Alma Holm", "Karla Dahl", "Villads Friis"} <= set(names)
    for i in range(dlg.courses.count()):  # only our three
        item = dlg.courses.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in ("Alma Holm", "Karla Dahl", "Villads Friis")
                           else Qt.CheckState.Unchecked)
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert dlg.people.rowCount() == 3 and dlg.sign_button.isEnabled()
    dlg.parts["exercise"].setPlainText("Detektivtænkning i gruppen")
    dlg.set_attendance(2, "missed")
    for row in range(3):
        dlg.set_note(row, f"Note {row}")
    _prompts.set_next_text(PASSPHRASE)
    qtbot.mouseClick(dlg.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.signed)
    for k in kids:
        entries = [e for e in JournalRepository(demo_ws.db).for_child(k.id) if e.kind == "session"]
        assert len(entries) == 1 and "Detektivtænkning i gruppen" in entries[0].body
        assert not any(o.first_name in entries[0].body for o in kids if o.id != k.id)
