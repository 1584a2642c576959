"""The main window: child list with search-as-you-type on the left, the chosen child's record on the right."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from behandlerklient import APP_NAME
from behandlerklient.core import course_rules
from behandlerklient.core.errors import KnownError
from behandlerklient.core.vocab import ROLES
from behandlerklient.services.accounts.authorship import author_name
from behandlerklient.services.changes import Changes
from behandlerklient.services.journal import journal as journal_service
from behandlerklient.services.journal import sessions as session_service
from behandlerklient.services.overview import child_record
from behandlerklient.services.pathway import consent as consent_service
from behandlerklient.services.pathway import next_step
from behandlerklient.services.pathway import pathway as pathway_service
from behandlerklient.services.registration import children as child_service
from behandlerklient.services.supervision import supervision as supervision_service
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui import prompts, signature
from behandlerklient.ui.access_actions import AccessActions
from behandlerklient.ui.child_details_actions import ChildDetailsActions
from behandlerklient.ui.dialogs.base_dialog import EditorRef
from behandlerklient.ui.dialogs.new_child_dialog import NewChildDialog
from behandlerklient.ui.dialogs.new_course_dialog import NewCourseDialog
from behandlerklient.ui.dialogs.session_editor import SessionEditorDialog
from behandlerklient.ui.document_actions import DocumentActions
from behandlerklient.ui.errors import report
from behandlerklient.ui.i18n import fill
from behandlerklient.ui.models.child_list_model import ChildListModel
from behandlerklient.ui.pathway_actions import PathwayActions
from behandlerklient.ui.widgets.child_table import ChildTable
from behandlerklient.ui.widgets.child_view import ChildView
from behandlerklient.ui.widgets.work_queue import WorkQueueWidget
from behandlerklient.ui.window_host import WindowHost
from behandlerklient.ui.work_list_feed import WorkListFeed

SEARCH_DEBOUNCE_MS = 40  # coalesces a burst of keys; a single key still answers at once to the eye


class MainWindow(WindowHost):
    def __init__(self, ws: Workspace, *, demo: bool = False, today=date.today) -> None:
        super().__init__()
        self.ws, self._today = ws, today
        self.setObjectName("mainWindow")
        # The title never names a child: it shows on task bars, screen shares and window lists.
        self.setWindowTitle(self.tr("%1 (demo)").replace("%1", APP_NAME) if demo else APP_NAME)
        self.current_child_id: int | None = None
        self.editor: SessionEditorDialog | None = None
        self.dialog = None

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("searchEdit")
        self.search.setPlaceholderText(self.tr("Search by name or CPR…  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        ll.addWidget(self.search)
        self.model = ChildListModel(
            search=lambda text, offset, limit: child_service.search(ws=self.ws, text=text, offset=offset, limit=limit),
            page=lambda offset, limit: child_service.page(ws=self.ws, offset=offset, limit=limit),
            total=lambda: child_service.count(ws=self.ws), today=today)
        self.model.rowsInserted.connect(lambda *_: self._update_count())  # scrolling fetched more matches
        self.list = ChildTable()
        self.list.setObjectName("childList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setAlternatingRowColors(True)
        # Tab leaves the list: walking it cell by cell would open (and log a view of) every child on the way.
        self.list.setTabKeyNavigation(False)
        ll.addWidget(self.list, 1)
        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        ll.addWidget(self.count_label)

        self.child_view = ChildView()
        self.work_queue = WorkQueueWidget()
        self.right = QStackedWidget()
        self.right.addWidget(self.work_queue)
        self.right.addWidget(self.child_view)
        self.work_list = WorkListFeed(self, ws=ws, stack=self.right, widget=self.work_queue, today=self._today)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 760])
        self.setCentralWidget(splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._open_first_hit)
        self.list.selectionModel().currentRowChanged.connect(self._row_changed)
        self.list.open_requested.connect(self._open_current_row)
        self.child_view.new_course_requested.connect(self.new_course)
        self.child_view.new_session_requested.connect(self.start_session)
        self.child_view.session_opened.connect(self.open_session)
        self.pathway = PathwayActions(self)
        self.child_view.next_requested.connect(self.pathway.next_step)
        self.work_queue.task_opened.connect(self.pathway.open_task)
        self.work_queue.approvals_seen.connect(self._approvals_seen)
        self._build_actions()
        self.pathway.build_menu()
        self.documents = DocumentActions(self)
        self.documents.build_menu()
        self.work_list.start()
        user = ws.user
        self.statusBar().showMessage(f"{user.full_name} · {ROLES.get(user.role, user.role)}")
        self._update_count()
        self.resize(1180, 760)

    # -- actions --------------------------------------------------------------------------
    def _build_actions(self) -> None:
        menu = self.menuBar()
        filemenu = menu.addMenu(self.tr("&File"))
        quit_action = QAction(self.tr("&Quit"), self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close)
        quit_action.setObjectName("action_quit")
        filemenu.addAction(quit_action)
        childmenu = menu.addMenu(self.tr("&Child"))
        self.find_action = QAction(self.tr("Sea&rch"), self, shortcut=QKeySequence.StandardKey.Find,
                                   triggered=self.focus_search)
        self.new_child_action = QAction(self.tr("&New child…"), self, shortcut=QKeySequence("Ctrl+Shift+N"),
                                        triggered=self.new_child)
        self.new_course_action = QAction(self.tr("New &course…"), self, shortcut=QKeySequence("Ctrl+Shift+F"),
                                         triggered=self.new_course)
        self.new_session_action = QAction(self.tr("New &session"), self, shortcut=QKeySequence.StandardKey.New,
                                          triggered=self.new_session)
        self.queue_action = QAction(self.tr("&Work list"), self, shortcut=QKeySequence("Ctrl+Shift+L"),
                                    triggered=self.show_queue)
        for a, name in ((self.find_action, "action_find"), (self.new_child_action, "action_new_child"),
                        (self.new_course_action, "action_new_course"),
                        (self.new_session_action, "action_new_session"), (self.queue_action, "action_queue")):
            a.setObjectName(name)
            childmenu.addAction(a)
        self.child_details = ChildDetailsActions(self, childmenu)  # Stamdata: Barn menu, Ctrl+Shift+M, child view
        self.access = AccessActions(self, childmenu)  # Adgang og supervision: Barn menu, Ctrl+Shift+D
        tb = self.addToolBar(self.tr("Tools"))
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.queue_action, self.new_child_action, self.new_course_action, self.new_session_action):
            tb.addAction(a)
        if self.ws.user.role == "coordinator":  # courses and sessions are clinical work (docs/access.md)
            for a in (self.new_course_action, self.new_session_action):
                a.setEnabled(False)
                a.setVisible(False)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        # Quitting never loses typing: an open session editor saves its draft first.
        if self.editor is not None and not self.editor.save_now():
            if not prompts.question(self, self.tr("The draft is not saved"),
                                    self.tr("The draft could not be saved. Quit anyway?")):
                event.ignore()
                return
        super().closeEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- list and search ------------------------------------------------------------------
    def _run_search(self) -> None:
        self.model.set_query(self.search.text())
        self._update_count()
        if self.model.rowCount() == 1:
            self.list.selectRow(0)

    def _update_count(self) -> None:
        total = self.model.total()
        if self.model.query:
            n = _n(self.model.rowCount()) + ("" if self.model.complete() else "+")
            self.count_label.setText(self.tr("%1 found of %2 children").replace("%1", n).replace("%2", _n(total)))
        else:
            self.count_label.setText(self.tr("%1 children").replace("%1", _n(total)))

    def _open_first_hit(self) -> None:
        self._search_timer.stop()
        self._run_search()
        if self.model.rowCount() > 0:
            self.list.selectRow(0)
            self.list.setFocus()

    def _row_changed(self, current, _previous) -> None:  # noqa: ANN001
        if self.list.browsing:  # arrow keys: open where the user stops, not every child passed on the way
            self.list.rest_then_open()
            return
        self.list.cancel_rest()
        child_id = self.model.child_id(current.row()) if current.isValid() else None
        self.show_child(child_id)

    def _open_current_row(self) -> None:
        current = self.list.currentIndex()
        child_id = self.model.child_id(current.row()) if current.isValid() else None
        if child_id is not None and child_id != self.current_child_id:
            self.show_child(child_id)

    def today(self) -> date:
        return self._today()

    def refresh_queue(self) -> None:
        self.work_list.refresh()

    def _approvals_seen(self) -> None:
        supervision_service.mark_approvals_seen(ws=self.ws)
        self.refresh_queue()

    def show_queue(self) -> None:
        builds = self.work_list.builds
        # clear(), not clearSelection(): the current row must go too, or clicking the same child again changes
        # nothing and it can no longer be opened.
        self.list.selectionModel().clear()
        self.work_queue.show_only(None)
        self.current_child_id = None
        self.child_view.show_overview(None)
        self.work_list.bring_to_front(builds)
        self.work_queue.tree.setFocus()

    def show_child(self, child_id: int | None, *, select_course: int | None = None, refresh: bool = False) -> None:
        self.current_child_id = child_id
        if child_id is None:
            self.child_view.show_overview(None)
            self.right.setCurrentWidget(self.work_queue)
            return
        try:
            ov = child_service.overview(ws=self.ws, child_id=child_id, on=self._today(), log_view=not refresh)
            rec = child_record.details(ws=self.ws, child_id=child_id, on=self._today())
        except KnownError as exc:
            report(self, exc)
            return
        self.child_view.show_overview(ov, record=rec, select_course=select_course)
        # The next step is clinical work: a coordinator (no clinical notes) gets no button.
        self.child_view.show_next(next_step.for_child(ws=self.ws, child_id=child_id, on=self._today())
                                  if rec.clinical_notes else None)
        self.right.setCurrentWidget(self.child_view)

    def select_child(self, child_id: int) -> None:
        row = self.model.row_of(child_id)
        if row is None:
            self.search.setText("")
            self._run_search()
            row = self.model.row_of(child_id)
        if row is not None:
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        # The row may already have been current (no currentRowChanged then): the child must be shown all the same.
        if self.current_child_id != child_id or self.child_view.overview is None:
            self.show_child(child_id)

    def apply_changes(self, changes: Changes) -> None:
        """Refresh what a change touched (Anki's operation_did_execute)."""
        if changes.children:
            self.model.register_changed()
            self._update_count()
        if self.current_child_id is not None and (changes.child_id in (None, self.current_child_id)):
            self.show_child(self.current_child_id, select_course=self.child_view.selected_course_id(), refresh=True)
        self.refresh_queue()

    # -- use cases ------------------------------------------------------------------------
    def new_child(self) -> None:
        dlg = NewChildDialog(gps=self._gps(), parent=self)
        dlg.reopen_ref = lambda: EditorRef("new_child")
        dlg.accepted.connect(lambda: self._register(dlg.result_child))
        self.show_dialog(dlg)

    def _register(self, c) -> None:  # noqa: ANN001 - NewChild
        if c is None:
            return
        try:
            reg = child_service.register_child(ws=self.ws, first_name=c.first_name, last_name=c.last_name, cpr=c.cpr,
                                               home_municipality=c.home_municipality,
                                               treating_municipality=c.treating_municipality, gp=c.gp,
                                               guardians=c.guardians)
        except KnownError as exc:
            report(self, exc)
            return
        self.apply_changes(reg.changes)
        if reg.warnings:
            prompts.warning(self, self.tr("The child is registered"), "\n".join(reg.warnings))
        self.search.setText(f"{c.first_name} {c.last_name}")
        self._run_search()
        self.select_child(reg.child.id)

    def _gps(self):
        return child_service.gps(ws=self.ws)

    def new_course(self) -> None:
        """Menu and button: no arguments (a QAction's `triggered(bool)` would arrive as the track)."""
        self.new_course_on("")

    def new_course_on(self, track_id: str) -> None:
        """The course dialog, the tracks that fit the child's age first and `track_id` (the screening's) chosen.
        Missing consent is said before the dialog, with the consent form one answer away."""
        ov = self.child_view.overview
        if ov is None:
            prompts.info(self, self.tr("New course"), self.tr("Choose a child first."))
            return
        child_id = ov.child.id
        if child_id is None:
            return
        missing = consent_service.treatment(ws=self.ws, child_id=child_id, on=self._today()).missing
        if missing and prompts.question(
                self, self.tr("New course"),
                fill(self.tr("%1\n\nThe course cannot start before the consent is recorded. Record it now?"),
                     " ".join(missing)), yes=self.tr("Record consent"), no=self.tr("Show the course anyway")):
            self.pathway.open_consent()
            return
        today = self._today()
        tracks = sorted(self.ws.catalogue.sorted(),
                        key=lambda t: not course_rules.eligibility(t, ov.child.birth_date, today).ok)
        dlg = NewCourseDialog(tracks=tracks, birth_date=ov.child.birth_date, child_name=ov.child.full_name,
                              today=today, parent=self, track_id=track_id, consent_missing=missing)
        dlg.reopen_ref = lambda: EditorRef("new_course", {"child_id": ov.child.id})
        dlg.accepted.connect(lambda: self._open_course(ov.child.id, dlg.choice))
        self.show_dialog(dlg)

    def _open_course(self, child_id: int, ch) -> None:  # noqa: ANN001 - CourseChoice
        if ch is None:
            return
        try:
            opened = pathway_service.open_course(ws=self.ws, child_id=child_id, track_id=ch.track_id,
                                                 start_date=ch.start_date, planned_sessions=ch.planned_sessions,
                                                 format=ch.format, age_reason=ch.age_reason,
                                                 other_way=ch.other_way)
        except KnownError as exc:
            report(self, exc)
            return
        self.show_child(child_id, select_course=opened.course.id)
        if opened.warnings:
            prompts.warning(self, self.tr("The course is created"), "\n".join(opened.warnings))

    def gp_letter(self, kind: str) -> None:
        self.documents.gp_letter(kind)

    def new_session(self) -> None:
        """Menu, toolbar and Ctrl+N: a session in the chosen course. Takes no arguments on purpose: a QAction's
        `triggered(bool checked)` would otherwise arrive as the course id (and a bool passes isinstance(x, int))."""
        course_id = self.child_view.active_course_id()
        if course_id is None:
            prompts.info(self, self.tr("New session"), self.tr("Choose a child and an active course first."))
            return
        self.start_session(course_id)

    def start_session(self, course_id: int) -> None:
        step = self.child_view.next_step
        if step is not None and step.kind == "consent" and step.warning and step.course_id == course_id:
            prompts.warning(self, self.tr("New session"), step.warning)  # turned 15: said before the session
        try:
            session, changes = session_service.start_session(ws=self.ws, course_id=course_id, on=self._today())
        except KnownError as exc:
            report(self, exc)
            return
        self.apply_changes(changes)
        self._edit(session)

    def open_session(self, session_id: int) -> None:
        try:
            session = session_service.get(ws=self.ws, session_id=session_id)
        except KnownError as exc:
            report(self, exc)
            return
        if session.state == "signed":
            blocks = []
            for line in journal_service.for_session(ws=self.ws, session_id=session_id):
                e = line.entry
                head = fill(self.tr("%1, signed by %2 (%3) on %4"), e.title, line.author_name,
                            ROLES.get(e.author_role, e.author_role).lower(),
                            f"{e.signed_at.astimezone():%d.%m.%Y %H:%M}" if e.signed_at else "-")
                blocks.append(f"{head}\n\n{e.body}")
            prompts.info(self, self.tr("Session %1 (signed)").replace("%1", str(session.number)),
                         "\n\n――――\n\n".join(blocks))
            return
        if session.author_id != self.ws.user.id:
            # Another clinician's draft is theirs to write and sign: shown, never opened for editing.
            prompts.info(self, fill(self.tr("Session %1 (draft by %2)"), session.number,
                                    author_name(self.ws, session.author_id)),
                         fill(self.tr("Only the author can change and sign this draft.\n\n%1"),
                              session_service.render_body(session)))
            return
        self._edit(session)

    def _edit(self, session) -> None:  # noqa: ANN001
        ctx = session_service.context(ws=self.ws, session=session)
        dlg = SessionEditorDialog(
            ctx=ctx, save_draft=lambda s: session_service.save_draft(ws=self.ws, session=s),
            finish=lambda s, p: session_service.finish_session(ws=self.ws, session=s,
                                                               passphrase=signature.confirmed(dlg, self.ws, p)),
            parent=self, check=lambda s: session_service.check_finishable(ws=self.ws, session=s))
        self.editor = dlg  # reachable for tests and for the lock routine
        dlg.reopen_ref = lambda: EditorRef("session", {"session_id": session.id})
        dlg.finished.connect(self._editor_closed)
        self.show_dialog(dlg)

    def _editor_closed(self, _result: int) -> None:
        self.editor = None
        self.apply_changes(Changes(sessions=True, journal=True))

    def show_dialog(self, dlg) -> None:  # noqa: ANN001
        """Window-modal and non-blocking: the event loop keeps running (autosave timers, tests, lock)."""
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dlg
        dlg.finished.connect(lambda _r: setattr(self, "dialog", None))
        dlg.open()


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
