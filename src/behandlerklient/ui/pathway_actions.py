"""The pathway steps as GUI actions: each opens its form for the chosen child and calls the services."""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtGui import QAction

from behandlerklient.core.ages import age_on
from behandlerklient.core.consent_rules import AGE_OF_OWN_CONSENT
from behandlerklient.core.errors import KnownError
from behandlerklient.services.changes import Changes
from behandlerklient.services.journal import journal, sessions
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.supervision import supervision
from behandlerklient.services.workspace import settings
from behandlerklient.ui import prompts, signature
from behandlerklient.ui.dialogs.base_dialog import EditorRef
from behandlerklient.ui.dialogs.form_dialog import FormDialog
from behandlerklient.ui.dialogs.group_session_dialog import GroupSessionDialog
from behandlerklient.ui.dialogs.sdq_dialog import SdqDialog
from behandlerklient.ui.errors import report
from behandlerklient.ui.menus import add_menu
from behandlerklient.ui.pathway_forms import PathwayForms
from behandlerklient.ui.widgets.child_view import COURSE_ROLE

if TYPE_CHECKING:
    from behandlerklient.ui.window_host import WindowHost

translate = QCoreApplication.translate

# Translated where shown (translate("PathwayActions", TITLES[kind])).
TITLES = {"contact": QT_TRANSLATE_NOOP("PathwayActions", "Contact"),
          "intake": QT_TRANSLATE_NOOP("PathwayActions", "Intake talk"),
          "screening": QT_TRANSLATE_NOOP("PathwayActions", "Screening talk"),
          "consent": QT_TRANSLATE_NOOP("PathwayActions", "Consent"),
          "coordination": QT_TRANSLATE_NOOP("PathwayActions", "Coordination"),
          "notification": QT_TRANSLATE_NOOP("PathwayActions", "Notification of concern (Barnets lov §133)"),
          "closing": QT_TRANSLATE_NOOP("PathwayActions", "Closing the course"),
          "follow_up": QT_TRANSLATE_NOOP("PathwayActions", "Follow-up / booster")}


def title(kind: str) -> str:
    return translate("PathwayActions", TITLES[kind])


