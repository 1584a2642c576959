"""First start: create the encrypted database and the first user (an administrator)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from behandlerklient.core.errors import KnownError
from behandlerklient.core.passphrase import strength
from behandlerklient.ui.dialogs.base_dialog import BaseDialog

Creator = Callable[[dict], object]


class SetupDialog(BaseDialog):
    def __init__(self, *, create: Creator, path_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._create = create
        self.workspace: object | None = None
        self.setObjectName("setupDialog")
        self.setWindowTitle(self.tr("Opret database"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Der er ingen database endnu. Opret en krypteret database og den første bruger "
                               "(administrator).\nPlacering: %1").replace("%1", path_label))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, echo in (("username", "&Brugernavn:", False), ("full_name", "&Fulde navn:", False),
                                 ("title", "&Titel:", False), ("phone", "Tele&fon:", False),
                                 ("passphrase", "&Adgangskode:", True), ("repeat", "&Gentag adgangskode:", True)):
            edit = QLineEdit()
            edit.setObjectName(f"{key}Edit")
            if echo:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(self.tr(label), edit)
            self.fields[key] = edit
        self.fields["title"].setText(self.tr("Psykolog"))
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
        ok = buttons.addButton(self.tr("&Opret"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("createButton")
        ok.setDefault(True)
        buttons.addButton(self.tr("Annullér"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._try_create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _show_strength(self, text: str) -> None:
        s = strength(text)
        color = ("#a00000", "#a04000", "#8a6d00", "#206020", "#206020")[s.score]
        self.strength.setText(f"<span style='color:{color}'><b>{s.label}</b></span> {s.advice}")

    def _try_create(self) -> None:
        values = {k: e.text().strip() for k, e in self.fields.items()}
        values["passphrase"], values["repeat"] = self.fields["passphrase"].text(), self.fields["repeat"].text()
        if values["passphrase"] != values.pop("repeat"):
            self.error.setText(self.tr("De to adgangskoder er ikke ens."))
            return
        try:
            self.workspace = self._create(values)
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
