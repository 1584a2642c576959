"""What the action groups (pathway steps, documents, child details) need of the main window.

MainWindow builds the action groups, so they must not import it back: they know this base, which MainWindow
fills in. The dependency then runs one way, main_window -> actions -> window_host (no import cycle, not even
one that only type checking would follow)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QMainWindow

from behandlerklient.services.changes import Changes
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui.widgets.child_view import ChildView


class WindowHost(QMainWindow):
    ws: Workspace
    child_view: ChildView
    current_child_id: int | None

    def today(self) -> date:
        raise NotImplementedError

    def show_dialog(self, dlg: QDialog) -> None:
        """Open a dialog window-modal without blocking the event loop."""
        raise NotImplementedError

    def apply_changes(self, changes: Changes) -> None:
        """Refresh what a service call changed."""
        raise NotImplementedError

    def select_child(self, child_id: int) -> None:
        raise NotImplementedError

    def refresh_queue(self) -> None:
        raise NotImplementedError

    def open_session(self, session_id: int) -> None:
        raise NotImplementedError

    def new_course_on(self, track_id: str) -> None:
        """The course dialog with `track_id` chosen (the next step after a screening)."""
        raise NotImplementedError

    def start_session(self, course_id: int) -> None:
        raise NotImplementedError

    def gp_letter(self, kind: str) -> None:
        """The GP letter ('start' or 'end') for the chosen course, previewed first."""
        raise NotImplementedError
