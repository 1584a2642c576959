"""One child's record: master data, contacts, and courses with their sessions."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.next_step import NextStep
from behandlerklient.core.vocab import (
    ATTENDANCE,
    CONTACT_MADE_BY,
    CONTACT_WAY,
    COURSE_STATUS,
    GUARDIAN_RELATION,
    SESSION_STATE,
    SEX,
    label,
)
from behandlerklient.services.overview.child_record import ChildRecord
from behandlerklient.services.registration.children import ChildOverview
from behandlerklient.ui.i18n import fill
from behandlerklient.ui.widgets.record_tabs import ConsentTab, JournalTab, TimelineTab
from behandlerklient.ui.widgets.sdq_tab import SdqTab

COURSE_ROLE = Qt.ItemDataRole.UserRole + 1
SESSION_ROLE = Qt.ItemDataRole.UserRole + 2


def _d(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


class ChildView(QWidget):
    new_course_requested = Signal()
    new_session_requested = Signal(int)  # course id
    session_opened = Signal(int)  # session id
    details_requested = Signal()  # the master data dialog
    next_requested = Signal()  # the pathway's next step (core/next_step.py)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("childView")
        self.overview: ChildOverview | None = None
        self.next_step: NextStep | None = None
        layout = QVBoxLayout(self)
        self.header = QLabel(self.tr("Choose a child in the list on the left."))
        self.header.setObjectName("childHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)
        self.details = QLabel("")
        self.details.setObjectName("childDetails")
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setWordWrap(True)
        details_row = QHBoxLayout()
        details_row.addWidget(self.details, 1)
        self.details_button = QPushButton(self.tr("Maste&r data…"))
        self.details_button.setObjectName("childDetailsButton")
        self.details_button.setToolTip(self.tr("Name, CPR, address, school, parents and GP, with their history "
                                               "(Ctrl+Shift+M)"))
        self.details_button.clicked.connect(self.details_requested)
        details_row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(details_row)
        # The pathway's next step for this child as one button, with what must be said before it (turned 15).
        next_row = QHBoxLayout()
        self.next_button = QPushButton("")
        self.next_button.setObjectName("nextStepButton")
        self.next_button.setToolTip(self.tr("Opens the next step of the pathway, filled in from what is known "
                                            "(Ctrl+Shift+Enter)"))
        self.next_button.setStyleSheet("font-weight: bold; padding: 4px 12px;")
        self.next_button.clicked.connect(self.next_requested)
        next_row.addWidget(self.next_button, 0)
        self.next_warning = QLabel("")
        self.next_warning.setObjectName("nextStepWarning")
        self.next_warning.setWordWrap(True)
        self.next_warning.setStyleSheet("background: #fff4d6; border: 1px solid #e0a020; padding: 4px;")
        next_row.addWidget(self.next_warning, 1)
        next_row.addStretch(0)
        layout.addLayout(next_row)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("childTabs")
        course_page = QWidget()
        page = QVBoxLayout(course_page)
        page.setContentsMargins(0, 0, 0, 0)
        contacts_box = QGroupBox(self.tr("Contacts"))
        cl = QVBoxLayout(contacts_box)
        self.contacts = QTreeWidget()
        self.contacts.setObjectName("contactsTree")
        self.contacts.setHeaderLabels([self.tr("Date"), self.tr("Who"), self.tr("Way"), self.tr("Concern")])
        self.contacts.setRootIsDecorated(False)
        self.contacts.setMaximumHeight(110)
        cl.addWidget(self.contacts)
        page.addWidget(contacts_box)

        courses_box = QGroupBox(self.tr("Courses and sessions"))
        vl = QVBoxLayout(courses_box)
        self.courses = QTreeWidget()
        self.courses.setObjectName("coursesTree")
        self.courses.setHeaderLabels([self.tr("Course / session"), self.tr("Date"), self.tr("Status"), self.tr("Sessions")])
        self.courses.itemActivated.connect(self._activated)
        self.courses.currentItemChanged.connect(lambda *_: self._update_buttons())
        vl.addWidget(self.courses)
        buttons = QHBoxLayout()
        self.new_course_button = QPushButton(self.tr("&New course…"))
        self.new_course_button.setObjectName("newCourseButton")
        self.new_course_button.clicked.connect(self.new_course_requested)
        self.new_session_button = QPushButton(self.tr("New &session"))
        self.new_session_button.setObjectName("newSessionButton")
        self.new_session_button.setToolTip(self.tr("New session in the chosen course (Ctrl+N)"))
        self.new_session_button.clicked.connect(self._request_session)
        buttons.addWidget(self.new_course_button)
        buttons.addWidget(self.new_session_button)
        buttons.addStretch(1)
        vl.addLayout(buttons)
        page.addWidget(courses_box, 1)
        self.tabs.addTab(course_page, self.tr("C&ourses"))
        self.timeline = TimelineTab()
        self.tabs.addTab(self.timeline, self.tr("&Timeline"))
        self.journal = JournalTab()
        self.tabs.addTab(self.journal, self.tr("&Journal"))
        self.sdq = SdqTab()
        self.tabs.addTab(self.sdq, self.tr("SD&Q"))
        self.consent = ConsentTab()
        self.tabs.addTab(self.consent, self.tr("Consent and docu&mentation"))
        layout.addWidget(self.tabs, 1)
        self.show_overview(None)

    def show_overview(self, ov: ChildOverview | None, *, record: ChildRecord | None = None,
                      select_course: int | None = None) -> None:
        self.overview = ov
        self.record = record
        # A user who may not read the child's clinical notes (a coordinator) gets no journal tab and no clinical
        # buttons; the services refuse her those records anyway (services/accounts/access.py).
        clinical = record is None or record.clinical_notes
        self.tabs.setTabVisible(self.tabs.indexOf(self.journal), clinical)
        self.new_course_button.setVisible(clinical)
        self.new_session_button.setVisible(clinical)
        self.timeline.show_record(record)
        self.journal.show_record(record)
        self.sdq.show_progress(record.sdq if record else None)
        self.tabs.setTabVisible(self.tabs.indexOf(self.sdq), record is None or record.sdq is not None)
        names = {v.course.id: f"{v.track_name} ({v.course.start_date:%d.%m.%Y})" for v in (ov.courses if ov else [])}
        self.consent.show_record(record, names)
        self.contacts.clear()
        self.courses.clear()
        has = ov is not None
        self.new_course_button.setEnabled(has)
        self.details_button.setVisible(has)
        if ov is None:
            self.show_next(None)
            self.header.setText(self.tr("<h2>No child chosen</h2>Choose a child in the list on the left, or search by name or CPR."))
            self.details.setText("")
            self._update_buttons()
            return
        c = ov.child
        parsed = c.parsed_cpr
        self.header.setText(fill(self.tr("<h2>%1</h2>CPR %2 · born %3 · %4 years · %5"), _esc(c.full_name),
                                 parsed.formatted, _d(parsed.birth_date), ov.age, label(SEX, parsed.sex)))
        guardians = ", ".join(fill(self.tr("%1 (%2)") if g.has_custody else self.tr("%1 (%2, without custody)"),
                                   _esc(g.name), label(GUARDIAN_RELATION, g.relation).lower())
                              for g in c.guardians) or "-"
        gp = (fill(self.tr("%1, %2, tel. %3"), _esc(c.gp.clinic_name), _esc(c.gp.doctor_name), _esc(c.gp.phone))
              if c.gp else self.tr("not given"))
        munis = _esc(c.home_municipality or "-")
        if c.treating_municipality and c.treating_municipality != c.home_municipality:
            munis = fill(self.tr("%1 (treated in %2)"), munis, _esc(c.treating_municipality))
        self.details.setText(fill(self.tr("<b>Parents:</b> %1<br><b>GP:</b> %2<br><b>Municipality:</b> %3"),
                                  guardians, gp, munis)
                             + fill(self.tr("<br><b>Address:</b> %1 · <b>School:</b> %2"), _esc(c.address or "-"),
                                    _esc(c.school or "-")))
        for ct in ov.contacts:
            QTreeWidgetItem(self.contacts, [_d(ct.contact_date), label(CONTACT_MADE_BY, ct.made_by),
                                            label(CONTACT_WAY, ct.way), ct.concern])
        chosen = None
        for view in ov.courses:
            course = view.course
            item = QTreeWidgetItem(self.courses, [view.track_name, _d(course.start_date),
                                                  label(COURSE_STATUS, course.status), ""])
            item.setData(0, COURSE_ROLE, course.id)
            for s in view.sessions:
                state = label(SESSION_STATE, s.state) if s.attendance == "held" else label(ATTENDANCE, s.attendance)
                child_item = QTreeWidgetItem(item, [fill(self.tr("Session %1"), s.number), _d(s.session_date), state,
                                                    ""])
                child_item.setData(0, SESSION_ROLE, s.id)
                child_item.setData(0, COURSE_ROLE, course.id)
            item.setText(3, view.progress_text)
            item.setExpanded(course.status in ("active", "planned"))
            if select_course == course.id or (chosen is None and course.status == "active"):
                chosen = item
        for i in range(self.courses.columnCount()):
            self.courses.resizeColumnToContents(i)
        if chosen is not None:
            self.courses.setCurrentItem(chosen)
        self._update_buttons()

    def show_next(self, step: NextStep | None) -> None:
        """The next step's button ("Next: Intake talk"); hidden without a child or for a non-clinician."""
        self.next_step = step
        self.next_button.setVisible(step is not None)
        self.next_button.setText(fill(self.tr("Next: %1"), step.label) if step else "")
        self.next_warning.setText(step.warning if step else "")
        self.next_warning.setVisible(bool(step and step.warning))

    def selected_journal_entry(self) -> int | None:
        """The entry the user chose on the Journal tab, when that tab is showing; never a default one."""
        if self.overview is None or self.tabs.currentWidget() is not self.journal:
            return None
        return self.journal.selected_entry()

    def selected_course_id(self) -> int | None:
        item = self.courses.currentItem()
        return None if item is None else item.data(0, COURSE_ROLE)

    def active_course_id(self) -> int | None:
        """The selected course, or the only active one."""
        chosen = self.selected_course_id()
        if chosen is not None:
            return chosen
        active = [v.course.id for v in (self.overview.courses if self.overview else []) if v.course.status == "active"]
        return active[0] if len(active) == 1 else None

    def _update_buttons(self) -> None:
        self.new_session_button.setEnabled(self.active_course_id() is not None)

    def _request_session(self) -> None:
        course_id = self.active_course_id()
        if course_id is not None:
            self.new_session_requested.emit(course_id)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        session_id = item.data(0, SESSION_ROLE)
        if session_id is not None:
            self.session_opened.emit(session_id)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
