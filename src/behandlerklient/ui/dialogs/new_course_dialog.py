"""Open a course on a track: the track's age and session range are shown, departures warned about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core import course_rules
from behandlerklient.core.manuals import Track
from behandlerklient.core.vocab import SESSION_FORMAT
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill


@dataclass
class CourseChoice:
    track_id: str
    start_date: date
    planned_sessions: int
    format: str
    age_reason: str = ""  # why the track is used although its age range excludes the child
    other_way: str | None = None  # how a course outside the screening pathway ("anden vej") came about


class NewCourseDialog(BaseDialog):
    def __init__(self, *, tracks: list[Track], birth_date: date, child_name: str, today: date,
                 parent: QWidget | None = None, track_id: str = "", consent_missing: list[str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newCourseDialog")
        self.setWindowTitle(self.tr("New course"))
        self._tracks, self._birth = tracks, birth_date
        self.choice: CourseChoice | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(fill(self.tr("New treatment course for <b>%1</b>"), child_name)))
        # Said before anything is chosen, not after "Create course" is refused.
        self.consent_note = QLabel(" ".join(consent_missing or []))
        self.consent_note.setObjectName("consentMissing")
        self.consent_note.setWordWrap(True)
        self.consent_note.setStyleSheet("background: #fde2e2; border: 1px solid #c04040; padding: 6px;")
        self.consent_note.setVisible(bool(consent_missing))
        layout.addWidget(self.consent_note)
        form = QFormLayout()
        self.track = QComboBox()
        self.track.setObjectName("trackCombo")
        for t in tracks:
            fits = course_rules.eligibility(t, birth_date, today).ok
            text = fill(self.tr("%1 (%2-%3 years, %4 sessions)"), t.name, t.age_min, t.age_max, t.range_text)
            self.track.addItem(text if fits else fill(self.tr("%1 - outside the child's age"), text), t.id)
        form.addRow(self.tr("&Track:"), self.track)
        self.start = QDateEdit(QDate(today.year, today.month, today.day))
        self.start.setObjectName("startDate")
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("dd.MM.yyyy")
        form.addRow(self.tr("&Start date:"), self.start)
        self.planned = QSpinBox()
        self.planned.setObjectName("plannedSpin")
        self.planned.setRange(1, 60)
        form.addRow(self.tr("&Planned sessions:"), self.planned)
        self.format = QComboBox()
        self.format.setObjectName("formatCombo")
        form.addRow(self.tr("&Format:"), self.format)
        # Asked only when the chosen track's age range excludes the child on the start date.
        self.age_reason = QLineEdit()
        self.age_reason.setObjectName("ageReasonEdit")
        self.age_reason.setPlaceholderText(self.tr("Why this track suits the child anyway"))
        form.addRow(self.tr("&Reason for the age:"), self.age_reason)
        # A course can start outside the screening pathway; it is recorded and counted as such.
        self.other_way = QCheckBox(self.tr("Starts an&other way (outside the screening pathway)"))
        self.other_way.setObjectName("otherWayCheck")
        form.addRow("", self.other_way)
        self.other_way_note = QLineEdit()
        self.other_way_note.setObjectName("otherWayEdit")
        self.other_way_note.setPlaceholderText(self.tr("How the course came about, e.g. referred by PPR by agreement"))
        form.addRow(self.tr("&How:"), self.other_way_note)
        self._form = form
        layout.addLayout(form)
        self.info = QLabel("")
        self.info.setObjectName("trackInfo")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.warning = QLabel("")
        self.warning.setObjectName("courseWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff4d6; border: 1px solid #e0a020; padding: 6px;")
        layout.addWidget(self.warning)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("&Create course"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("createCourseButton")
        ok.setDefault(True)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.track.currentIndexChanged.connect(self._track_changed)
        self.start.dateChanged.connect(self._update_warning)
        self.planned.valueChanged.connect(self._update_warning)
        self.other_way.toggled.connect(self._update_warning)
        eligible = next((i for i, t in enumerate(tracks)
                         if course_rules.eligibility(t, birth_date, today).ok and not t.flexible), 0)
        chosen = self.track.findData(track_id) if track_id else -1  # the screening's recommended track
        self.track.setCurrentIndex(chosen if chosen >= 0 else eligible)
        self._track_changed()
        self.setMinimumWidth(480)

    def current_track(self) -> Track:
        return self._tracks[self.track.currentIndex()]

    def _start_date(self) -> date:
        d = self.start.date()
        return date(d.year(), d.month(), d.day())

    def _track_changed(self) -> None:
        t = self.current_track()
        self.planned.setValue(t.sessions_nominal)
        self.format.clear()
        for code in t.formats:
            self.format.addItem(SESSION_FORMAT[code], code)
        self.info.setText(f"{', '.join(t.target_problems).capitalize()}. {t.notes}".strip())
        self._update_warning()

    def _update_warning(self) -> None:
        t = self.current_track()
        warnings = []
        misfit = course_rules.track_age_problem(t, self._birth, self._start_date())
        if misfit:
            warnings.append(misfit)
        self._form.setRowVisible(self.age_reason, bool(misfit))
        outside = course_rules.planned_outside_range(t, self.planned.value())
        if outside:
            warnings.append(outside)
        self._form.setRowVisible(self.other_way_note, self.other_way.isChecked())
        if self.other_way.isChecked():
            warnings.append(self.tr("The course skips the screening pathway: it is recorded and counted as started "
                                    "another way."))
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))

    # -- drafts ---------------------------------------------------------------------------
    def draft_state(self) -> dict:
        return {"track": self.track.currentData(), "start": self._start_date().isoformat(),
                "planned": self.planned.value(), "format": self.format.currentData()}

    def apply_draft(self, state: dict) -> None:
        index = self.track.findData(state["track"])
        if index >= 0:
            self.track.setCurrentIndex(index)  # resets planned sessions and formats to the track's: then ours
        start = date.fromisoformat(state["start"])
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.planned.setValue(int(state["planned"]))
        self.format.setCurrentIndex(max(0, self.format.findData(state["format"])))

    def _accept(self) -> None:
        misfit = course_rules.track_age_problem(self.current_track(), self._birth, self._start_date())
        if misfit and not self.age_reason.text().strip():
            self.age_reason.setFocus()
            return
        other_way = self.other_way_note.text() if self.other_way.isChecked() else None
        if other_way is not None and not other_way.strip():
            self.other_way_note.setFocus()
            return
        self.choice = CourseChoice(self.current_track().id, self._start_date(), self.planned.value(),
                                   self.format.currentData(), self.age_reason.text().strip() if misfit else "",
                                   other_way)
        self.accept()
