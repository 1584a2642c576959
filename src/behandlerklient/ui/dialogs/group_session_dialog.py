"""A group session: pick the participating courses, write the shared five parts once, then each child's
attendance and own notes. Signing puts one entry in each child's journal, with nothing about the others."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.errors import KnownError
from behandlerklient.core.models import SessionParts
from behandlerklient.core.pathway_rules import RISK_LEVELS
from behandlerklient.core.vocab import SESSION_PARTS
from behandlerklient.services.journal import group_sessions
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui import prompts, signature
from behandlerklient.ui.dialogs.base_dialog import BaseDialog

COURSE_ROLE = Qt.ItemDataRole.UserRole + 30


class GroupSessionDialog(BaseDialog):
    def __init__(self, *, ws: Workspace, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("groupSessionDialog")
        self.setWindowTitle(self.tr("Group session"))
        self.ws = ws
        self.group_id: int | None = None
        self.signed = False
        outer = QVBoxLayout(self)
        pick = QGroupBox(self.tr("1. Participants"))
        form = QFormLayout(pick)
        self.track = QComboBox()
        self.track.setObjectName("groupTrackCombo")
        for t in ws.catalogue.sorted():
            if "group" in t.formats or "parent_group" in t.formats:
                self.track.addItem(t.name, t.id)
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.date.setCalendarPopup(True)
        self.courses = QListWidget()
        self.courses.setObjectName("groupCourses")
        self.create_button = QPushButton(self.tr("&Create group session"))
        self.create_button.setObjectName("createGroupButton")
        form.addRow(self.tr("Track"), self.track)
        form.addRow(self.tr("Date"), self.date)
        form.addRow(self.tr("Active courses"), self.courses)
        form.addRow("", self.create_button)
        outer.addWidget(pick)
        self.shared_box = QGroupBox(self.tr("2. Shared content (copied to each child's journal: name no one)"))
        sf = QFormLayout(self.shared_box)
        self.parts: dict[str, QPlainTextEdit] = {}
        for key, title in SESSION_PARTS.items():
            edit = QPlainTextEdit()
            edit.setObjectName(f"group_{key}")
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(56)
            sf.addRow(title, edit)
            self.parts[key] = edit
        outer.addWidget(self.shared_box)
        self.people_box = QGroupBox(self.tr("3. Each child on their own"))
        pl = QVBoxLayout(self.people_box)
        self.people = QTableWidget(0, 3)
        self.people.setObjectName("groupPeople")
        self.people.setHorizontalHeaderLabels([self.tr("Child"), self.tr("Attendance"), self.tr("Own notes about the child")])
        self.people.horizontalHeader().setStretchLastSection(True)
        pl.addWidget(self.people)
        self.risk_area = QVBoxLayout()  # one crisis-plan panel per child whose suicide risk is active
        pl.addLayout(self.risk_area)
        self.risk_checks: dict[int, tuple[QComboBox, QLineEdit]] = {}  # session id -> (level, note)
        outer.addWidget(self.people_box)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000; font-weight: bold;")
        outer.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("Save &draft"), QDialogButtonBox.ButtonRole.ActionRole)
        self.sign_button = buttons.addButton(self.tr("Save and &sign…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("signGroupButton")
        buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        outer.addWidget(buttons)
        self.track.currentIndexChanged.connect(self._load_candidates)
        self.create_button.clicked.connect(self._create)
        self.save_button.clicked.connect(self._save)
        self.sign_button.clicked.connect(self._sign)
        self._enable(False)
        self._load_candidates()
        self.resize(760, 820)

    def _enable(self, created: bool) -> None:
        for w in (self.shared_box, self.people_box, self.save_button, self.sign_button):
            w.setEnabled(created)
        for w in (self.track, self.date, self.courses, self.create_button):
            w.setEnabled(not created)

    def _load_candidates(self) -> None:
        self.courses.clear()
        for course_id, name in group_sessions.candidates(ws=self.ws, track_id=self.track.currentData()):
            item = QListWidgetItem(name)
            item.setData(COURSE_ROLE, course_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.courses.addItem(item)

    def _chosen(self) -> list[int]:
        return [self.courses.item(i).data(COURSE_ROLE) for i in range(self.courses.count())
                if self.courses.item(i).checkState() == Qt.CheckState.Checked]

    def _create(self) -> None:
        d = self.date.date()
        try:
            self.group_id, _ = group_sessions.create(ws=self.ws, track_id=self.track.currentData(),
                                                     session_date=date(d.year(), d.month(), d.day()),
                                                     course_ids=self._chosen())
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.error.setText("")
        self._load_group()
        self.mark_clean()  # what shows is what the new drafts hold

    def _load_group(self) -> None:
        prefilled = group_sessions.shared(ws=self.ws, group_id=self.group_id).as_dict()  # the manual's outline
        for key, edit in self.parts.items():
            edit.setPlainText(prefilled[key])
        people = group_sessions.participants(ws=self.ws, group_id=self.group_id)
        self.people.setRowCount(len(people))
        self._sessions = []
        for row, p in enumerate(people):
            name = QLineEdit(p.child_name)
            name.setReadOnly(True)
            self.people.setCellWidget(row, 0, name)
            combo = QComboBox()
            for code, text in group_sessions.ATTENDANCE.items():
                combo.addItem(text, code)
            combo.setCurrentIndex(max(0, combo.findData(p.attendance)))
            self.people.setCellWidget(row, 1, combo)
            note = QLineEdit(p.own_note)
            note.setObjectName(f"groupNote{row}")
            self.people.setCellWidget(row, 2, note)
            self._sessions.append(p.session_id)
        self._risk_panels(people)
        self.people.resizeColumnsToContents()
        self._enable(True)

    def _risk_panels(self, people: list[group_sessions.Participant]) -> None:
        """As in the session editor: while a child's suicide risk is active, their crisis plan and a risk check
        show; the service refuses to sign the group session without the check."""
        while (item := self.risk_area.takeAt(0)) is not None:
            if (old := item.widget()) is not None:
                old.deleteLater()
        self.risk_checks = {}
        for p in people:
            if p.risk is None:
                continue
            box = QGroupBox(self.tr("Suicide risk of %1: crisis plan and risk check").replace("%1", p.child_name))
            box.setObjectName(f"riskPanel{p.session_id}")
            box.setStyleSheet(f"QGroupBox#riskPanel{p.session_id} {{ border: 2px solid #c03030; margin-top: 1.2em; "
                              "padding: 6px; }")
            form = QFormLayout(box)
            for text, name in ((p.risk.summary, "riskSummary"), (p.risk.plan_text, "crisisPlan")):
                label = QLabel(text)
                label.setObjectName(f"{name}{p.session_id}")
                label.setWordWrap(True)
                form.addRow(label)
            level = QComboBox()
            level.setObjectName(f"riskLevelCombo{p.session_id}")
            level.addItem(self.tr("(not checked)"), None)
            for code, text in RISK_LEVELS.items():
                level.addItem(text, code)
            level.setCurrentIndex(max(0, level.findData(p.risk_level)))
            note = QLineEdit(p.risk_note)
            note.setObjectName(f"riskNoteEdit{p.session_id}")
            form.addRow(self.tr("Risk check (assessed level):"), level)
            form.addRow(self.tr("Risk check note:"), note)
            self.risk_area.addWidget(box)
            self.risk_checks[p.session_id] = (level, note)

    def _risk_check(self, session_id: int) -> tuple[str | None, str]:
        level, note = self.risk_checks.get(session_id, (None, None))
        return (level.currentData(), note.text()) if level is not None and note is not None else (None, "")

    # -- drafts ---------------------------------------------------------------------------
    def draft_state(self) -> dict:
        d = self.date.date()
        state = {"track": self.track.currentData(), "date": date(d.year(), d.month(), d.day()).isoformat(),
                 "chosen": self._chosen(), "group_id": self.group_id}
        if self.group_id is not None:
            state["parts"] = {k: e.toPlainText() for k, e in self.parts.items()}
            state["people"] = [[self.people.cellWidget(row, 1).currentData(), self.people.cellWidget(row, 2).text()]
                               for row in range(self.people.rowCount())]
            state["risks"] = {str(sid): list(self._risk_check(sid)) for sid in self.risk_checks}
        return state

    def apply_draft(self, state: dict) -> None:
        index = self.track.findData(state["track"])
        if index >= 0:
            self.track.setCurrentIndex(index)
        day = date.fromisoformat(state["date"])
        self.date.setDate(QDate(day.year, day.month, day.day))
        if state.get("group_id") is None:
            for i in range(self.courses.count()):
                item = self.courses.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.data(COURSE_ROLE) in state["chosen"]
                                   else Qt.CheckState.Unchecked)
            return
        self.group_id = state["group_id"]
        try:
            self._load_group()
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        for key, text in state["parts"].items():
            if key in self.parts:
                self.parts[key].setPlainText(text)
        for row, (attendance, note) in enumerate(state["people"][:self.people.rowCount()]):
            self.set_attendance(row, attendance)
            self.set_note(row, note)
        for sid, (level, note) in state.get("risks", {}).items():
            if int(sid) in self.risk_checks:
                combo, edit = self.risk_checks[int(sid)]
                if level is not None:  # findData does not find None: "(not checked)" is index 0
                    combo.setCurrentIndex(max(0, combo.findData(level)))
                edit.setText(note)
        self._enable(True)

    def set_attendance(self, row: int, code: str) -> None:
        combo = self.people.cellWidget(row, 1)
        combo.setCurrentIndex(combo.findData(code))

    def set_note(self, row: int, text: str) -> None:
        self.people.cellWidget(row, 2).setText(text)

    def _save(self) -> bool:
        try:
            group_sessions.save_shared(ws=self.ws, group_id=self.group_id, parts=SessionParts(
                **{k: e.toPlainText() for k, e in self.parts.items()}))
            for row, session_id in enumerate(self._sessions):
                risk_level, risk_note = self._risk_check(session_id)
                group_sessions.save_participant(ws=self.ws, session_id=session_id,
                                                attendance=self.people.cellWidget(row, 1).currentData(),
                                                own_note=self.people.cellWidget(row, 2).text(),
                                                risk_level=risk_level, risk_note=risk_note)
        except KnownError as exc:
            self.error.setText(exc.message)
            return False
        self.error.setText(self.tr("Saved as a draft."))
        self.mark_clean()
        return True

    def _sign(self) -> None:
        if not self._save():
            return
        try:
            group_sessions.check_signable(ws=self.ws, group_id=self.group_id)  # before the passphrase
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        passphrase = prompts.passphrase(self, self.tr("Sign the group session"), self.tr(
            "Each child gets a journal entry of their own with the shared content and their own notes.\n\n"
            "Your passphrase:"))
        if passphrase is None:
            return
        try:
            group_sessions.sign(ws=self.ws, group_id=self.group_id,
                                passphrase=signature.confirmed(self, self.ws, passphrase))
        except KnownError as exc:
            self.error.setText(exc.message)
            return
        self.signed = True
        self.accept()
