"""Register a child: CPR checked as you type (a failed modulus 11 only warns), guardians and GP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core import cpr as cprmod
from behandlerklient.core.errors import ValidationError
from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.core.vocab import SEX
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill


@dataclass
class NewChild:
    first_name: str
    last_name: str
    cpr: str
    home_municipality: str
    treating_municipality: str
    gp: GeneralPractitioner | None
    guardians: list[Guardian] = field(default_factory=list)


class NewChildDialog(BaseDialog):
    def __init__(self, *, gps: list[GeneralPractitioner], municipality: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newChildDialog")
        self.setWindowTitle(self.tr("New child"))
        self._gps = gps
        self.result_child: NewChild | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.first = QLineEdit()
        self.first.setObjectName("firstNameEdit")
        self.last = QLineEdit()
        self.last.setObjectName("lastNameEdit")
        self.cpr = QLineEdit()
        self.cpr.setObjectName("cprEdit")
        self.cpr.setPlaceholderText("DDMMÅÅ-LLLL")
        self.cpr_state = QLabel("")
        self.cpr_state.setObjectName("cprState")
        self.cpr_state.setWordWrap(True)
        self.home = QLineEdit(municipality)
        self.home.setObjectName("homeMunicipalityEdit")
        self.treating = QLineEdit(municipality)
        self.treating.setObjectName("treatingMunicipalityEdit")
        self.gp = QComboBox()
        self.gp.setObjectName("gpCombo")
        self.gp.addItem(self.tr("(not given)"), None)
        for i, g in enumerate(gps):
            self.gp.addItem(f"{g.clinic_name}, {g.doctor_name}", i)
        form.addRow(self.tr("&First name:"), self.first)
        form.addRow(self.tr("&Last name:"), self.last)
        form.addRow(self.tr("&CPR number:"), self.cpr)
        form.addRow("", self.cpr_state)
        form.addRow(self.tr("&Home municipality:"), self.home)
        form.addRow(self.tr("&Treating municipality:"), self.treating)
        form.addRow(self.tr("&GP:"), self.gp)
        layout.addLayout(form)
        box = QGroupBox(self.tr("Parents"))
        gl = QFormLayout(box)
        self.guardian_rows = []
        for n in (1, 2):
            name = QLineEdit()
            name.setObjectName(f"guardian{n}Name")
            custody = QCheckBox(self.tr("custody"))
            custody.setObjectName(f"guardian{n}Custody")
            custody.setChecked(True)
            gl.addRow(fill(self.tr("Parent %1:"), n), name)
            gl.addRow("", custody)
            self.guardian_rows.append((name, custody))
        layout.addWidget(box)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("C&reate"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("createChildButton")
        ok.setDefault(True)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.cpr.textChanged.connect(self._cpr_changed)
        self.cpr.textChanged.connect(self._hint_fits)

    def _hint_fits(self) -> None:
        """A hint that wraps onto more lines makes the dialog taller instead of being cut off."""
        hint = self.cpr_state
        hint.setMinimumHeight(hint.heightForWidth(max(hint.width(), 1)) if hint.text() else 0)

    def _cpr_changed(self, text: str) -> None:
        if not text.strip():
            self.cpr_state.setText("")
            return
        try:
            parsed = cprmod.parse(text)
            cprmod.check_plausible_age(parsed, date.today())
        except ValidationError as exc:
            self.cpr_state.setStyleSheet("color: #a00000;")
            self.cpr_state.setText(exc.message)
            return
        facts = fill(self.tr("Born %1, %2."), f"{parsed.birth_date:%d.%m.%Y}", SEX[parsed.sex].lower())
        if parsed.warnings:
            self.cpr_state.setStyleSheet("color: #8a5a00;")
            self.cpr_state.setText(facts + " " + " ".join(parsed.warnings))
        else:
            self.cpr_state.setStyleSheet("color: #206020;")
            self.cpr_state.setText(facts)

    # -- drafts ---------------------------------------------------------------------------
    def draft_state(self) -> dict:
        return {"first": self.first.text(), "last": self.last.text(), "cpr": self.cpr.text(),
                "home": self.home.text(), "treating": self.treating.text(), "gp": self.gp.currentIndex(),
                "guardians": [[n.text(), c.isChecked()] for n, c in self.guardian_rows]}

    def apply_draft(self, state: dict) -> None:
        for edit, key in ((self.first, "first"), (self.last, "last"), (self.cpr, "cpr"), (self.home, "home"),
                          (self.treating, "treating")):
            edit.setText(state[key])
        if 0 <= state["gp"] < self.gp.count():
            self.gp.setCurrentIndex(state["gp"])
        for (name, custody), (text, checked) in zip(self.guardian_rows, state["guardians"]):
            name.setText(text)
            custody.setChecked(checked)

    def _accept(self) -> None:
        first, last = self.first.text().strip(), self.last.text().strip()
        if not first or not last:
            self.error.setText(self.tr("Type both first name and last name."))
            return
        try:
            cprmod.check_plausible_age(cprmod.parse(self.cpr.text()), date.today())
        except ValidationError as exc:
            self.error.setText(exc.message)
            self.cpr.setFocus()
            return
        gp_index = self.gp.currentData()
        guardians = [Guardian(None, n.text().strip(), "other", c.isChecked())
                     for n, c in self.guardian_rows if n.text().strip()]
        self.result_child = NewChild(first, last, self.cpr.text(), self.home.text().strip(),
                                     self.treating.text().strip(),
                                     self._gps[gp_index] if gp_index is not None else None, guardians)
        self.accept()
