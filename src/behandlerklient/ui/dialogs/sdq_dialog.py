"""SDQ entry by item number (never the wording, licence): 25 answers, impact supplement, live scores as text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core import sdq
from behandlerklient.core.errors import KnownError
from behandlerklient.services.scoring import score_with_bands
from behandlerklient.services.sdq_records import PHASES
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill

ANSWERS = {None: "–", 0: "0", 1: "1", 2: "2"}
IMPACT = {None: "–", 0: "0", 1: "1", 2: "2", 3: "3"}


class SdqDialog(BaseDialog):
    def __init__(self, *, save: Callable[[str, str, date, list, list | None], None], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sdqDialog")
        self.setWindowTitle(self.tr("SDQ"))
        self._save = save
        outer = QVBoxLayout(self)
        note = QLabel(self.tr("Enter the ticked answers by item number (0 = not true, 1 = somewhat true, "
                              "2 = certainly true; – = not answered). The wording of the items is not shown (licence)."))
        note.setWordWrap(True)
        outer.addWidget(note)
        top = QFormLayout()
        self.informant = QComboBox()
        self.informant.setObjectName("informantCombo")
        for code, text in sdq.INFORMANTS.items():
            self.informant.addItem(text, code)
        self.phase = QComboBox()
        self.phase.setObjectName("phaseCombo")
        for code, text in PHASES.items():
            self.phase.addItem(text, code)
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setCalendarPopup(True)
        top.addRow(self.tr("Answered by"), self.informant)
        top.addRow(self.tr("Time point"), self.phase)
        top.addRow(self.tr("Date"), self.date)
        outer.addLayout(top)
        items = QGroupBox(self.tr("Answers (items 1-25)"))
        grid = QGridLayout(items)
        self.items: list[QComboBox] = []
        for n in range(1, 26):
            box = QComboBox()
            box.setObjectName(f"item{n}")
            for code, text in ANSWERS.items():
                box.addItem(text, code)
            box.currentIndexChanged.connect(self._update)
            name = sdq.ITEMS[n][0]
            cell = QHBoxLayout()
            cell.addWidget(QLabel(f"{n}. {name}"))
            cell.addWidget(box)
            grid.addLayout(cell, (n - 1) % 9, (n - 1) // 9)
            self.items.append(box)
        outer.addWidget(items)
        impact = QGroupBox(self.tr("Impact (overall rating 0-3, then impact questions 0-3)"))
        il = QHBoxLayout(impact)
        self.impact: list[QComboBox] = []
        for n in range(6):
            box = QComboBox()
            box.setObjectName(f"impact{n}")
            for code, text in IMPACT.items():
                box.addItem(text, code)
            box.currentIndexChanged.connect(self._update)
            il.addWidget(box)
            self.impact.append(box)
        outer.addWidget(impact)
        self.result = QLabel("")
        self.result.setObjectName("sdqResult")
        self.result.setWordWrap(True)
        outer.addWidget(self.result)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        outer.addWidget(self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("&Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("saveSdqButton")
        buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.informant.currentIndexChanged.connect(self._update)
        self._update()

    def answers(self) -> list[int | None]:
        return [b.currentData() for b in self.items]

    def impact_answers(self) -> list[int | None] | None:
        n = 1 + len(sdq.IMPACT_ITEMS[self.informant.currentData()])
        values = [b.currentData() for b in self.impact[:n]]
        return None if all(v is None for v in values) else values

    def _update(self) -> None:
        informant = self.informant.currentData()
        n = 1 + len(sdq.IMPACT_ITEMS[informant])
        for i, box in enumerate(self.impact):
            box.setVisible(i < n)
        try:
            result = score_with_bands(informant, self.answers(), self.impact_answers())
        except Exception:  # noqa: BLE001 - an incomplete form simply shows no scores yet
            self.result.setText("")
            return
        lines = []
        for key, label in sdq.SCALE_LABELS.items():
            value = result[key]
            band = result["bands"].get(key)
            text = f"{label}: {'–' if value is None else value}"
            if band:
                text += " (" + (band["label"].lower() if band["confirmed"] else fill(
                    self.tr("%1, band not confirmed"), band["label"].lower())) + ")"
            lines.append(text)
        self.result.setText("\n".join(lines))

    # -- drafts ---------------------------------------------------------------------------
    def draft_state(self) -> dict:
        d = self.date.date()
        return {"informant": self.informant.currentData(), "phase": self.phase.currentData(),
                "date": date(d.year(), d.month(), d.day()).isoformat(),
                "items": [b.currentData() for b in self.items], "impact": [b.currentData() for b in self.impact]}

    def apply_draft(self, state: dict) -> None:
        self.informant.setCurrentIndex(max(0, self.informant.findData(state["informant"])))
        self.phase.setCurrentIndex(max(0, self.phase.findData(state["phase"])))
        day = date.fromisoformat(state["date"])
        self.date.setDate(QDate(day.year, day.month, day.day))
        for boxes, values in ((self.items, state["items"]), (self.impact, state["impact"])):
            for box, value in zip(boxes, values):
                box.setCurrentIndex(next((i for i in range(box.count()) if box.itemData(i) == value), 0))

    def _accept(self) -> None:
        d = self.date.date()
        try:
            self._save(self.informant.currentData(), self.phase.currentData(), date(d.year(), d.month(), d.day()),
                       self.answers(), self.impact_answers())
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
