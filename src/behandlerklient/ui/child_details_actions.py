"""The master data ("Stamdata") dialog wired to the window: the Barn menu's action, its shortcut and the child
view's button open it for the chosen child; saving goes through the master data service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from behandlerklient.core.errors import KnownError
from behandlerklient.core.models import Child
from behandlerklient.services.registration import children as child_service
from behandlerklient.services.registration import master_data
from behandlerklient.ui import prompts
from behandlerklient.ui.dialogs.child_details_dialog import ChildDetailsDialog
from behandlerklient.ui.errors import report

if TYPE_CHECKING:
    from behandlerklient.ui.window_host import WindowHost

SHORTCUT = "Ctrl+Shift+M"


class ChildDetailsActions(QObject):
    def __init__(self, window: WindowHost, menu: QMenu) -> None:
        super().__init__(window)
        self.w = window
        self.action = QAction(self.tr("&Master data…"), window, shortcut=QKeySequence(SHORTCUT),
                              triggered=self.open)
        self.action.setObjectName("action_child_details")
        menu.addAction(self.action)
        window.child_view.details_requested.connect(self.open)

    def open(self) -> None:
        ov = self.w.child_view.overview
        if ov is None:
            prompts.info(self.w, self.tr("Master data"), self.tr("Choose a child first."))
            return
        child_id = ov.child.id
        try:
            child = master_data.current(ws=self.w.ws, child_id=child_id)
            history = master_data.history(ws=self.w.ws, child_id=child_id)
        except KnownError as exc:
            report(self.w, exc)
            return

        def save(edited: Child, reason: str):  # noqa: ANN202
            _changes, changes = master_data.save(ws=self.w.ws, child_id=child_id, edited=edited, reason=reason)
            if changes.children:
                self.w.apply_changes(changes)
            return (master_data.current(ws=self.w.ws, child_id=child_id),
                    master_data.history(ws=self.w.ws, child_id=child_id))

        dlg = ChildDetailsDialog(child=child, history=history, gps=child_service.gps(ws=self.w.ws), save=save,
                                 parent=self.w)
        self.w.show_dialog(dlg)
