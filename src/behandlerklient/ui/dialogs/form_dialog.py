"""A form for one pathway record, built from field declarations: save as draft, or save and sign."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.errors import KnownError
from behandlerklient.ui import prompts
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill

# With its title bar the form fits a 1280x720 screen; the fields scroll.
MAX_HEIGHT = 670
LABEL_WIDTH = 210


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = "line"  # line, text, date, choice, bool, int, multi (check boxes; value: comma-separated codes)
    choices: dict[Any, str] = field(default_factory=dict)
    help: str = ""


class _RowLabel(QLabel):
    """A form label that wraps onto two lines gets the height of two lines: QFormLayout gives a row the height
    of its field, so beside a one-line field the second line was cut off."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        # Wide enough that most labels take one line; the longest take two.
        self.setMinimumWidth(min(LABEL_WIDTH, self.fontMetrics().horizontalAdvance(text) + 4))

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt naming
        super().resizeEvent(event)
        need = self.heightForWidth(self.width())
        if need != self.minimumHeight():
            self.setMinimumHeight(need)


class MultiChoice(QWidget):
    """Several of a list of categories as check boxes (objectName choice_<code>); the value is the chosen codes,
    comma-separated in the list's order, as the database stores them."""

    def __init__(self, choices: dict[Any, str], value: str) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        chosen = {c.strip() for c in (value or "").split(",")}
        for i, (code, text) in enumerate(choices.items()):
            box = QCheckBox(text)
            box.setObjectName(f"choice_{code}")
            box.setChecked(code in chosen)
            grid.addWidget(box, i // 2, i % 2)
            self.boxes[str(code)] = box

    def value(self) -> str:
        return ",".join(code for code, box in self.boxes.items() if box.isChecked())

    def set_value(self, value: str) -> None:
        chosen = {c.strip() for c in (value or "").split(",")}
        for code, box in self.boxes.items():
            box.setChecked(code in chosen)


class FormDialog(BaseDialog):
    def __init__(self, *, title: str, intro: str, fields: list[Field], values: dict[str, Any],
                 save: Callable[[dict[str, Any]], None], sign: Callable[[dict[str, Any], str], None] | None,
                 parent: QWidget | None = None, check: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formDialog")
        self.setWindowTitle(title)
        self._save, self._sign, self._fields = save, sign, fields
        self._check = check  # the signing rules for the saved draft, asked before the passphrase
        self.saved = False
        self.signed = False
        outer = QVBoxLayout(self)
        head = QLabel(intro)
        head.setObjectName("formIntro")
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(head)
        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.widgets: dict[str, QWidget] = {}
        for f in fields:
            w = self._make(f, values.get(f.key))
            w.setObjectName(f"field_{f.key}")
            if f.help:
                w.setToolTip(f.help)
            lab = _RowLabel(f.label)
            lab.setBuddy(w)
            form.addRow(lab, w)
            self.widgets[f.key] = w
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        self.error.hide()
        outer.addWidget(self.error)
        buttons = QDialogButtonBox()
        # A form with a signing step saves drafts; one without (a rating, a meeting) simply saves.
        self.draft_button = buttons.addButton(self.tr("Save &draft") if sign is not None else self.tr("&Save"),
                                              QDialogButtonBox.ButtonRole.ActionRole)
        self.draft_button.setObjectName("saveDraftButton")
        self.draft_button.clicked.connect(self._save_draft)
        if sign is not None:
            self.sign_button = buttons.addButton(self.tr("Save and &sign…"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.sign_button.setObjectName("signButton")
            self.sign_button.setToolTip("Ctrl+Enter")
            self.sign_button.clicked.connect(self._save_and_sign)
            for seq in ("Ctrl+Return", "Ctrl+Enter"):
                QShortcut(QKeySequence(seq), self, activated=self._save_and_sign)
        cancel = buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self._save_draft)
        outer.addWidget(buttons)
        self.resize(640, min(MAX_HEIGHT, 160 + 56 * len(fields)))

    # -- widgets --------------------------------------------------------------------------
    def _make(self, f: Field, value: Any) -> QWidget:
        if f.kind == "text":
            w = QPlainTextEdit(value or "")
            w.setTabChangesFocus(True)
            w.setMinimumHeight(60)
            return w
        if f.kind == "date":
            d = value if isinstance(value, date) else (date.fromisoformat(value) if value else date.today())
            w = QDateEdit(QDate(d.year, d.month, d.day))
            w.setCalendarPopup(True)
            w.setDisplayFormat("dd.MM.yyyy")
            return w
        if f.kind == "choice":
            w = QComboBox()
            for code, text in f.choices.items():
                w.addItem(text, code)
            index = w.findData(value)
            w.setCurrentIndex(index if index >= 0 else 0)
            return w
        if f.kind == "bool":
            w = QCheckBox()
            w.setChecked(bool(value))
            return w
        if f.kind == "multi":
            return MultiChoice(f.choices, value or "")
        if f.kind == "int":
            w = QSpinBox()
            w.setRange(0, 600)
            w.setValue(int(value or 0))
            return w
        return QLineEdit(value or "")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self._fields:
            w = self.widgets[f.key]
            if isinstance(w, QPlainTextEdit):
                out[f.key] = w.toPlainText()
            elif isinstance(w, QDateEdit):
                q = w.date()
                out[f.key] = date(q.year(), q.month(), q.day())
            elif isinstance(w, QComboBox):
                out[f.key] = w.currentData()
            elif isinstance(w, QCheckBox):
                out[f.key] = w.isChecked()
            elif isinstance(w, (QSpinBox, MultiChoice)):
                out[f.key] = w.value()
            else:
                out[f.key] = w.text()
        return out

    def set_value(self, key: str, value: Any) -> None:
        """For callers and tests that fill the form as a user would."""
        w = self.widgets[key]
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(value)
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(w.findData(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QDateEdit):
            w.setDate(QDate(value.year, value.month, value.day))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, MultiChoice):
            w.set_value(value)
        else:
            w.setText(value)

    # -- drafts ---------------------------------------------------------------------------
    def draft_state(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in self.values().items()}

    def apply_draft(self, state: dict[str, Any]) -> None:
        for f in self._fields:
            if f.key not in state:
                continue
            value, w = state[f.key], self.widgets[f.key]
            if isinstance(w, QComboBox):  # by data, None included (findData does not find None)
                index = next((i for i in range(w.count()) if w.itemData(i) == value), -1)
                if index >= 0:
                    w.setCurrentIndex(index)
            elif f.kind == "date":
                if value:
                    self.set_value(f.key, date.fromisoformat(value))
            else:
                self.set_value(f.key, value)

    def save_own_draft(self) -> bool:
        if self._sign is None:  # a rating or a meeting: saving is the user's decision, not the lock's
            return False
        try:
            self._save(self.values())
        except KnownError:
            return False
        self.saved = True
        self.mark_clean()
        return True

    # -- actions --------------------------------------------------------------------------
    def _show(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _save_draft(self) -> bool:
        try:
            self._save(self.values())
        except KnownError as exc:
            self._show(exc.message)
            return False
        self.saved = True
        self.mark_clean()
        self.error.hide()
        self.accept()
        return True

    def _save_and_sign(self) -> None:
        try:
            self._save(self.values())
        except KnownError as exc:
            self._show(exc.message)
            return
        self.saved = True
        try:
            if self._check is not None:
                self._check()  # what is missing is said now, not after the passphrase and its wait
        except KnownError as exc:
            self._show(fill(self.tr("Saved as a draft, but not signed: %1"), exc.message))
            return
        self.mark_clean()
        passphrase = prompts.passphrase(self, self.tr("Sign"), self.tr(
            "Signed entries cannot be changed afterwards, only corrected by a new addition.\n\n"
            "Type your passphrase to sign:"))
        if passphrase is None:
            self._show(self.tr("Saved as a draft; not signed."))
            return
        try:
            self._sign(self.values(), passphrase)
        except KnownError as exc:
            self._show(fill(self.tr("Saved as a draft, but not signed: %1"), exc.message))
            return
        self.signed = True
        self.accept()
