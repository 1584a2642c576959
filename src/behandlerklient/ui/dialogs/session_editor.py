"""The guided session editor: the manual's five parts, pre-filled, autosaved as an encrypted draft."""

from __future__ import annotations

import copy
from collections.abc import Callable

from PySide6.QtCore import QDate, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.errors import KnownError
from behandlerklient.core.models import Session
from behandlerklient.core.pathway_rules import RISK_LEVELS
from behandlerklient.core.vocab import PARTICIPANTS, SESSION_FORMAT, SESSION_PARTS
from behandlerklient.services.journal.sessions import SessionContext
from behandlerklient.ui import prompts
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill

AUTOSAVE_MS = 1500  # a crash loses at most this much typing


class SessionEditorDialog(BaseDialog):
    draft_saved = Signal()

    def __init__(self, *, ctx: SessionContext, save_draft: Callable[[Session], None],
                 finish: Callable[[Session, str], None], parent: QWidget | None = None,
                 check: Callable[[Session], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionEditor")
        self._ctx = ctx
        self.session = copy.deepcopy(ctx.session)
        self._save_draft, self._finish = save_draft, finish
        self._check = check  # the signing rules, asked before the passphrase
        self._dirty = False
        self.finished_ok = False
        self.setWindowTitle(fill(self.tr("Session %1 - %2"), self.session.number, ctx.track.name))
        outer = QVBoxLayout(self)

        self.heading = QLabel(f"<h2>{ctx.position.heading}</h2>")
        self.heading.setObjectName("sessionHeading")
        outer.addWidget(self.heading)
        sub = f"{ctx.child_name} · {ctx.track.name}" + (fill(self.tr(" · Theme: %1"), ctx.theme) if ctx.theme else "")
        self.theme = QLabel(sub)
        self.theme.setObjectName("sessionTheme")
        self.theme.setWordWrap(True)
        outer.addWidget(self.theme)
        self.warning = QLabel("\n".join(ctx.warnings))
        self.warning.setObjectName("sessionWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff4d6; border: 1px solid #e0a020; padding: 6px;")
        self.warning.setVisible(bool(ctx.warnings))
        outer.addWidget(self.warning)

        facts = QGroupBox(self.tr("The session"))
        form = QGridLayout(facts)
        self.date = QDateEdit(QDate(self.session.session_date.year, self.session.session_date.month,
                                    self.session.session_date.day))
        self.date.setObjectName("dateEdit")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.duration = QSpinBox()
        self.duration.setObjectName("durationSpin")
        self.duration.setRange(0, 600)
        self.duration.setSuffix(self.tr(" min"))
        self.duration.setValue(self.session.duration_min)
        self.participants = QComboBox()
        self.participants.setObjectName("participantsCombo")
        for code, text in PARTICIPANTS.items():
            self.participants.addItem(text, code)
        self.participants.setCurrentIndex(self.participants.findData(self.session.participants))
        self.format = QComboBox()
        self.format.setObjectName("formatCombo")
        for code, text in SESSION_FORMAT.items():
            self.format.addItem(text, code)
        self.format.setCurrentIndex(self.format.findData(self.session.format))
        for col, (text, widget) in enumerate(((self.tr("&Date"), self.date), (self.tr("D&uration"), self.duration),
                                              (self.tr("&Participants"), self.participants),
                                              (self.tr("&Format"), self.format))):
            lab = QLabel(text)
            lab.setBuddy(widget)
            form.addWidget(lab, 0, col)
            form.addWidget(widget, 1, col)
        outer.addWidget(facts)

        parts_widget = QWidget()
        parts_form = QFormLayout(parts_widget)
        parts_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        parts_form.addRow(self._risk_panel(ctx))
        self.parts: dict[str, QPlainTextEdit] = {}
        values = self.session.parts.as_dict()
        for n, (key, title) in enumerate(SESSION_PARTS.items(), start=1):
            edit = QPlainTextEdit(values[key])
            edit.moveCursor(QTextCursor.MoveOperation.End)  # continue after the manual's pre-filled text
            edit.setObjectName(f"part_{key}")
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(64)
            guide = ctx.guidance.get(key, "")
            edit.setPlaceholderText(guide)
            edit.setToolTip(fill(self.tr("The manual: %1"), guide) if guide else "")
            lab = QLabel(f"<b>{n}. {title}</b>")
            lab.setBuddy(edit)
            parts_form.addRow(lab, edit)
            self.parts[key] = edit
            edit.textChanged.connect(self._changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(parts_widget)
        outer.addWidget(scroll, 1)

        self.save_state = QLabel(self.tr("The draft is saved automatically (encrypted)."))
        self.save_state.setObjectName("saveState")
        self.save_state.setStyleSheet("color: palette(mid);")
        outer.addWidget(self.save_state)
        buttons = QDialogButtonBox()
        self.finish_button = buttons.addButton(self.tr("Finish and save in the &journal"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.finish_button.setObjectName("finishButton")
        self.finish_button.setToolTip(self.tr("Ctrl+Enter"))
        self.close_button = buttons.addButton(self.tr("&Save draft and close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setObjectName("closeDraftButton")
        buttons.accepted.connect(self._finish_clicked)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self._finish_clicked)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_now)

        self.risk_level.currentIndexChanged.connect(self._changed)
        self.risk_note.textChanged.connect(self._changed)
        for w in (self.date, self.duration, self.participants, self.format):
            signal = w.dateChanged if w is self.date else (w.valueChanged if w is self.duration else w.currentIndexChanged)
            signal.connect(self._changed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)
        self.resize(760, 720)
        first_empty = next((e for e in self.parts.values() if not e.toPlainText().strip()), self.parts["agenda"])
        first_empty.setFocus()

    def _risk_panel(self, ctx: SessionContext) -> QGroupBox:
        """While the child's suicide risk is active (moderate or higher at the latest assessment), the crisis
        plan and a risk check stand above the five parts; the service refuses to sign without the check."""
        box = QGroupBox(self.tr("Suicide risk: crisis plan and risk check"))
        box.setObjectName("riskPanel")
        box.setStyleSheet("QGroupBox#riskPanel { border: 2px solid #c03030; margin-top: 1.2em; padding: 6px; }")
        form = QFormLayout(box)
        summary = QLabel(ctx.risk.summary if ctx.risk else "")
        summary.setObjectName("riskSummary")
        summary.setWordWrap(True)
        form.addRow(summary)
        plan = QLabel(ctx.risk.plan_text if ctx.risk else "")
        plan.setObjectName("crisisPlan")
        plan.setWordWrap(True)
        form.addRow(plan)
        self.risk_level = QComboBox()
        self.risk_level.setObjectName("riskLevelCombo")
        self.risk_level.addItem(self.tr("(not checked)"), None)
        for code, text in RISK_LEVELS.items():
            self.risk_level.addItem(text, code)
        self.risk_level.setCurrentIndex(max(0, self.risk_level.findData(self.session.risk_level)))
        self.risk_note = QLineEdit(self.session.risk_note)
        self.risk_note.setObjectName("riskNoteEdit")
        for text, widget in ((self.tr("Risk &check (assessed level):"), self.risk_level),
                             (self.tr("Risk check &note:"), self.risk_note)):
            lab = QLabel(text)
            lab.setBuddy(widget)
            form.addRow(lab, widget)
        box.setVisible(ctx.risk is not None)
        return box

    # -- state ----------------------------------------------------------------------------
    def collect(self) -> Session:
        s = self.session
        d = self.date.date()
        s.session_date = s.session_date.replace(year=d.year(), month=d.month(), day=d.day())
        s.duration_min = self.duration.value()
        s.participants = self.participants.currentData()
        s.format = self.format.currentData()
        for key, edit in self.parts.items():
            setattr(s.parts, key, edit.toPlainText())
        s.risk_level = self.risk_level.currentData()
        s.risk_note = self.risk_note.text()
        return s

    # -- drafts (the session is its own draft record: autosaved, and saved when the program locks) ------
    def draft_state(self) -> dict:
        s = self.collect()
        return {"session_date": s.session_date.isoformat(), "duration_min": s.duration_min,
                "participants": s.participants, "format": s.format, "parts": s.parts.as_dict(),
                "risk_level": s.risk_level, "risk_note": s.risk_note}

    def apply_draft(self, state: dict) -> None:
        d = QDate.fromString(state["session_date"], "yyyy-MM-dd")
        if d.isValid():
            self.date.setDate(d)
        self.duration.setValue(int(state["duration_min"]))
        self.participants.setCurrentIndex(max(0, self.participants.findData(state["participants"])))
        self.format.setCurrentIndex(max(0, self.format.findData(state["format"])))
        for key, text in state["parts"].items():
            if key in self.parts:
                self.parts[key].setPlainText(text)
        if state.get("risk_level") is not None:  # findData does not find None: "(not checked)" is index 0
            self.risk_level.setCurrentIndex(max(0, self.risk_level.findData(state["risk_level"])))
        self.risk_note.setText(state.get("risk_note", ""))

    def has_changes(self) -> bool:
        return self._dirty

    def save_own_draft(self) -> bool:
        return self.save_now()

    def _changed(self) -> None:
        self._dirty = True
        self.save_state.setText(self.tr("Changes not saved yet…"))
        self._timer.start()

    def save_now(self) -> bool:
        self._timer.stop()
        if not self._dirty:
            return True
        try:
            self._save_draft(self.collect())
        except KnownError as exc:
            self.save_state.setText(fill(self.tr("The draft could not be saved: %1"), exc.message))
            return False
        self._dirty = False
        self.save_state.setText(fill(self.tr("Draft saved at %1"), QTime.currentTime().toString("HH:mm:ss")))
        self.draft_saved.emit()
        return True

    def _finish_clicked(self) -> None:
        self.save_now()  # whatever happens next, the typing is safe as a draft
        try:
            if self._check is not None:
                self._check(self.collect())  # what is missing is said before the passphrase and its wait
        except KnownError as exc:
            prompts.error(self, self.tr("The session was not signed"), exc.message)
            return
        passphrase = prompts.passphrase(self, fill(self.tr("Sign session %1"), self.session.number), self.tr(
            "Once the session is saved in the journal, it is signed with your name and the time and cannot be "
            "changed afterwards (only corrected by a new, signed addition).\n\nType your passphrase to sign:"))
        if passphrase is None:
            return
        try:
            self._finish(self.collect(), passphrase)
        except KnownError as exc:
            prompts.error(self, self.tr("The session was not signed"), exc.message)
            return
        self._dirty = False
        self.finished_ok = True
        self.accept()

    def reject(self) -> None:
        # Closing never loses text: whatever is typed is saved as the draft first.
        if self._dirty and not self.save_now():
            if not prompts.question(self, self.tr("The draft is not saved"),
                                    self.tr("The draft could not be saved. Close anyway and lose the changes?")):
                return
        self.close_without_asking()  # saved (or the user chose to lose it): nothing left to ask about
