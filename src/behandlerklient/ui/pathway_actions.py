"""The pathway steps as GUI actions: each opens its form for the chosen child and calls the services."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction

from behandlerklient.core.errors import KnownError
from behandlerklient.services import journal, pathway, records, sdq_records, sessions, supervision
from behandlerklient.services.changes import Changes
from behandlerklient.ui import pathway_forms, prompts, signature
from behandlerklient.ui.menus import add_menu
from behandlerklient.ui.dialogs.form_dialog import FormDialog
from behandlerklient.ui.dialogs.group_session_dialog import GroupSessionDialog
from behandlerklient.ui.dialogs.sdq_dialog import SdqDialog
from behandlerklient.ui.errors import report

if TYPE_CHECKING:
    from behandlerklient.ui.main_window import MainWindow

TITLES = {"contact": "Henvendelse", "intake": "Forsamtale", "screening": "Screeningssamtale", "consent": "Samtykke",
          "coordination": "Koordinering", "notification": "Underretning (Barnets lov §133)",
          "closing": "Afslutning af forløb", "follow_up": "Opfølgning / booster"}


class PathwayActions:
    def __init__(self, window: "MainWindow") -> None:
        self.w = window
        self.actions: dict[str, QAction] = {}

    @property
    def ws(self):  # noqa: ANN201
        return self.w.ws

    def build_menu(self) -> None:
        self.actions = add_menu(self.w, "&Forløbstrin", (
                ("contact", "Ny &henvendelse…", "Ctrl+Shift+H", lambda: self.open_form("contact")),
                ("intake", "&Forsamtale…", "Ctrl+Shift+I", lambda: self.open_form("intake")),
                ("screening", "&Screening…", "Ctrl+Shift+S", lambda: self.open_form("screening")),
                ("sdq", "S&DQ…", "Ctrl+Shift+Q", self.sdq),
                ("consent", "Sam&tykke…", "Ctrl+Shift+T", lambda: self.open_form("consent")),
                ("coordination", "&Koordinering…", "Ctrl+Shift+K", lambda: self.open_form("coordination")),
                ("notification", "&Underretning…", "Ctrl+Shift+U", lambda: self.open_form("notification")),
                ("group", "&Gruppesession…", "Ctrl+Shift+G", self.group_session),
                ("absence", "Aflyst/udeblevet session…", "", self.absence),
                ("change_track", "Skift &spor…", "", self.change_track),
                ("closing", "&Afslut forløb…", "Ctrl+Shift+A", lambda: self.open_form("closing")),
                ("follow_up", "&Opfølgning…", "Ctrl+Shift+O", self.follow_up),
                ("correct", "&Ret journalnotat…", "Ctrl+Shift+R", self.correct_selected),
                ("self_rating", "&Vurdér manualtroskab for sessionen…", "", self.self_rating),
                ("send_review", "Send session til super&vision", "", self.send_review),
                ("meeting", "Supervisions&møde…", "", self.meeting),
                ("reports", "Rapporter og manualtroskab…", "Ctrl+Shift+P", self.reports)))

    # -- context --------------------------------------------------------------------------
    def _child(self):  # noqa: ANN202
        ov = self.w.child_view.overview
        if ov is None:
            prompts.info(self.w, "Behandlerklient", self.w.tr("Vælg først et barn."))
        return ov.child if ov else None

    def _latest_contact(self, child_id: int) -> int | None:
        return self.ws.db.scalar("SELECT id FROM contacts WHERE child_id = ? ORDER BY contact_date DESC, id DESC",
                                 (child_id,))

    def _course(self) -> int | None:
        course_id = self.w.child_view.active_course_id()
        if course_id is None:
            prompts.info(self.w, "Behandlerklient", self.w.tr("Vælg først et forløb."))
        return course_id

    # -- forms ----------------------------------------------------------------------------
    def open_form(self, kind: str, *, record_id: int | None = None, context: dict[str, Any] | None = None) -> None:
        today = self.w.today()
        if record_id is not None:
            row = records.get(ws=self.ws, kind=kind, record_id=record_id)
            child_id = row["child_id"]
            self.w.select_child(child_id)
            context = {}
            values = row
        else:
            child = self._child()
            if child is None:
                return
            context = dict(context or {})
            context["child_id"] = child.id
            if kind in ("intake", "screening"):
                contact_id = self._latest_contact(child.id)
                if contact_id is None:
                    prompts.info(self.w, TITLES[kind], self.w.tr("Registrér først henvendelsen."))
                    return
                context["contact_id"] = contact_id
            if kind == "closing":
                course_id = self._course()
                if course_id is None:
                    return
                context["course_id"] = course_id
            elif kind in ("coordination", "notification"):
                context["course_id"] = self.w.child_view.active_course_id()
            values = self._defaults(kind, today)
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

        intro = f"<b>{TITLES[kind]}</b> · {child.full_name}"
        dlg = FormDialog(title=TITLES[kind], intro=intro, fields=fields, values=values, save=save, sign=sign,
                         parent=self.w)
        dlg.finished.connect(lambda _r: self.w.apply_changes(Changes(journal=True, courses=True, child_id=child.id)))
        self.w.show_dialog(dlg)

    def _fields(self, kind: str, child):  # noqa: ANN001, ANN202
        if kind == "screening":
            return pathway_forms.screening_fields({t.id: t.name for t in self.ws.catalogue.sorted()})
        if kind == "consent":
            return pathway_forms.consent_fields(child)
        return pathway_forms.FIELDS[kind]()

    def _defaults(self, kind: str, today: date) -> dict[str, Any]:
        return {"contact_date": today, "talk_date": today, "screening_date": today, "given_on": today,
                "entry_date": today, "notified_on": today, "closing_date": today, "done_on": today,
                "talk_number": 1, "duration_min": 30, "effect": "improved", "status": "completed",
                "self_harm_asked": False}

    # -- other steps ----------------------------------------------------------------------
    def sdq(self) -> None:
        child = self._child()
        if child is None:
            return
        course_id = self.w.child_view.selected_course_id()

        def save(informant: str, phase: str, day: date, answers: list, impact: list | None) -> None:
            screening_id = self.ws.db.scalar("SELECT id FROM screenings WHERE child_id = ? ORDER BY id DESC",
                                             (child.id,)) if phase == "baseline" else None
            sdq_records.record(ws=self.ws, child_id=child.id, informant=informant, phase=phase, answered_on=day,
                               answers=answers, impact=impact, screening_id=screening_id,
                               course_id=course_id if phase != "baseline" else None)

        dlg = SdqDialog(save=save, today=self.w.today(), parent=self.w)
        dlg.finished.connect(lambda _r: self.w.apply_changes(Changes(journal=True, child_id=child.id)))
        self.w.show_dialog(dlg)

    def group_session(self) -> None:
        dlg = GroupSessionDialog(ws=self.ws, today=self.w.today(), parent=self.w)
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
        dlg.finished.connect(lambda _r: self.w.refresh_queue())
        self.w.show_dialog(dlg)

    def follow_up(self) -> None:
        child = self._child()
        if child is None:
            return
        fid = self.ws.db.scalar("SELECT id FROM follow_ups WHERE child_id = ? AND signed_at IS NULL ORDER BY due_date",
                                (child.id,))
        if fid is None:
            prompts.info(self.w, TITLES["follow_up"], self.w.tr("Der er ingen planlagt opfølgning for barnet."))
            return
        self.open_form("follow_up", record_id=fid)

    def absence(self) -> None:
        course_id = self._course()
        if course_id is None:
            return
        missed = prompts.question(self.w, self.w.tr("Fravær"), self.w.tr(
            "Udeblev barnet/familien (Ja), eller blev sessionen aflyst (Nej)?"), yes=self.w.tr("Udeblevet"),
            no=self.w.tr("Aflyst"))
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
        choice = prompts.text(self.w, self.w.tr("Skift spor"), self.w.tr("Nyt spor (skriv navnet præcist):"))
        if not choice:
            return
        if choice not in names:
            prompts.error(self.w, self.w.tr("Skift spor"), self.w.tr("Ukendt spor: %1").replace("%1", choice))
            return
        reason = prompts.text(self.w, self.w.tr("Skift spor"), self.w.tr("Begrundelse for skiftet:"))
        if reason is None:
            return
        passphrase = prompts.passphrase(self.w, self.w.tr("Underskriv"), self.w.tr("Din adgangskode:"))
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
            prompts.info(self.w, self.w.tr("Ret journalnotat"), self.w.tr("Vælg notatet under fanen Journal."))
            return
        self.correct(entry_id)

    def correct(self, entry_id: int) -> None:
        text = prompts.text(self.w, self.w.tr("Ret journalnotat"), self.w.tr(
            "Rettelsen tilføjes som et nyt, underskrevet notat; det oprindelige bevares og vises overstreget."))
        if not text:
            return
        passphrase = prompts.passphrase(self.w, self.w.tr("Underskriv rettelse"), self.w.tr("Din adgangskode:"))
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
            prompts.info(self.w, "Behandlerklient", self.w.tr("Vælg en underskrevet session under fanen Forløb."))
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

        dlg = FormDialog(title=self.w.tr("Selvvurdering af manualtroskab"),
                         intro=self.w.tr("<b>Selvvurdering</b>: gemmes adskilt fra supervisors vurdering."),
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
        fields = [Field("meeting_date", "Dato", "date"),
                  Field("kind", "Type", "choice", {"group": "Gruppesupervision", "individual": "Individuel supervision"}),
                  Field("course_id", "Forløb drøftet", "choice", courses), Field("notes", "Noter", "text")]

        def save(form: dict) -> None:
            supervision.log_meeting(ws=self.ws, meeting_date=form["meeting_date"], kind=form["kind"],
                                    course_ids=[form["course_id"]] if form["course_id"] else [], notes=form["notes"])

        dlg = FormDialog(title=self.w.tr("Supervisionsmøde"), intro=self.w.tr("<b>Supervisionsmøde</b>"),
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
        prompts.info(self.w, self.w.tr("Supervision"), self.w.tr("Sessionen er sendt til supervision."))

    def reports(self) -> None:
        from behandlerklient.ui.dialogs.report_dialog import ReportDialog

        self.w.show_dialog(ReportDialog(ws=self.ws, today=self.w.today(), parent=self.w))

    def open_task(self, task) -> None:  # noqa: ANN001 - work_queue.Task
        if task.kind == "review":
            self.open_review(task.record_id)
            return
        if task.kind == "feedback":
            supervision.mark_seen(ws=self.ws, review_id=task.record_id)
            self.w.refresh_queue()
        self.w.select_child(task.child_id)
        if task.kind in TITLES and task.record_id is not None and task.section in ("drafts", "follow_ups"):
            self.open_form(task.kind, record_id=task.record_id)
        elif task.kind == "session" and task.record_id is not None:
            self.w.open_session(task.record_id)
        elif task.section == "screenings":
            self.open_form("screening")
