"""Preview of a letter to the GP: the therapist reads it before anything is written to disk."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from behandlerklient.exports.gp_letter import Letter, danish_date
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill


class LetterPreviewDialog(BaseDialog):
    SAVE_PDF, SAVE_BOTH = 1, 2

    def __init__(self, *, letter: Letter, basis: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("letterPreview")
        self.setWindowTitle(self.tr("Review the letter to the GP"))
        self.choice = 0
        layout = QVBoxLayout(self)
        note = QLabel(fill(self.tr("Read the letter through. When you save, the disclosure is recorded in the journal "
                                   "(what, to whom, when and on what basis): %1."), html.escape(basis)))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QTextBrowser()
        self.text.setObjectName("letterText")
        s = letter.sender
        body = "".join(f"<p>{html.escape(p.strip())}</p>".replace("\n", "<br>") for p in letter.text.split("\n\n")
                       if p.strip())
        self.text.setHtml(
            f"<table width='100%'><tr><td><b>{html.escape(s['kommune'])}</b><br>{html.escape(s['afdeling'])}<br>"
            f"{html.escape(s['adresse'])}<br>{html.escape(s['postnr_by'])}</td>"
            f"<td align='right'>Dato: {danish_date(letter.letter_date)}</td></tr></table><br>"
            + "<br>".join(html.escape(line) for line in letter.recipient_lines)
            + f"<p><b>Vedr.: {html.escape(letter.child_name)}, CPR {html.escape(letter.child_cpr)}</b></p>"
            f"<h3>{html.escape(letter.title)}</h3>{body}<p>Med venlig hilsen<br><br>{html.escape(letter.therapist_name)}"
            f"<br>{html.escape(letter.therapist_title)}</p>")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        self.pdf_button = buttons.addButton(self.tr("Save &PDF…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.pdf_button.setObjectName("savePdfButton")
        self.both_button = buttons.addButton(self.tr("Save PDF and &MedCom file…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.both_button.setObjectName("saveBothButton")
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.pdf_button.clicked.connect(lambda: self._choose(self.SAVE_PDF))
        self.both_button.clicked.connect(lambda: self._choose(self.SAVE_BOTH))
        layout.addWidget(buttons)
        self.resize(680, 760)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept()
