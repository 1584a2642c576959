"""The start screen's work queue as the user sees it: waits with their age in days, opening a wait goes to the
child's next step, and approvals fold into one line that "Markér alle som set" clears."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from PySide6.QtCore import Qt

from behandlerklient.core.models import User
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.supervision import supervision
from behandlerklient.storage.users import UserRepository
from behandlerklient.ui.widgets.work_queue import TASK_ROLE
from tests.helpers import child_with_consent
from tests.ui.conftest import TODAY


def _head(window, prefix: str):
    tree = window.work_queue.tree
    return next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0).startswith(prefix))


def test_a_screened_child_waits_with_its_days_and_opens_on_the_course(qtbot, window, demo_ws, _prompts) -> None:
    ws = demo_ws
    child = child_with_consent(ws, "Karla", "Dahl", "020316-4004")
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=TODAY - timedelta(days=30), made_by="parent",
                                 way="gp", concern="Uro")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    iid, _ = records.save(ws=ws, kind="intake", values={"contact_id": cid, "child_id": child.id, "talk_number": 1,
                                                        "talk_date": TODAY - timedelta(days=25), "decision_group": 3,
                                                        "reasoning": "I målgruppen"})
    records.sign_confirmed(ws=ws, kind="intake", record_id=iid)
    sid, _ = records.save(ws=ws, kind="screening", values={
        "contact_id": cid, "child_id": child.id, "screening_date": TODAY - timedelta(days=12), "child_account": "x",
        "symptoms": "Uro", "self_harm_asked": True, "risk_level": "low", "outcome": "course",
        "outcome_track_id": "cool-kids"})
    records.sign_confirmed(ws=ws, kind="screening", record_id=sid)
    window.show_queue()
    head = _head(window, "Screenet, forløbet er ikke startet (1)")
    item = head.child(0)
    assert item.text(1) == "Karla Dahl" and item.text(3) == "12" and "12 dage" in item.text(0)
    window.work_queue.tree.setCurrentItem(item)
    qtbot.keyClick(window.work_queue.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.objectName() == "newCourseDialog")
    assert window.dialog.track.currentData() == "cool-kids"
    window.dialog.reject()


def test_approvals_fold_into_one_line_and_are_marked_seen_at_once(qtbot, window, demo_ws, _prompts) -> None:
    ws = demo_ws
    lis = dataclasses.replace(ws, user=UserRepository(ws.db).add(User(None, "lis2", "Lis", "supervisor"),
                                                                  now=ws.clock()))
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=TODAY).course
    for n, decision in enumerate(("approved", "approved", "changes_requested")):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=TODAY + timedelta(days=7 * n))
        s.parts.status = "Noa fortæller."
        sessions.finish_confirmed(ws=ws, session=s)
        rid = supervision.request_review(ws=ws, session_id=s.id)
        supervision.decide(ws=lis, review_id=rid, decision=decision,
                           comment="" if decision == "approved" else "Mere om eksponering")
    window.show_queue()
    fold = _head(window, "Godkendt af supervisor")
    approvals = [t for t in window.work_queue.tasks if t.kind == "approval"]
    assert len([t for t in approvals if t.child_id == child.id]) == 2  # (the demo's own approvals come too)
    assert fold.text(0) == f"Godkendt af supervisor ({len(approvals)})" and fold.childCount() == len(approvals)
    assert not fold.isExpanded()
    head = _head(window, "Supervision (")  # counts what it shows: the request for changes, not the approvals
    assert head.text(0) == f"Supervision ({head.childCount()})" and head.childCount() >= 1
    button = window.work_queue.seen_button
    assert button.isVisible() and button.text().replace("&", "") == "Markér alle som set"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.work_queue.seen_button.isVisible())
    head = _head(window, "Supervision (")
    kinds = [head.child(i).data(0, TASK_ROLE).kind for i in range(head.childCount())]
    assert "feedback" in kinds and "approval" not in kinds  # the request for changes stays
    tree = window.work_queue.tree
    assert not any(tree.topLevelItem(i).text(0).startswith("Godkendt") for i in range(tree.topLevelItemCount()))


def test_a_change_behind_the_childs_view_is_on_the_work_list_when_it_is_shown_again(qtbot, window, demo_ws,
                                                                                    _prompts, monkeypatch) -> None:
    """A save or a signing redraws what is on screen; the work list behind the child's view (hundreds of tasks at
    10,000 children) is read again when it is shown, not at every change."""
    from behandlerklient.services.overview import work_queue

    ws = demo_ws
    child = child_with_consent(ws, "Karla", "Dahl", "020316-4004")
    cid, changes = pathway.add_contact(ws=ws, child_id=child.id, contact_date=TODAY - timedelta(days=3),
                                       made_by="parent", way="gp", concern="Uro")
    window.apply_changes(changes)
    window.queue_action.trigger()
    assert any(t.section == "drafts" and t.record_id == cid for t in window.work_queue.tasks)
    window.select_child(child.id)
    assert window.right.currentWidget() is window.child_view
    builds = []
    original = work_queue.build
    monkeypatch.setattr(work_queue, "build", lambda **kw: builds.append(1) or original(**kw))
    window.apply_changes(records.sign_confirmed(ws=ws, kind="contact", record_id=cid)[1])
    assert builds == []  # nothing read for a list no one sees
    window.queue_action.trigger()  # Barn > Arbejdsliste
    assert builds == [1]
    assert not any(t.section == "drafts" and t.record_id == cid for t in window.work_queue.tasks)
    drafts = _head(window, "Kladder")
    assert all(drafts.child(i).data(0, TASK_ROLE).record_id != cid for i in range(drafts.childCount()))
