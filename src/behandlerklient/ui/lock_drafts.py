"""Nothing typed is lost to a lock: every open editor's typing is kept as an encrypted draft, and after
unlocking the same child and the same editors are back. What travels across the lock in memory is ids and
kinds only (ResumePoint); the text stays in the database."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from behandlerklient.core.errors import KnownError
from behandlerklient.services.workspace import ui_drafts
from behandlerklient.ui.dialogs.base_dialog import BaseDialog, EditorRef

if TYPE_CHECKING:
    from behandlerklient.ui.main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumePoint:
    user_id: int
    child_id: int | None
    editors: tuple[EditorRef, ...]


def _open_editors(window: "MainWindow", hidden: list) -> list[BaseDialog]:
    found = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, BaseDialog) and (w.isVisible() or w in hidden) and w.reopen_ref is not None]
    return sorted(found, key=lambda d: d is window.dialog)  # the front one last: it is reopened on top


def keep_open_editors(window: "MainWindow", *, hidden: list = ()) -> ResumePoint:
    """Called by the lock before anything closes: saves each editor's typing and says how to reopen it.
    `hidden`: editors the lock hid while a stuck caller delayed it (still open, not visible)."""
    ws = window.ws
    refs = []
    for dlg in _open_editors(window, list(hidden)):
        if dlg.has_changes() and not dlg.save_own_draft():
            ref = dlg.reopen_ref()
            try:
                ref = replace(ref, draft_id=ui_drafts.keep(ws=ws, kind=ref.kind, context=ref.ids,
                                                          payload=dlg.draft_state()))
            except KnownError as exc:  # e.g. the disk is full: say so in the log, without the text
                log.error("could not keep a %s draft at lock: %s", ref.kind, type(exc).__name__)
        else:
            ref = dlg.reopen_ref()  # after its own save: a new record now has its id
        refs.append(ref)
    return ResumePoint(user_id=ws.user.id, child_id=window.current_child_id, editors=tuple(refs))


def resume(window: "MainWindow", point: ResumePoint | None) -> None:
    """After unlocking: the child that was open and the editors that were, with their drafts. A different user
    gets nothing of the one who locked; each user also gets back drafts left when the program was quit at
    the lock screen."""
    ws = window.ws
    refs = list(point.editors) if point is not None and point.user_id == ws.user.id else []
    child_id = point.child_id if point is not None and point.user_id == ws.user.id else None
    known = {r.draft_id for r in refs}
    for d in ui_drafts.pending(ws=ws):
        if d.id not in known:
            refs.append(EditorRef(d.kind, d.context, d.id))
            child_id = child_id if child_id is not None else d.context.get("child_id")
    if child_id is not None:
        window.select_child(child_id)
    for ref in refs:
        reopen(window, ref)


def reopen(window: "MainWindow", ref: EditorRef) -> None:
    before = window.dialog
    opener = OPENERS.get(ref.kind)
    if opener is None:
        return
    opener(window, ref.ids)
    dlg = window.dialog
    if dlg is None or dlg is before or not isinstance(dlg, BaseDialog) or ref.draft_id is None:
        return  # nothing to put back (or the editor could not be opened: the draft waits for next time)
    draft = ui_drafts.get(ws=window.ws, draft_id=ref.draft_id)
    if draft is None:
        return
    dlg.restore_draft(draft.payload)
    ws, draft_id = window.ws, ref.draft_id
    # The kept copy goes once the editor is closed again; a new lock keeps a new one first.
    dlg.finished.connect(lambda _r: ws.db.closed or ui_drafts.discard(ws=ws, draft_id=draft_id))


def _form(window: "MainWindow", ids: dict) -> None:
    window.pathway.open_form(ids["form"], record_id=ids.get("record_id"))


def _for_child(open_it):  # noqa: ANN001, ANN202 - editors that need their child to be the open one
    def run(window: "MainWindow", ids: dict) -> None:
        if ids.get("child_id") is not None and window.current_child_id != ids["child_id"]:
            window.select_child(ids["child_id"])
        if window.current_child_id == ids.get("child_id"):
            open_it(window, ids)
    return run


OPENERS = {
    "session": lambda w, ids: w.open_session(ids["session_id"]),
    "form": _for_child(_form),
    "sdq": _for_child(lambda w, ids: w.pathway.open_sdq(course_id=ids.get("course_id"))),
    "review": lambda w, ids: w.pathway.open_review(ids["review_id"]),
    "group_session": lambda w, ids: w.pathway.group_session(),
    "new_child": lambda w, ids: w.new_child(),
    "new_course": _for_child(lambda w, ids: w.new_course()),
}
