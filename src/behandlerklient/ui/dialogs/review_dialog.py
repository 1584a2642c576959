"""A supervisor's review of one session: structure (and clinical text where the setting allows), the fidelity
checklist rated by the supervisor, then approve or ask for changes."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.errors import KnownError
from behandlerklient.core.fidelity import ADHERENCE
from behandlerklient.services.supervision import supervision
from behandlerklient.services.supervision.supervision import Rating, ReviewView
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill


class ReviewDialog(BaseDialog):
    def __init__(self, *, ws: Workspace, view: ReviewView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.setWindowTitle(self.tr("Supervision of a session"))
        self.ws, self.view = ws, view
        self.decided = ""
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(fill(self.tr("<h3>%1: session %2</h3>Therapist: %3 · %4"), html.escape(view.track),
                                     view.number, html.escape(view.therapist), html.escape(view.session_date))))
        info = QTextBrowser()
        info.setObjectName("reviewSession")
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in view.structure)
        text = ("".join(f"<p><b>{html.escape(k)}</b><br>{html.escape(v)}</p>" for k, v in view.clinical_text.items())
                if view.clinical_text is not None else self.tr("<p><i>The clinical content is not shown (setting).</i></p>"))
        info.setHtml(f"<table>{rows}</table>{text}")
        info.setMaximumHeight(220)
        layout.addWidget(info)
        box = QGroupBox(self.tr("Your rating of manual fidelity (kept apart from the therapist's own)"))
        bl = QVBoxLayout(box)
        self.table = QTableWidget(len(view.items), 3)
        self.table.setObjectName("reviewChecklist")
        self.table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Followed"), self.tr("Competence 0-6")])
        self.table.horizontalHeader().setStretchLastSection(False)
        for row, item in enumerate(view.items):
            lab = QLineEdit(item.label)
            lab.setReadOnly(True)
            self.table.setCellWidget(row, 0, lab)
            combo = QComboBox()
            for code, text_ in ADHERENCE.items():
                combo.addItem(text_, code)
            existing = view.supervisor.get(item.key)
            if existing:
                combo.setCurrentIndex(combo.findData(existing.adherence))
            self.table.setCellWidget(row, 1, combo)
            spin = QSpinBox()
            spin.setRange(-1, 6)
            spin.setSpecialValueText("–")
            spin.setValue(existing.competence if existing and existing.competence is not None else -1)
            self.table.setCellWidget(row, 2, spin)
        # The rating columns are as wide as their headings ("Kompetence 0-6") and their widgets; the item takes the rest.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            widgets = [self.table.cellWidget(row, column).sizeHint().width() for row in range(self.table.rowCount())]
            self.table.setColumnWidth(column, max([header.sectionSizeHint(column)] + widgets))
        bl.addWidget(self.table)
        layout.addWidget(box)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setPlaceholderText(self.tr("Comment to the therapist (required when asking for changes)"))
        self.comment.setMaximumHeight(70)
        layout.addWidget(self.comment)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.approve_button = buttons.addButton(self.tr("&Approve"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.approve_button.setObjectName("approveButton")
        self.changes_button = buttons.addButton(self.tr("Ask for &changes"), QDialogButtonBox.ButtonRole.ActionRole)
        self.changes_button.setObjectName("changesButton")
        buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.approve_button.clicked.connect(lambda: self._decide("approved"))
        self.changes_button.clicked.connect(lambda: self._decide("changes_requested"))
        layout.addWidget(buttons)
        self.resize(760, 670)  # with its title bar it fits a 1280x720 screen

    def set_rating(self, row: int, adherence: str, competence: int | None = None) -> None:
        combo = self.table.cellWidget(row, 1)
        combo.setCurrentIndex(combo.findData(adherence))
        self.table.cellWidget(row, 2).setValue(-1 if competence is None else competence)

    def _ratings(self) -> list[Rating]:
        out = []
        for row, item in enumerate(self.view.items):
            comp = self.table.cellWidget(row, 2).value()
            out.append(Rating(item.key, self.table.cellWidget(row, 1).currentData(), None if comp < 0 else comp))
        return out

    # -- drafts ---------------------------------------------------------------------------
    def draft_state(self) -> dict:
        return {"ratings": [[r.adherence, r.competence] for r in self._ratings()],
                "comment": self.comment.toPlainText()}

    def apply_draft(self, state: dict) -> None:
        for row, (adherence, competence) in enumerate(state["ratings"][:len(self.view.items)]):
            self.set_rating(row, adherence, competence)
        self.comment.setPlainText(state["comment"])

    def _decide(self, decision: str) -> None:
        try:
            supervision.save_ratings(ws=self.ws, session_id=self.view.session_id, kind="supervisor",
                                     items=self._ratings())
            supervision.decide(ws=self.ws, review_id=self.view.review_id, decision=decision,
                               comment=self.comment.toPlainText())
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.decided = decision
        self.accept()
