"""A supervisor reviews a therapist's sampled session end to end in the real window."""

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextBrowser

from behandlerklient.core.models import User
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.supervision import supervision
from behandlerklient.storage.users import UserRepository
from behandlerklient.ui.main_window import MainWindow
from behandlerklient.ui.widgets.work_queue import TASK_ROLE
from tests.helpers import child_with_consent
from tests.ui.conftest import TODAY, wait_for_work_list


def _task_items(window, section_prefix):
    tree = window.work_queue.tree
    for i in range(tree.topLevelItemCount()):
        head = tree.topLevelItem(i)
        if head.text(0).startswith(section_prefix):
            return [head.child(j) for j in range(head.childCount())]
    return []


def test_supervisor_reviews_and_the_therapist_sees_it(qtbot, ws, _prompts) -> None:
    therapist = ws.user
    child = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=TODAY).course
    for n in range(4):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=TODAY + timedelta(days=7 * n))
        s.parts.status = "Barnet fortalte om ugen siden sidst."  # own text, not only the template
        sessions.finish_confirmed(ws=ws, session=s)
    sup = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    ws.user = sup
    window = MainWindow(ws, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    wait_for_work_list(qtbot, window)
    items = _task_items(window, "Supervision")
    assert len(items) == 1 and "Cool Kids session 4" in items[0].text(0)
    window.work_queue.tree.setCurrentItem(items[0])
    window.work_queue.tree.itemActivated.emit(items[0], 0)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "reviewDialog")
    dlg = window.dialog
    session_text = dlg.findChild(QTextBrowser, "reviewSession").toPlainText()
    assert "Dagsorden lægges sammen med barn og forældre." in session_text  # clinical text, shown by default
    for row in range(dlg.table.rowCount()):
        dlg.set_rating(row, "yes" if row % 2 else "partly", 4)
    qtbot.mouseClick(dlg.changes_button, Qt.MouseButton.LeftButton)
    assert dlg.isVisible() and "ændringer" in dlg.error.text()  # a comment is required
    qtbot.keyClicks(dlg.comment, "Aftal hjemmeopgaven med formål.")
    qtbot.mouseClick(dlg.changes_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not _task_items(window, "Supervision"))
    stored = supervision.ratings(ws=ws, session_id=dlg.view.session_id, kind="supervisor")
    assert len(stored) == len(dlg.view.items) and stored["agenda"].adherence == "partly"
    assert supervision.ratings(ws=ws, session_id=dlg.view.session_id, kind="self") == {}
    window.close()
    # The therapist sees the decision on their start screen.
    ws.user = therapist
    own = MainWindow(ws, today=lambda: TODAY)
    qtbot.addWidget(own)
    own.show()
    wait_for_work_list(qtbot, own)
    feedback = _task_items(own, "Supervision")
    assert len(feedback) == 1 and "Ændringer ønsket af Louise Hvid: Aftal hjemmeopgaven" in feedback[0].text(0)
    assert feedback[0].data(0, TASK_ROLE).kind == "feedback"


def test_supervisor_logs_a_meeting_from_the_menu(qtbot, ws, _prompts) -> None:
    child = child_with_consent(ws, "Alma", "Holm", "010316-4002")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=TODAY).course
    ws.user = UserRepository(ws.db).add(User(None, "lhv", "Louise Hvid", "supervisor"), now=ws.clock())
    window = MainWindow(ws, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    window.select_child(child.id)
    qtbot.waitUntil(lambda: window.child_view.overview is not None)
    window.pathway.actions["meeting"].trigger()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "formDialog")
    dlg = window.dialog
    dlg.set_value("notes", "Eksponering i gruppen")
    qtbot.mouseClick(dlg.draft_button, Qt.MouseButton.LeftButton)
    row = ws.db.query_one("SELECT m.kind, m.notes, mc.course_id FROM supervision_meetings m JOIN "
                          "supervision_meeting_courses mc ON mc.meeting_id = m.id")
    assert tuple(row) == ("group", "Eksponering i gruppen", course.id)
