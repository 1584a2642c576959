"""Who may see the child, and who supervises whom: share the chosen child with a colleague, hand its caseload to
another clinician, take access away, and add or end a supervision pair. Every step goes through
services/accounts/access.py
(which refuses anyone the core rules do not allow, in Danish, and audits each grant and revocation).

Keyboard: Alt+A the child's holders, Alt+C the colleague, Alt+S share, Alt+H hand over, Alt+R remove the chosen
access; Alt+P the pairs, Alt+E end the chosen pair, Alt+V supervisor, Alt+T therapist, Alt+D add the pair;
Escape closes. (Danish: Alt+H, K, D, O, F; P, A, S, B, R.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.errors import KnownError
from behandlerklient.core.models import User
from behandlerklient.services.accounts import access
from behandlerklient.services.changes import Changes
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui import prompts
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.errors import report
from behandlerklient.ui.i18n import fill

if TYPE_CHECKING:
    from behandlerklient.ui.window_host import WindowHost

USER_ROLE = Qt.ItemDataRole.UserRole + 30


def _combo(users: list[User], name: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for u in users:
        box.addItem(f"{u.full_name} ({u.username})", u.username)
    return box


class AccessDialog(BaseDialog):
    def __init__(self, *, ws: Workspace, host: WindowHost, child_id: int | None, child_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.host, self.child_id = ws, host, child_id
        self.setObjectName("accessDialog")
        self.setWindowTitle(self.tr("Access and supervision"))
        layout = QVBoxLayout(self)
        self.status = QLabel("")
        self.status.setObjectName("accessStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # names are shown as typed, never as markup
        layout.addWidget(self._child_box(child_name))
        layout.addWidget(self._pair_box())
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()
        (self.colleague if child_id is not None else self.supervisor).setFocus()
        self.resize(640, 620)

    # -- layout ---------------------------------------------------------------------------------
    def _child_box(self, child_name: str) -> QGroupBox:
        box = QGroupBox(fill(self.tr("Child: %1"), child_name) if self.child_id is not None else self.tr("Child"))
        grid = QGridLayout(box)
        holders = QLabel(self.tr("Has &access:"))
        self.holders = QListWidget()
        self.holders.setObjectName("accessHolders")
        holders.setBuddy(self.holders)
        grid.addWidget(holders, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.holders, 0, 1, 1, 3)
        self.revoke_button = self._button(self.tr("&Remove access…"), "accessRevoke", self.revoke)
        grid.addWidget(self.revoke_button, 1, 3)
        colleague = QLabel(self.tr("&Colleague:"))
        self.colleague = _combo(access.clinicians(ws=self.ws), "accessColleague")
        colleague.setBuddy(self.colleague)
        grid.addWidget(colleague, 2, 0)
        grid.addWidget(self.colleague, 2, 1, 1, 3)
        row = QHBoxLayout()
        self.share_button = self._button(self.tr("&Share with colleague"), "accessShare", self.share)
        self.hand_over_button = self._button(self.tr("&Hand over caseload…"), "accessHandOver", self.hand_over)
        row.addStretch(1)
        row.addWidget(self.share_button)
        row.addWidget(self.hand_over_button)
        grid.addLayout(row, 3, 0, 1, 4)
        if self.child_id is None:
            hint = QLabel(self.tr("Choose a child in the list first to share it or hand it over."))
            hint.setWordWrap(True)
            grid.addWidget(hint, 4, 0, 1, 4)
            for w in (self.holders, self.revoke_button, self.colleague, self.share_button, self.hand_over_button):
                w.setEnabled(False)
        return box

    def _pair_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Supervision"))
        grid = QGridLayout(box)
        pairs = QLabel(self.tr("Supervision &pairs:"))
        self.pairs = QListWidget()
        self.pairs.setObjectName("accessPairs")
        pairs.setBuddy(self.pairs)
        grid.addWidget(pairs, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.pairs, 0, 1, 1, 3)
        self.end_pair_button = self._button(self.tr("&End pair…"), "accessEndPair", self.end_pair)
        grid.addWidget(self.end_pair_button, 1, 3)
        supervisor = QLabel(self.tr("Super&visor:"))
        self.supervisor = _combo(access.supervisors(ws=self.ws), "accessSupervisor")
        supervisor.setBuddy(self.supervisor)
        therapist = QLabel(self.tr("&Therapist:"))
        self.therapist = _combo(access.clinicians(ws=self.ws), "accessTherapist")
        therapist.setBuddy(self.therapist)
        grid.addWidget(supervisor, 2, 0)
        grid.addWidget(self.supervisor, 2, 1)
        grid.addWidget(therapist, 2, 2)
        grid.addWidget(self.therapist, 2, 3)
        self.add_pair_button = self._button(self.tr("A&dd pair"), "accessAddPair", self.add_pair)
        grid.addWidget(self.add_pair_button, 3, 3)
        return box

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)  # Enter in a list or a combo never grants anything by accident
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- content --------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.holders.clear()
        if self.child_id is not None:
            for g in access.holders(ws=self.ws, child_id=self.child_id):
                kind = self.tr("caseload") if g.kind == "caseload" else self.tr("shared")
                item = QListWidgetItem(f"{g.full_name} ({g.username}) — {kind}")
                item.setData(USER_ROLE, (g.username, g.kind))
                self.holders.addItem(item)
        names = {u.id: u.username for u in access.clinicians(ws=self.ws)}
        self.pairs.clear()
        for p in access.pairs(ws=self.ws):
            item = QListWidgetItem(fill(self.tr("%1 supervises %2"), p.supervisor, p.therapist))
            item.setData(USER_ROLE, (names.get(p.supervisor_id, ""), names.get(p.therapist_id, "")))
            self.pairs.addItem(item)
        for widget in (self.holders, self.pairs):  # a visible choice from the start: arrows move it, nothing hides
            if widget.count():
                widget.setCurrentRow(0)

    def _run(self, step: Callable[[], Changes], done: str) -> bool:
        try:
            changes = step()
        except KnownError as exc:
            report(self, exc)
            return False
        self.refresh()
        self.status.setText(done if changes != Changes() else self.tr("Nothing to change: it is so "
                                                                                   "already."))
        if changes != Changes():
            self.host.apply_changes(changes)
        return True

    def _chosen(self, widget: QListWidget) -> tuple[str, str] | None:
        item = widget.currentItem()
        return item.data(USER_ROLE) if item is not None and item.isSelected() else None

    # -- steps ----------------------------------------------------------------------------------
    def share(self) -> None:
        if self.child_id is None:
            return
        child_id, username = self.child_id, self.colleague.currentData()
        self._run(lambda: access.grant(ws=self.ws, child_id=child_id, username=username, kind="shared"),
                  fill(self.tr("The child is now shared with %1."), self.colleague.currentText()))

    def hand_over(self) -> None:
        if self.child_id is None:
            return
        child_id, username, name = self.child_id, self.colleague.currentData(), self.colleague.currentText()
        if not prompts.question(self, self.tr("Hand over caseload"), fill(self.tr(
                "%1 becomes the child's therapist, and whoever holds the caseload now loses it. Colleagues the "
                "child is shared with keep it. Hand it over?"), name),
                yes=self.tr("&Hand over"), no=self.tr("&Cancel")):
            return
        self._run(lambda: access.hand_over(ws=self.ws, child_id=child_id, username=username),
                  fill(self.tr("%1 now holds the child's caseload."), name))

    def revoke(self) -> None:
        chosen = self._chosen(self.holders)
        if self.child_id is None or chosen is None:
            prompts.info(self, self.tr("Remove access"), self.tr("Choose whose access to remove in the list."))
            self.holders.setFocus()
            return
        child_id, (username, kind) = self.child_id, chosen
        if not prompts.question(self, self.tr("Remove access"), fill(self.tr(
                "%1 loses access to the child. The grant is kept in the history. Remove it?"), username),
                yes=self.tr("&Remove"), no=self.tr("&Cancel")):
            return
        self._run(lambda: access.revoke(ws=self.ws, child_id=child_id, username=username, kind=kind),
                  fill(self.tr("%1 no longer has access to the child."), username))

    def add_pair(self) -> None:
        supervisor, therapist = self.supervisor.currentData(), self.therapist.currentData()
        self._run(lambda: access.add_pair(ws=self.ws, supervisor=supervisor, therapist=therapist),
                  fill(self.tr("%1 now supervises %2."), self.supervisor.currentText(), self.therapist.currentText()))

    def end_pair(self) -> None:
        chosen = self._chosen(self.pairs)
        if chosen is None:
            prompts.info(self, self.tr("End pair"), self.tr("Choose the pair to end in the list."))
            self.pairs.setFocus()
            return
        supervisor, therapist = chosen
        if not prompts.question(self, self.tr("End pair"), fill(self.tr(
                "%1 stops supervising %2. The pair is kept in the history. End it?"), supervisor, therapist),
                yes=self.tr("&End pair"), no=self.tr("&Cancel")):
            return
        self._run(lambda: access.revoke_pair(ws=self.ws, supervisor=supervisor, therapist=therapist),
                  fill(self.tr("%1 no longer supervises %2."), supervisor, therapist))
