"""Resolving a conflict between two devices: choose the version that applies, give a reason, sign.

Opened from the work list's "Konflikter mellem enheder". Keyboard: the versions list has the focus (arrows
choose), Alt+R the reason, Enter signs, Escape closes. Both versions are kept whatever is chosen.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.conflicts import Conflict, Option
from behandlerklient.core.errors import KnownError
from behandlerklient.services.journal import conflicts
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui import prompts, signature
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.errors import report

if TYPE_CHECKING:
    from behandlerklient.ui.window_host import WindowHost

OPTION_ROLE = Qt.ItemDataRole.UserRole + 20


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v not in (None, ""))
    return "" if value is None else str(value)


class ConflictDialog(BaseDialog):
    def __init__(self, *, ws: Workspace, conflict: Conflict, host: WindowHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.conflict, self.host = ws, conflict, host
        self.setObjectName("conflictDialog")
        self.setWindowTitle(self.tr("Conflict between devices"))
        layout = QVBoxLayout(self)
        intro = QLabel(f"<b>{html.escape(conflict.description)}</b><br>" + self.tr(
            "Both versions are kept. The one you choose becomes the current one; the other is kept and marked as "
            "set aside. Your choice is signed with your passphrase and written in the journal."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        versions = QLabel(self.tr("&Versions:"))
        layout.addWidget(versions)
        self.options = QListWidget()
        self.options.setObjectName("conflictOptions")
        for option in conflict.options:
            value = _shown(option.value)
            item = QListWidgetItem(option.label + (f" — {value}" if value else ""))
            item.setData(OPTION_ROLE, option.ref)
            self.options.addItem(item)
        versions.setBuddy(self.options)
        layout.addWidget(self.options, 1)
        reason = QLabel(self.tr("&Reason (optional):"))
        layout.addWidget(reason)
        self.reason = QLineEdit()
        self.reason.setObjectName("conflictReason")
        reason.setBuddy(self.reason)
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.resolve_button = QPushButton(self.tr("&Keep the chosen version and sign…"))
        self.resolve_button.setObjectName("conflictResolve")
        self.resolve_button.setDefault(True)
        buttons.addButton(self.resolve_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.resolve)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.options.setFocus()

    def chosen(self) -> Option | None:
        item = self.options.currentItem()
        ref = None if item is None or not item.isSelected() else item.data(OPTION_ROLE)
        return next((o for o in self.conflict.options if o.ref == ref), None)

    def resolve(self) -> None:
        option = self.chosen()
        if option is None:
            prompts.info(self, self.tr("Conflict between devices"), self.tr("Choose the version that applies."))
            self.options.setFocus()
            return
        try:
            conflicts.check_resolution(ws=self.ws, key=self.conflict.key, keep=option.ref)
        except KnownError as exc:
            report(self, exc)  # before the passphrase: nobody types it to learn the conflict was gone
            return
        passphrase = prompts.passphrase(self, self.tr("Sign"), self.tr(
            "The chosen version becomes the current one; the other is kept.\n\nType your passphrase to sign:"))
        if passphrase is None:
            return
        try:
            changes = conflicts.resolve(ws=self.ws, key=self.conflict.key, keep=option.ref,
                                        reason=self.reason.text(),
                                        passphrase=signature.confirmed(self, self.ws, passphrase))
        except KnownError as exc:
            report(self, exc)
            return
        self.host.apply_changes(changes)
        self.accept()
