"""Documents from the child view: journal summary and GP letters, previewed, written where the user asks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices

from behandlerklient.core.errors import KnownError
from behandlerklient.services.workspace import workspace
from behandlerklient.ui import background, prompts
from behandlerklient.ui.errors import report
from behandlerklient.ui.menus import add_menu

if TYPE_CHECKING:
    from behandlerklient.ui.window_host import WindowHost

# The documents' services and the letter preview are imported where a document is made: they bring reportlab,
# about 170 ms of every cold start otherwise.


class DocumentActions(QObject):
    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self.w = window
        self.actions: dict[str, QAction] = {}
        self.last_folder = Path.home()

    def build_menu(self) -> None:
        self.actions = add_menu(self.w, self.tr("&Documents"), (
                ("journal", self.tr("&Journal summary (PDF)…"), "Ctrl+P", self.journal_summary),
                ("letter_start", self.tr("&Information to the GP…"), "",
                 lambda: self.gp_letter("start")),
                ("letter_end", self.tr("&Feedback to the GP…"), "",
                 lambda: self.gp_letter("end"))))
        if self.w.ws.user.role == "coordinator":  # she writes letters, but a journal summary is clinical
            self.actions["journal"].setEnabled(False)
            self.actions["journal"].setVisible(False)

    def _done(self, written: list[Path]) -> None:
        self.last_folder = written[0].parent
        if prompts.question(self.w, self.tr("Document saved"), self.tr("Saved: %1\n\nOpen the folder?").replace(
                "%1", ", ".join(p.name for p in written)), yes=self.tr("Open the folder"), no=self.tr("Close")):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(written[0].parent)))

    def journal_summary(self) -> None:
        ov = self.w.child_view.overview
        if ov is None:
            prompts.info(self.w, "Behandlerklient", self.tr("Choose a child first."))
            return
        course_id = self.w.child_view.selected_course_id()
        # File names never carry a name or CPR: they show in folders, recent-file lists and mail subjects.
        out = prompts.save_file(self.w, self.tr("Save journal summary"), self.last_folder / "journaludskrift.pdf",
                                "PDF (*.pdf)")
        if out is None:
            return
        if out.suffix.lower() != ".pdf":
            out = out.with_suffix(".pdf")
        child_id = ov.child.id
        from behandlerklient.services.documents import documents

        try:
            background.wait_for(self.w, self.tr("Making the journal summary…"), workspace.in_own_connection(
                self.w.ws, lambda own: documents.export_journal_summary(ws=own, child_id=child_id,
                                                                        course_id=course_id, out=out)))
        except KnownError as exc:
            report(self.w, exc)
            return
        self._done([out])

    def gp_letter(self, kind: str) -> None:
        ov = self.w.child_view.overview
        # The selected course, else the child's newest one (an ended course is the usual case for feedback).
        course_id = self.w.child_view.selected_course_id() or (ov.courses[-1].course.id if ov and ov.courses else None)
        if ov is None or (course_id is None and kind == "end"):
            prompts.info(self.w, "Behandlerklient", self.tr("Choose a child with a course first."))
            return
        from behandlerklient.services.documents import letters
        from behandlerklient.ui.dialogs.letter_preview_dialog import LetterPreviewDialog

        try:
            if course_id is None:  # guided or referred elsewhere: the orientation names no course
                prepared = letters.prepare_guided(ws=self.w.ws, child_id=ov.child.id)
            else:
                prepared = letters.preview(ws=self.w.ws, course_id=course_id, kind=kind)
        except KnownError as exc:
            report(self.w, exc)
            return
        dlg = LetterPreviewDialog(letter=prepared.letter, basis=prepared.basis, parent=self.w)
        dlg.accepted.connect(lambda: self._save_letter(course_id, ov.child.id, kind, dlg.choice))
        self.w.show_dialog(dlg)

    def _save_letter(self, course_id: int | None, child_id: int, kind: str, choice: int) -> None:
        name = "orientering-til-egen-laege.pdf" if kind == "start" else "tilbagemelding-til-egen-laege.pdf"
        out = prompts.save_file(self.w, self.tr("Save letter"), self.last_folder / name, "PDF (*.pdf)")
        if out is None:
            return
        if out.suffix.lower() != ".pdf":
            out = out.with_suffix(".pdf")
        from behandlerklient.services.documents import letters
        from behandlerklient.ui.dialogs.letter_preview_dialog import LetterPreviewDialog

        medcom = out.with_suffix(".medcom.json") if choice == LetterPreviewDialog.SAVE_BOTH else None
        try:
            written, changes = letters.export_gp_letter(ws=self.w.ws, course_id=course_id, child_id=child_id,
                                                        kind=kind, out=out, medcom_out=medcom)
        except KnownError as exc:
            report(self.w, exc)
            return
        self.w.apply_changes(changes)
        self._done(written)
