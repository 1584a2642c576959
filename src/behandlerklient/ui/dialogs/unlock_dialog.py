"""Unlock: user, passphrase and 'remember on this computer'. A wrong passphrase keeps the dialog open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.errors import KnownError
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill

Unlocker = Callable[[str, str, bool], object]


class UnlockDialog(BaseDialog):
    def __init__(self, *, usernames: list[str], unlock: Unlocker, keyring_available: bool,
                 demo_passphrase: str | None = None, database_label: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._unlock = unlock
        self.workspace: object | None = None
        self.setWindowTitle(self.tr("Unlock Behandlerklient"))
        self.setObjectName("unlockDialog")
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("<b>Behandlerklient</b><br>The journal is encrypted. Type your passphrase."))
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        if database_label:
            where = QLabel(fill(self.tr("Database: %1"), database_label))
            where.setObjectName("databaseLabel")
            where.setStyleSheet("color: palette(mid);")
            layout.addWidget(where)
        if demo_passphrase:
            demo = QLabel(fill(self.tr("Demo database with synthetic children. Passphrase: <b>%1</b><br>Log in as "
                                       "<b>demo</b> (therapist) or <b>lhv</b> (supervisor)."), demo_passphrase))
            demo.setObjectName("demoHint")
            demo.setStyleSheet("background: #fff4d6; border: 1px solid #e0c060; padding: 6px;")
            layout.addWidget(demo)
        form = QFormLayout()
        self.user = QComboBox()
        self.user.setObjectName("userCombo")
        self.user.setEditable(True)
        self.user.addItems(usernames)
        form.addRow(self.tr("&User:"), self.user)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphraseEdit")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("P&assphrase:"), self.passphrase)
        self.remember = QCheckBox(self.tr("&Remember on this computer"))
        self.remember.setObjectName("rememberCheck")
        if not keyring_available:
            self.remember.setEnabled(False)
            self.remember.setToolTip(self.tr("The computer has no keyring; the passphrase must be typed every time."))
        form.addRow("", self.remember)
        layout.addLayout(form)
        if not keyring_available:
            note = QLabel(self.tr("No keyring on this computer: the database cannot be remembered, "
                                  "and the passphrase is never stored in a file."))
            note.setObjectName("keyringNote")
            note.setWordWrap(True)
            note.setStyleSheet("color: palette(mid); font-size: small;")
            layout.addWidget(note)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(self.tr("Un&lock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("unlockButton")
        self.ok_button.setDefault(True)
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        buttons.accepted.connect(self._try_unlock)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.passphrase.setFocus()
        self.setMinimumWidth(420)

    def _try_unlock(self) -> None:
        username = self.user.currentText().strip()
        passphrase = self.passphrase.text()
        if not passphrase:
            self._show_error(self.tr("Type your passphrase."))
            return
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            self.workspace = self._unlock(username, passphrase, self.remember.isChecked())
        except KnownError as exc:
            self._show_error(exc.message)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        finally:
            self.unsetCursor()
        self.passphrase.clear()
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
