"""First start: create the encrypted database and the first user (an administrator)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from behandlerklient.core.errors import KnownError
from behandlerklient.core.passphrase import strength
from behandlerklient.core.vocab import PROFESSIONS
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill

Creator = Callable[[dict], object]


class SetupDialog(BaseDialog):
    def __init__(self, *, create: Creator, path_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._create = create
        self.workspace: object | None = None
        self.setObjectName("setupDialog")
        self.setWindowTitle(self.tr("Create database"))
        layout = QVBoxLayout(self)
        intro = QLabel(fill(self.tr("There is no database yet. Create an encrypted database and the first user "
                                    "(administrator).\nLocation: %1"), path_label))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, echo in (("username", self.tr("&User name:"), False), ("full_name", self.tr("&Full name:"), False),
                                 ("title", self.tr("&Title:"), False), ("phone", self.tr("&Phone:"), False),
                                 ("passphrase", self.tr("P&assphrase:"), True),
                                 ("repeat", self.tr("&Repeat passphrase:"), True)):
            edit = QLineEdit()
            edit.setObjectName(f"{key}Edit")
            if echo:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(label, edit)
            self.fields[key] = edit
        self.fields["title"].setText(self.tr("Psychologist"))
        # Asked here because every letter to the GP and its MedCom file name the author's role.
        self.profession = QComboBox()
        self.profession.setObjectName("professionCombo")
        for code, label in PROFESSIONS.items():
            self.profession.addItem(label, code)
        form.insertRow(2, self.tr("Pr&ofession:"), self.profession)
        self.strength = QLabel("")
        self.strength.setObjectName("strengthLabel")
        self.strength.setWordWrap(True)
        form.addRow("", self.strength)
        self.fields["passphrase"].textChanged.connect(self._show_strength)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("&Create"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("createButton")
        ok.setDefault(True)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._try_create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _show_strength(self, text: str) -> None:
        # The same judgement the service applies on create: the user's own names are guessable words.
        s = strength(text, [self.fields["username"].text(), self.fields["full_name"].text()])
        color = ("#a00000", "#a04000", "#8a6d00", "#206020", "#206020")[s.score]
        self.strength.setText(f"<span style='color:{color}'><b>{s.label}</b></span> {s.advice}")

    def _try_create(self) -> None:
        values = {k: e.text().strip() for k, e in self.fields.items()}
        values["profession"] = str(self.profession.currentData())
        values["passphrase"], values["repeat"] = self.fields["passphrase"].text(), self.fields["repeat"].text()
        if values["passphrase"] != values.pop("repeat"):
            self.error.setText(self.tr("The two passphrases are not the same."))
            return
        try:
            self.workspace = self._create(values)
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
