"""Master data ("Stamdata") of one child: name, CPR, address, municipalities, school, parents and GP, edited
and saved in one go, with the history of every earlier change beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core import cpr as cprmod
from behandlerklient.core import master_data as md
from behandlerklient.core.errors import KnownError, ValidationError
from behandlerklient.core.models import Child, GeneralPractitioner, Guardian
from behandlerklient.core.vocab import GUARDIAN_RELATION
from behandlerklient.storage.child_changes import ChildChangeRow
from behandlerklient.ui import prompts
from behandlerklient.ui.dialogs.base_dialog import BaseDialog

# save(edited child, reason) stores the edit and returns the child and its history as they now are.
SaveFn = Callable[[Child, str], tuple[Child, list[ChildChangeRow]]]
GP_FIELDS = md.GP_FIELDS


def _line(name: str) -> QLineEdit:
    w = QLineEdit()
    w.setObjectName(name)
    return w


class ChildDetailsDialog(BaseDialog):
    def __init__(self, *, child: Child, history: list[ChildChangeRow], gps: list[GeneralPractitioner],
                 save: SaveFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("childDetailsDialog")
        self.setWindowTitle(self.tr("Master data"))
        self._save, self._gps = save, gps
        self.saved = False
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailsTabs")
        self.tabs.addTab(self._child_page(), self.tr("&Child"))
        self.tabs.addTab(self._parents_page(), self.tr("&Parents"))
        self.tabs.addTab(self._gp_page(), self.tr("&GP"))
        self.history = QTreeWidget()
        self.history.setObjectName("historyTree")
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels([self.tr("When"), self.tr("By"), self.tr("What"), self.tr("Old value"),
                                      self.tr("New value"), self.tr("Reason")])
        self.tabs.addTab(self.history, self.tr("&History"))
        layout.addWidget(self.tabs, 1)
        form = QFormLayout()
        self.reason = _line("reasonEdit")
        self.reason.setPlaceholderText(self.tr("Required when the CPR number is corrected"))
        reason_label = QLabel(self.tr("Reaso&n for the change:"))
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, self.reason)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setObjectName("messageLabel")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("&Save"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setObjectName("saveDetailsButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._load(child, history)
        self.resize(860, 560)

    # -- pages ----------------------------------------------------------------------------
    def _child_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.first = _line("firstNameEdit")
        self.last = _line("lastNameEdit")
        self.cpr = _line("cprEdit")
        self.cpr_state = QLabel("")
        self.cpr_state.setObjectName("cprState")
        self.cpr_state.setWordWrap(True)
        self.address = _line("addressEdit")
        self.home = _line("homeMunicipalityEdit")
        self.treating = _line("treatingMunicipalityEdit")
        self.school = _line("schoolEdit")
        for text, w in ((self.tr("F&irst name:"), self.first), (self.tr("&Last name:"), self.last),
                        (self.tr("CP&R number:"), self.cpr), ("", self.cpr_state),
                        (self.tr("Addr&ess:"), self.address), (self.tr("Home m&unicipality:"), self.home),
                        (self.tr("&Treating municipality:"), self.treating), (self.tr("Sch&ool:"), self.school)):
            label = QLabel(text)
            label.setBuddy(w)
            form.addRow(label, w)
        self.cpr.textChanged.connect(self._cpr_changed)
        return page

    def _parents_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        left = QVBoxLayout()
        self.guardian_list = QListWidget()
        self.guardian_list.setObjectName("guardianList")
        left.addWidget(self.guardian_list, 1)
        self.add_guardian_button = QPushButton(self.tr("&Add parent"))
        self.add_guardian_button.setObjectName("addGuardianButton")
        self.add_guardian_button.clicked.connect(self.add_guardian)
        left.addWidget(self.add_guardian_button)
        row.addLayout(left, 5)
        form = QFormLayout()
        self.g_name = _line("guardianNameEdit")
        self.g_relation = QComboBox()
        self.g_relation.setObjectName("guardianRelationCombo")
        for code, text in GUARDIAN_RELATION.items():
            self.g_relation.addItem(text, code)
        self.g_custody = QCheckBox(self.tr("Has c&ustody"))
        self.g_custody.setObjectName("guardianCustodyCheck")
        self.g_phone = _line("guardianPhoneEdit")
        self.g_email = _line("guardianEmailEdit")
        self.g_address = _line("guardianAddressEdit")
        for text, w in ((self.tr("Na&me:"), self.g_name), (self.tr("&Relation:"), self.g_relation),
                        ("", self.g_custody), (self.tr("Ph&one:"), self.g_phone), (self.tr("E-ma&il:"), self.g_email),
                        (self.tr("A&ddress:"), self.g_address)):
            label = QLabel(text)
            label.setBuddy(w)
            form.addRow(label, w)
        row.addLayout(form, 6)
        self.guardian_list.currentRowChanged.connect(self._show_guardian)
        for w in (self.g_name, self.g_phone, self.g_email, self.g_address):
            w.textEdited.connect(self._guardian_edited)
        self.g_relation.activated.connect(self._guardian_edited)
        self.g_custody.toggled.connect(self._guardian_edited)
        return page

    def _gp_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.gp_choice = QComboBox()
        self.gp_choice.setObjectName("gpCombo")
        self.gp_choice.addItem(self.tr("(choose to fill in a known clinic)"), None)
        self.gp_choice.addItem(self.tr("(no GP)"), -1)
        for i, g in enumerate(self._gps):
            self.gp_choice.addItem(f"{g.clinic_name}, {g.doctor_name}".strip(", "), i)
        label = QLabel(self.tr("&Known clinics:"))
        label.setBuddy(self.gp_choice)
        form.addRow(label, self.gp_choice)
        self.gp_edits: dict[str, QLineEdit] = {}
        # "gp" tells translators these share a page with other letters than the parents' fields.
        titles = {"clinic_name": self.tr("Cl&inic:", "gp"), "doctor_name": self.tr("&Doctor:", "gp"),
                  "address": self.tr("&Address:", "gp"), "postcode": self.tr("Pos&tcode:", "gp"),
                  "city": self.tr("To&wn:", "gp"), "phone": self.tr("Ph&one:", "gp"),
                  "sor": self.tr("SO&R number:", "gp"), "ean": self.tr("&EAN number:", "gp")}
        for key in GP_FIELDS:
            self.gp_edits[key] = _line(f"gp_{key}")
            form.addRow(titles[key], self.gp_edits[key])
        self.gp_choice.activated.connect(self._gp_chosen)
        return page

    # -- state ----------------------------------------------------------------------------
    def _load(self, child: Child, history: list[ChildChangeRow]) -> None:
        self.child = child
        self.guardians = [replace(g) for g in child.guardians]
        for w, value in ((self.first, child.first_name), (self.last, child.last_name),
                         (self.cpr, child.parsed_cpr.formatted), (self.address, child.address),
                         (self.home, child.home_municipality), (self.treating, child.treating_municipality),
                         (self.school, child.school)):
            w.setText(value)
        self.cpr_state.setText("")
        self._fill_gp(child.gp)
        self.gp_choice.setCurrentIndex(0)
        self.guardian_list.clear()
        for g in self.guardians:
            self.guardian_list.addItem(self._guardian_title(g))
        self.guardian_list.setCurrentRow(0 if self.guardians else -1)
        self._show_guardian(self.guardian_list.currentRow())
        self.history.clear()
        for h in history:
            what = md.FIELD_LABELS.get(h.field, h.field) + (f" ({h.guardian_name})" if h.guardian_name else "")
            QTreeWidgetItem(self.history, [h.changed_at.astimezone().strftime("%d.%m.%Y %H:%M"), h.changed_by, what,
                                           h.old_value or "–", h.new_value or "–", h.reason])
        for i in range(self.history.columnCount()):
            self.history.resizeColumnToContents(i)

    def _fill_gp(self, gp: GeneralPractitioner | None) -> None:
        for key, w in self.gp_edits.items():
            w.setText(getattr(gp, key) if gp else "")

    def _gp_chosen(self, index: int) -> None:
        chosen = self.gp_choice.itemData(index)
        if chosen is not None:
            self._fill_gp(None if chosen == -1 else self._gps[chosen])

    def _guardian_title(self, g: Guardian) -> str:
        relation = GUARDIAN_RELATION.get(g.relation, g.relation).lower()
        name = g.name or self.tr("(new parent)")
        title = f"{name} ({relation})"
        return title if g.has_custody else title + self.tr(", without custody")

    def _guardian_widgets(self) -> tuple[QWidget, ...]:
        return self.g_name, self.g_relation, self.g_custody, self.g_phone, self.g_email, self.g_address

    def _show_guardian(self, row: int) -> None:
        g = self.guardians[row] if 0 <= row < len(self.guardians) else None
        for w in self._guardian_widgets():
            w.blockSignals(True)
            w.setEnabled(g is not None)
        self.g_name.setText(g.name if g else "")
        self.g_relation.setCurrentIndex(max(0, self.g_relation.findData(g.relation if g else "other")))
        self.g_custody.setChecked(bool(g and g.has_custody))
        self.g_phone.setText(g.phone if g else "")
        self.g_email.setText(g.email if g else "")
        self.g_address.setText(g.address if g else "")
        for w in self._guardian_widgets():
            w.blockSignals(False)

    def _guardian_edited(self, *_args) -> None:  # noqa: ANN002
        row = self.guardian_list.currentRow()
        if not 0 <= row < len(self.guardians):
            return
        g = replace(self.guardians[row], name=self.g_name.text(), relation=self.g_relation.currentData(),
                    has_custody=self.g_custody.isChecked(), phone=self.g_phone.text(), email=self.g_email.text(),
                    address=self.g_address.text())
        self.guardians[row] = g
        self.guardian_list.item(row).setText(self._guardian_title(g))

    def add_guardian(self) -> None:
        self.guardians.append(Guardian(None, "", "other", True))
        self.guardian_list.addItem(self._guardian_title(self.guardians[-1]))
        self.guardian_list.setCurrentRow(len(self.guardians) - 1)
        self.g_name.setFocus()

    def _cpr_changed(self, text: str) -> None:
        if text.replace("-", "").strip() == self.child.cpr:
            self.cpr_state.setText("")
            return
        try:
            parsed = cprmod.parse(text)
        except ValidationError as exc:
            self.cpr_state.setText(exc.message)
            return
        self.cpr_state.setText(self.tr("A CPR correction needs a reason below. Born %1.").replace(
            "%1", f"{parsed.birth_date:%d.%m.%Y}"))

    def edited(self) -> Child:
        """The child as the fields now say."""
        gp = GeneralPractitioner(self.child.gp.id if self.child.gp else None,
                                 **{k: w.text() for k, w in self.gp_edits.items()})
        return replace(self.child, first_name=self.first.text(), last_name=self.last.text(), cpr=self.cpr.text(),
                       address=self.address.text(), home_municipality=self.home.text(),
                       treating_municipality=self.treating.text(), school=self.school.text(), gp=gp,
                       guardians=list(self.guardians))

    def has_changes(self) -> bool:
        edited = md.tidy(self.edited())
        edited = replace(edited, cpr=edited.cpr.replace("-", ""))
        return bool(md.diff(self.child, edited)) if not md.problems(self.child, edited, "x") else True

    # -- actions --------------------------------------------------------------------------
    def save(self) -> bool:
        try:
            child, history = self._save(self.edited(), self.reason.text())
        except KnownError as exc:
            self.message.setStyleSheet("color: #a00000; font-weight: bold;")
            self.message.setText(exc.message)
            return False
        self.saved = True
        self.reason.clear()
        self._load(child, history)
        self.message.setStyleSheet("color: #206020;")
        self.message.setText(self.tr("Saved. Every change is listed on the History tab."))
        return True

    def reject(self) -> None:
        if self.isVisible() and self.has_changes() and not prompts.question(
                self, self.tr("Master data"), self.tr("Discard the changes that are not saved?"),
                yes=self.tr("Discard"), no=self.tr("Keep editing")):
            return
        self.close_without_asking()  # asked above already, in this dialog's own words
