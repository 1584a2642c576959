"""The access dialog wired to the window: the Barn menu's "Adgang og supervision…" (Ctrl+Shift+D) opens it for the
chosen child (or for the supervision pairs alone, when none is chosen). Anyone else who opens it is told, in
Danish, that only a role the core rules let give access (core.access.GRANTING_ROLES) can; the services refuse
them as well."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from behandlerklient.services.accounts import access
from behandlerklient.ui import prompts
from behandlerklient.ui.dialogs.access_dialog import AccessDialog

if TYPE_CHECKING:
    from behandlerklient.ui.window_host import WindowHost

SHORTCUT = "Ctrl+Shift+D"


class AccessActions(QObject):
    def __init__(self, window: WindowHost, menu: QMenu) -> None:
        super().__init__(window)
        self.w = window
        self.action = QAction(self.tr("&Access and supervision…"), window, shortcut=QKeySequence(SHORTCUT))
        self.action.triggered.connect(lambda _checked=False: self.open())
        self.action.setObjectName("action_access")
        if not access.may_grant(ws=window.ws):
            self.action.setStatusTip(self.tr("Only an administrator can give access to a child."))
        menu.addAction(self.action)

    def open(self) -> None:
        if not access.may_grant(ws=self.w.ws):
            prompts.info(self.w, "Behandlerklient", self.tr("Only an administrator can give access to a child."))
            return
        ov = self.w.child_view.overview
        child = ov.child if ov is not None else None
        dlg = AccessDialog(ws=self.w.ws, host=self.w, child_id=child.id if child is not None else None,
                           child_name=f"{child.first_name} {child.last_name}" if child is not None else "",
                           parent=self.w)
        self.w.show_dialog(dlg)
