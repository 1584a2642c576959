"""SDQ entry by item number (never the wording, licence): 25 answers, impact supplement, live scores as text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate
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

from behandlerklient.core import sdq, sdq_progress
from behandlerklient.core.errors import KnownError, ValidationError
from behandlerklient.core.sdq_progress import PHASES, TimePoint
from behandlerklient.services.measures.scoring import score_with_bands
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill

INFORMANT_NAMES = {"parent": QT_TRANSLATE_NOOP("SdqDialog", "Parent"),
                   "teacher": QT_TRANSLATE_NOOP("SdqDialog", "Teacher"),
                   "self": QT_TRANSLATE_NOOP("SdqDialog", "Self-report (11-17 years)")}
PHASE_NAMES = {"baseline": QT_TRANSLATE_NOOP("SdqDialog", "Before the course"),
               "during": QT_TRANSLATE_NOOP("SdqDialog", "During the course"),
               "closing": QT_TRANSLATE_NOOP("SdqDialog", "At closing"),
               "follow_up": QT_TRANSLATE_NOOP("SdqDialog", "Follow-up")}

ANSWERS = {None: "–", 0: "0", 1: "1", 2: "2"}
IMPACT = {None: "–", 0: "0", 1: "1", 2: "2", 3: "3"}
# Scale abbreviations shown next to each item number (translated where shown; the PDF uses the same).
SCALE_SHORT = {"E": QT_TRANSLATE_NOOP("SdqDialog", "Emo."), "C": QT_TRANSLATE_NOOP("SdqDialog", "Cond."),
               "H": QT_TRANSLATE_NOOP("SdqDialog", "Hyp."), "Pe": QT_TRANSLATE_NOOP("SdqDialog", "Peer"),
               "P": QT_TRANSLATE_NOOP("SdqDialog", "Pro.")}
REVERSED = QT_TRANSLATE_NOOP("SdqDialog", "R")  # after a reverse-scored item's scale
# Our own short names for the impact supplement's questions, never the form's wording.
IMPACT_LABELS = {"overall": QT_TRANSLATE_NOOP("SdqDialog", "Difficulties overall (0-3)"),
                 "distress": QT_TRANSLATE_NOOP("SdqDialog", "Distress"),
                 "home": QT_TRANSLATE_NOOP("SdqDialog", "Home life"),
                 "friendships": QT_TRANSLATE_NOOP("SdqDialog", "Friendships"),
                 "classroom": QT_TRANSLATE_NOOP("SdqDialog", "Classroom learning"),
                 "leisure": QT_TRANSLATE_NOOP("SdqDialog", "Leisure"),
                 "peers": QT_TRANSLATE_NOOP("SdqDialog", "Peer relations")}

# save(informant, phase, date, answers, impact) -> False when the user cancelled the passphrase (stay open)
SaveSdq = Callable[[str, str, date, list, "list | None"], bool]


def _t(text: object) -> str:  # QT_TRANSLATE_NOOP's stubs say object; it returns the str it was given
    return QCoreApplication.translate("SdqDialog", str(text))


class SdqDialog(BaseDialog):
    def __init__(self, *, save: SaveSdq, today: date, suggested: TimePoint | None = None,
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
        for code in sdq.INFORMANTS:
            self.informant.addItem(_t(INFORMANT_NAMES[code]), code)
        self.phase = QComboBox()
        self.phase.setObjectName("phaseCombo")
        for code in PHASES:
            self.phase.addItem(_t(PHASE_NAMES[code]), code)
        self.suggestion = QLabel("")
        self.suggestion.setObjectName("phaseSuggestion")
        self.suggestion.setWordWrap(True)
        self.suggested_course_id = suggested.course_id if suggested else None
        if suggested is not None:
            self.phase.setCurrentIndex(max(0, self.phase.findData(suggested.phase)))
            self.suggestion.setText(fill(self.tr("Suggested from the pathway: %1"), suggested.why))
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setCalendarPopup(True)
        top.addRow(self.tr("Answered by"), self.informant)
        phase_row = QHBoxLayout()
        phase_row.addWidget(self.phase)
        phase_row.addWidget(self.suggestion, 1)
        top.addRow(self.tr("Time point"), phase_row)
        top.addRow(self.tr("Date"), self.date)
        outer.addLayout(top)
        items = QGroupBox(self.tr("Answers (items 1-25, by number and scale; R = reverse-scored)"))
        grid = QGridLayout(items)
        self.items: list[QComboBox] = []
        for n in range(1, 26):
            box = QComboBox()
            box.setObjectName(f"item{n}")
            for value, text in ANSWERS.items():
                box.addItem(text, value)
            box.currentIndexChanged.connect(self._update)
            _name, scale, reverse = sdq.ITEMS[n]
            label = QLabel(f"{n}  {_t(SCALE_SHORT[scale])}{' ' + _t(REVERSED) if reverse else ''}")
            label.setObjectName(f"itemLabel{n}")
            label.setBuddy(box)
            # Five columns of five, in number order: entered from the paper form top to bottom.
            grid.addWidget(label, (n - 1) % 5, 2 * ((n - 1) // 5))
            grid.addWidget(box, (n - 1) % 5, 2 * ((n - 1) // 5) + 1)
            self.items.append(box)
        legend = QLabel(self.tr("Emo. = emotional symptoms · Cond. = conduct problems · Hyp. = hyperactivity/"
                                "inattention · Peer = peer problems · Pro. = prosocial behaviour"))
        legend.setWordWrap(True)
        outer.addWidget(items)
        outer.addWidget(legend)
        impact = QGroupBox(self.tr("Impact supplement (overall 0 = no, 1 = minor, 2 = definite, 3 = severe "
                                   "difficulties; questions 0 = not at all … 3 = a great deal)"))
        il = QGridLayout(impact)
        self.impact: list[QComboBox] = []
        self.impact_labels: list[QLabel] = []
        for n in range(6):
            box = QComboBox()
            box.setObjectName(f"impact{n}")
            for value, text in IMPACT.items():
                box.addItem(text, value)
            box.currentIndexChanged.connect(self._update)
            label = QLabel("")
            label.setObjectName(f"impactLabel{n}")
            label.setBuddy(box)
            il.addWidget(label, 0, n)
            il.addWidget(box, 1, n)
            self.impact.append(box)
            self.impact_labels.append(label)
        outer.addWidget(impact)
        self.result = QLabel("")
        self.result.setObjectName("sdqResult")
        self.result.setWordWrap(True)
        outer.addWidget(self.result)
        self.footnote_label = QLabel("")
        self.footnote_label.setObjectName("sdqFootnote")
        self.footnote_label.setWordWrap(True)
        outer.addWidget(self.footnote_label)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        outer.addWidget(self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("&Save and sign…"), QDialogButtonBox.ButtonRole.AcceptRole)
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
        names = ("overall",) + sdq.IMPACT_ITEMS[informant]
        for i, (box, label) in enumerate(zip(self.impact, self.impact_labels, strict=True)):
            box.setVisible(i < len(names))
            label.setVisible(i < len(names))
            label.setText(_t(IMPACT_LABELS[names[i]]) if i < len(names) else "")
        try:
            result = score_with_bands(informant, self.answers(), self.impact_answers())
        except (KnownError, ValidationError):  # an incomplete form simply shows no scores yet
            self.result.setText("")
            self.footnote_label.setText("")
            return
        lines = []
        for key, label_text in sdq.SCALE_LABELS.items():
            value = result[key]
            band = result["bands"].get(key)
            text = f"{label_text}: {'–' if value is None else value}"
            if band:
                text += f" ({sdq_progress.band_mark(band).lower()})"
            lines.append(text)
        self.result.setText("\n".join(lines))
        # Said once, under the scores, not after every scale (core/sdq_progress.py).
        shown = [b for b in result["bands"].values() if b is not None]
        self.footnote_label.setText(sdq_progress.UNCONFIRMED_NOTE if sdq_progress.needs_footnote(shown) else "")

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
            saved = self._save(self.informant.currentData(), self.phase.currentData(),
                               date(d.year(), d.month(), d.day()), self.answers(), self.impact_answers())
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        if saved:
            self.accept()