class PathwayActions(QObject):
    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self.w = window
        self.forms = PathwayForms(self)
        self.actions: dict[str, QAction] = {}

    @property
    def ws(self):  # noqa: ANN201
        return self.w.ws

    def build_menu(self) -> None:
        self.actions = add_menu(self.w, self.tr("&Pathway steps"), (
                ("next", self.tr("Ne&xt step"), "Ctrl+Shift+Return", self.next_step),
                ("contact", self.tr("New &contact…"), "Ctrl+Shift+H", lambda: self.open_form("contact")),
                ("intake", self.tr("&Intake talk…"), "Ctrl+Shift+I", lambda: self.open_form("intake")),
                ("screening", self.tr("&Screening…"), "Ctrl+Shift+S", lambda: self.open_form("screening")),
                ("sdq", self.tr("S&DQ…"), "Ctrl+Shift+Q", self.sdq),
                ("consent", self.tr("Co&nsent…"), "Ctrl+Shift+T", lambda: self.open_form("consent")),
                ("coordination", self.tr("Coo&rdination…"), "Ctrl+Shift+K", lambda: self.open_form("coordination")),
                ("notification", self.tr("N&otification of concern…"), "Ctrl+Shift+U",
                 lambda: self.open_form("notification")),
                ("group", self.tr("&Group session…"), "Ctrl+Shift+G", self.group_session),
                ("absence", self.tr("Cancelled/missed session…"), "", self.absence),
                ("change_track", self.tr("Change &track…"), "", self.change_track),
                ("closing", self.tr("C&lose course…"), "Ctrl+Shift+A", lambda: self.open_form("closing")),
                ("follow_up", self.tr("&Follow-up…"), "Ctrl+Shift+O", self.follow_up),
                ("correct", self.tr("Correct journal &entry…"), "Ctrl+Shift+R", self.correct_selected),
                ("self_rating", self.tr("R&ate manual fidelity for the session…"), "", self.self_rating),
                ("send_review", self.tr("Send session for super&vision"), "", self.send_review),
                ("meeting", self.tr("Supervision &meeting…"), "", self.meeting),
                ("reports", self.tr("Reports and manual fidelity…"), "Ctrl+Shift+P", self.reports)))
        if self.ws.user.role == "coordinator":  # she registers contacts; the clinical steps are not hers
            for key, action in self.actions.items():
                if key != "contact":
                    action.setEnabled(False)
                    action.setVisible(False)

    # -- context --------------------------------------------------------------------------
    def _child(self):  # noqa: ANN202
        ov = self.w.child_view.overview
        if ov is None:
            prompts.info(self.w, "Behandlerklient", self.tr("Choose a child first."))
        return ov.child if ov else None

    def _latest_contact(self, child_id: int) -> int | None:
        return pathway.latest_contact_id(ws=self.ws, child_id=child_id)

    def _course(self) -> int | None:
        course_id = self.w.child_view.active_course_id()
        if course_id is None:
            prompts.info(self.w, "Behandlerklient", self.tr("Choose a course first."))
        return course_id

    # -- forms ----------------------------------------------------------------------------
    def open_form(self, kind: str, *, record_id: int | None = None, context: dict[str, Any] | None = None,
                  prefill: dict[str, Any] | None = None) -> None:
        today = self.w.today()
        if record_id is not None:
            row = records.get(ws=self.ws, kind=kind, record_id=record_id)
            child_id = row["child_id"]
            self.w.select_child(child_id)
            ov = self.w.child_view.overview
            if ov is None or ov.child.id != child_id:  # the child could not be shown (already reported)
                return
            context = {}
            # A planned record (a follow-up) has no date yet: the program's today, never the computer's.
            values = {**self._defaults(kind, today), **{k: v for k, v in row.items() if v is not None}}
        else:
            child = self._child()
            if child is None:
                return
            context = dict(context or {})
            context["child_id"] = child.id
            if kind in ("intake", "screening"):
                contact_id = self._latest_contact(child.id)
                if contact_id is None:
                    prompts.info(self.w, title(kind), self.tr("Record the contact first."))
                    return
                context["contact_id"] = contact_id
            if kind == "closing":
                course_id = context.get("course_id") or self._course()
                if course_id is None:
                    return
                context["course_id"] = course_id
            elif kind in ("coordination", "notification"):
                context["course_id"] = self.w.child_view.active_course_id()
            values = {**self._defaults(kind, today), **self._proposed(kind, child, today), **(prefill or {})}
        child = self.w.child_view.overview.child
        fields = self._fields(kind, child)
        state = {"id": record_id}

        def save(form_values: dict) -> None:
            clean = {k: v for k, v in form_values.items() if k in records.kind_of(kind).columns}
            state["id"], changes = records.save(ws=self.ws, kind=kind, values={**context, **clean},
                                                record_id=state["id"])

        def sign(_values: dict, passphrase: str) -> None:
            records.sign(ws=self.ws, kind=kind, record_id=state["id"],
                         passphrase=signature.confirmed(self.w, self.ws, passphrase))

        intro = f"<b>{html.escape(title(kind))}</b> · {html.escape(child.full_name)}"
        dlg = FormDialog(title=title(kind), intro=intro, fields=fields, values=values, save=save, sign=sign,
                         parent=self.w,
                         check=lambda: records.check_signable(ws=self.ws, kind=kind, record_id=state["id"]))
        dlg.reopen_ref = lambda: EditorRef("form", {"form": kind, "record_id": state["id"], "child_id": child.id})
        dlg.finished.connect(lambda _r: self.w.apply_changes(Changes(journal=True, courses=True, child_id=child.id)))
        self.w.show_dialog(dlg)

    def _fields(self, kind: str, child):  # noqa: ANN001, ANN202
        if kind == "screening":
            return self.forms.screening_fields({t.id: t.name for t in self.ws.catalogue.sorted()})
        if kind == "consent":
            return self.forms.consent_fields(child)
        if kind == "contact":
            return self.forms.contact_fields(settings.contact_reasons(ws=self.ws))
        return self.forms.fields(kind)

    def _defaults(self, kind: str, today: date) -> dict[str, Any]:
        # No default for a closing's effect: it is the therapist's judgement, chosen every time.
        return {"contact_date": today, "talk_date": today, "screening_date": today, "given_on": today,
                "entry_date": today, "notified_on": today, "closing_date": today, "done_on": today,
                "talk_number": 1, "duration_min": 30, "status": "completed",
                "self_harm_asked": False}

    def _proposed(self, kind: str, child, today: date) -> dict[str, Any]:  # noqa: ANN001 - Child
        """What the child's age proposes: from 15 the young person consents herself; under 15 a custody holder."""
        if kind != "consent":
            return {}
        if age_on(child.birth_date, today) >= AGE_OF_OWN_CONSENT:
            return {"kind": "treatment", "given_by": "young_person"}
        holder = next((g.id for g in child.guardians if g.has_custody), None)
        return {"kind": "treatment", "given_by": "custody_holder", "guardian_id": holder}

    # -- the next step --------------------------------------------------------------------
    def next_step(self) -> None:
        """The child view's "Next: …" button and Ctrl+Shift+Enter: the pathway's next form, filled in."""
        step = self.w.child_view.next_step
        if self._child() is None or step is None:
            return
        if step.kind == "course":
            self.w.new_course_on(step.prefill.get("track_id", ""))
        elif step.kind == "session" and step.course_id is not None:
            self.w.start_session(step.course_id)
        elif step.kind == "closing":
            context = {"course_id": step.course_id} if step.record_id is None else None
            self.open_form("closing", record_id=step.record_id, context=context)
        else:
            self.open_form(step.kind, record_id=step.record_id, prefill=step.prefill)

    def open_consent(self) -> None:
        self.open_form("consent")

    # -- other steps ----------------------------------------------------------------------
    def sdq(self) -> None:
        self.open_sdq(course_id=self.w.child_view.selected_course_id())

    def open_sdq(self, *, course_id: int | None) -> None:
        child = self._child()
        if child is None:
            return
        try:
            suggested = sdq_records.suggest_time_point(ws=self.ws, child_id=child.id, on=self.w.today())
        except KnownError:
            suggested = None
        if course_id is None and suggested is not None:
            course_id = suggested.course_id

        def save(informant: str, phase: str, day: date, answers: list, impact: list | None) -> bool:
            # Like every other record: the rules first, then the passphrase, then signed (services/accounts/signing.py).
            sdq_records.check(ws=self.ws, child_id=child.id, informant=informant, phase=phase, answered_on=day,
                              answers=answers, impact=impact)
            passphrase = prompts.passphrase(self.w, self.tr("Sign the SDQ"), self.tr(
                "The SDQ is saved in the child's record signed with your name and the time, and cannot be changed "
                "afterwards (a mistake is corrected by a new form).\n\nType your passphrase to sign:"))
            if passphrase is None:
                return False
            screening_id = pathway.latest_screening_id(ws=self.ws, child_id=child.id) if phase == "baseline" else None
            sdq_records.sign(ws=self.ws, child_id=child.id, informant=informant, phase=phase, answered_on=day,
                             answers=answers, impact=impact, screening_id=screening_id,
                             course_id=course_id if phase != "baseline" else None,
                             passphrase=signature.confirmed(self.w, self.ws, passphrase))
            return True

        dlg = SdqDialog(save=save, today=self.w.today(), suggested=suggested, parent=self.w)
        dlg.reopen_ref = lambda: EditorRef("sdq", {"child_id": child.id, "course_id": course_id})
        dlg.finished.connect(lambda _r: self.w.apply_changes(Changes(journal=True, child_id=child.id)))
        self.w.show_dialog(dlg)

    def group_session(self) -> None:
        dlg = GroupSessionDialog(ws=self.ws, today=self.w.today(), parent=self.w)
        dlg.reopen_ref = lambda: EditorRef("group_session")
        dlg.finished.connect(lambda _r: self.w.apply_changes(Changes(sessions=True, journal=True)))
        self.w.show_dialog(dlg)

    def open_review(self, review_id: int) -> None:
        from behandlerklient.ui.dialogs.review_dialog import ReviewDialog

        try:
            view = supervision.open_review(ws=self.ws, review_id=review_id)
        except KnownError as exc:
            report(self.w, exc)
            return
        dlg = ReviewDialog(ws=self.ws, view=view, parent=self.w)
        dlg.reopen_ref = lambda: EditorRef("review", {"review_id": review_id})
        dlg.finished.connect(lambda _r: self.w.refresh_queue())
        self.w.show_dialog(dlg)

    def open_conflict(self, key: str) -> None:
        from behandlerklient.services.journal import conflicts
        from behandlerklient.ui.dialogs.conflict_dialog import ConflictDialog

        try:
            conflict = conflicts.find(ws=self.ws, key=key)
        except KnownError as exc:
            report(self.w, exc)
            return
        dlg = ConflictDialog(ws=self.ws, conflict=conflict, host=self.w, parent=self.w)
        dlg.finished.connect(lambda _r: self.w.refresh_queue())
        self.w.show_dialog(dlg)

    def follow_up(self) -> None:
        child = self._child()
        if child is None:
            return
        fid = pathway.next_open_follow_up_id(ws=self.ws, child_id=child.id)
        if fid is None:
            prompts.info(self.w, title("follow_up"), self.tr("No follow-up is planned for the child."))
            return
        self.open_form("follow_up", record_id=fid)

    def absence(self) -> None:
        course_id = self._course()
        if course_id is None:
            return
        missed = prompts.question(self.w, self.tr("Absence"), self.tr(
            "Did the child or family not turn up (Yes), or was the session cancelled (No)?"),
            yes=self.tr("Did not attend"), no=self.tr("Cancelled"))
        try:
            changes = sessions.record_absence(ws=self.ws, course_id=course_id, on=self.w.today(),
                                              attendance="missed" if missed else "cancelled")
        except KnownError as exc:
            report(self.w, exc)
            return
        self.w.apply_changes(changes)

    def change_track(self) -> None:
        course_id = self._course()
        if course_id is None:
            return
        names = {t.name: t.id for t in self.ws.catalogue.sorted()}
        choice = prompts.text(self.w, self.tr("Change track"), self.tr("New track (type the exact name):"))
        if not choice:
            return
        if choice not in names:
            prompts.error(self.w, self.tr("Change track"), self.tr("Unknown track: %1").replace("%1", choice))
            return
        reason = prompts.text(self.w, self.tr("Change track"), self.tr("Reason for the change:"))
        if reason is None:
            return
        try:
            pathway.check_track_change(ws=self.ws, course_id=course_id, track_id=names[choice], reason=reason)
        except KnownError as exc:
            report(self.w, exc)  # before the passphrase: nobody types it to learn the reason was missing
            return
        passphrase = prompts.passphrase(self.w, self.tr("Sign"), self.tr("Your passphrase:"))
        if passphrase is None:
            return
        try:
            changes = pathway.change_track(ws=self.ws, course_id=course_id, track_id=names[choice], reason=reason,
                                           on=self.w.today(),
                                           passphrase=signature.confirmed(self.w, self.ws, passphrase))
        except KnownError as exc:
            report(self.w, exc)
            return
        self.w.apply_changes(changes)

    def correct_selected(self) -> None:
        entry_id = self.w.child_view.selected_journal_entry()
        if entry_id is None:
            prompts.info(self.w, self.tr("Correct journal entry"), self.tr("Choose the entry on the Journal tab."))
            return
        self.correct(entry_id)

    def correct(self, entry_id: int) -> None:
        try:
            journal.check_correctable(ws=self.ws, entry_id=entry_id)  # before anything is typed
        except KnownError as exc:
            report(self.w, exc)
            return
        text = prompts.text(self.w, self.tr("Correct journal entry"), self.tr(
            "The correction is added as a new, signed entry; the original is kept and shown struck through."))
        if not text:
            return
        try:
            journal.check_correctable(ws=self.ws, entry_id=entry_id, text=text)
        except KnownError as exc:
            report(self.w, exc)
            return
        passphrase = prompts.passphrase(self.w, self.tr("Sign the correction"), self.tr("Your passphrase:"))
        if passphrase is None:
            return
        try:
            _entry, changes = journal.correct(ws=self.ws, entry_id=entry_id, text=text,
                                              passphrase=signature.confirmed(self.w, self.ws, passphrase))
        except KnownError as exc:
            report(self.w, exc)
            return
        self.w.apply_changes(changes)

    def _selected_session(self) -> int | None:
        item = self.w.child_view.courses.currentItem()
        from behandlerklient.ui.widgets.child_view import SESSION_ROLE

        session_id = None if item is None else item.data(0, SESSION_ROLE)
        if session_id is None:
            prompts.info(self.w, "Behandlerklient", self.tr("Choose a signed session on the Courses tab."))
        return session_id

    def self_rating(self) -> None:
        session_id = self._selected_session()
        if session_id is None:
            return
        from behandlerklient.core.fidelity import ADHERENCE
        from behandlerklient.ui.dialogs.form_dialog import Field

        items = supervision.checklist(ws=self.ws, session_id=session_id)
        current = supervision.ratings(ws=self.ws, session_id=session_id, kind="self")
        fields = [Field(i.key, i.label, "choice", ADHERENCE) for i in items]
        values = {i.key: current[i.key].adherence if i.key in current else "yes" for i in items}

        def save(form: dict) -> None:
            supervision.save_ratings(ws=self.ws, session_id=session_id, kind="self",
                                     items=[supervision.Rating(k, v) for k, v in form.items()])

        dlg = FormDialog(title=self.tr("Self-rating of manual fidelity"),
                         intro=self.tr("<b>Self-rating</b>: kept apart from the supervisor's rating."),
                         fields=fields, values=values, save=save, sign=None, parent=self.w)
        self.w.show_dialog(dlg)

    def meeting(self) -> None:
        """Log a supervision meeting about the chosen child's courses (supervisors only)."""
        from behandlerklient.ui.dialogs.form_dialog import Field

        child = self._child()
        if child is None:
            return
        courses = {v.course.id: f"{v.track_name} ({v.course.start_date:%d.%m.%Y})"
                   for v in self.w.child_view.overview.courses}
        fields = [Field("meeting_date", self.tr("Date"), "date"),
                  Field("kind", self.tr("Type"), "choice", {"group": self.tr("Group supervision"),
                                                           "individual": self.tr("Individual supervision")}),
                  Field("course_id", self.tr("Course discussed"), "choice", courses),
                  Field("notes", self.tr("Notes"), "text")]

        def save(form: dict) -> None:
            supervision.log_meeting(ws=self.ws, meeting_date=form["meeting_date"], kind=form["kind"],
                                    course_ids=[form["course_id"]] if form["course_id"] else [], notes=form["notes"])

        dlg = FormDialog(title=self.tr("Supervision meeting"), intro=self.tr("<b>Supervision meeting</b>"),
                         fields=fields, values={"meeting_date": self.w.today(), "kind": "group"}, save=save,
                         sign=None, parent=self.w)
        self.w.show_dialog(dlg)

    def send_review(self) -> None:
        session_id = self._selected_session()
        if session_id is None:
            return
        try:
            supervision.request_review(ws=self.ws, session_id=session_id)
        except KnownError as exc:
            report(self.w, exc)
            return
        prompts.info(self.w, self.tr("Supervision"), self.tr("The session has been sent for supervision."))

    def reports(self) -> None:
        from behandlerklient.ui.dialogs.report_dialog import ReportDialog

        self.w.show_dialog(ReportDialog(ws=self.ws, today=self.w.today(), parent=self.w))

    def open_task(self, task) -> None:  # noqa: ANN001 - work_queue.Task
        if task.kind == "conflict":
            self.w.select_child(task.child_id)
            self.open_conflict(task.key)
            return
        if task.kind == "review":
            self.open_review(task.record_id)
            return
        if task.kind in ("feedback", "approval"):
            supervision.mark_seen(ws=self.ws, review_id=task.record_id)
            self.w.refresh_queue()
        self.w.select_child(task.child_id)
        if task.section in ("waiting_intake", "waiting_start"):  # the child's next step: intake talk or course
            self.next_step()
            return
        if task.section == "gp_letters":
            tree = self.w.child_view.courses
            for i in range(tree.topLevelItemCount()):
                item = tree.topLevelItem(i)
                if item is not None and item.data(0, COURSE_ROLE) == task.record_id:
                    tree.setCurrentItem(item)
            self.w.gp_letter("start" if task.kind == "gp_letter_start" else "end")
            return
        if task.kind in TITLES and task.record_id is not None and task.section in ("drafts", "follow_ups"):
            self.open_form(task.kind, record_id=task.record_id)
        elif task.kind == "session" and task.record_id is not None:
            self.w.open_session(task.record_id)
        elif task.section == "screenings":
            self.open_form("screening")
