"""A dialog that remembers its size between runs (geometry only; never content), and the editors' draft
protocol: what is typed can be kept when the program locks, and is never thrown away without asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QDialog, QWidget

from behandlerklient.ui import prompts

translate = QCoreApplication.translate
_UNSET = object()


@dataclass(frozen=True)
class EditorRef:
    """How to reopen an editor after unlocking: which editor and the ids it was opened for, never typed text
    (that is kept in the database, as the record's own draft or as the ui_drafts row `draft_id`)."""

    kind: str  # session, form, sdq, review, group_session, new_child, new_course
    ids: dict[str, int | str | None] = field(default_factory=dict)
    draft_id: int | None = None


TITLE_BAR = 40


class BaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._restored = False
        self._clean: Any = _UNSET
        # Set by whoever opens an editor: the lock keeps its typing and reopens it from this after unlocking.
        self.reopen_ref: Callable[[], EditorRef] | None = None

    # -- typed state (editors override the first three) -------------------------------------
    def draft_state(self) -> dict[str, Any] | None:
        """What the user has typed, as JSON-able values (None: nothing to keep)."""
        return None

    def apply_draft(self, state: dict[str, Any]) -> None:
        """Put a kept draft_state back into the widgets."""

    def save_own_draft(self) -> bool:
        """Save the typing through the editor's own draft record (a pathway form, a session). False when the
        editor has none or it refused the values: the lock keeps the draft_state instead."""
        return False

    def mark_clean(self) -> None:
        """What is shown now is saved (or was just opened): closing it loses nothing."""
        self._clean = self.draft_state()

    def has_changes(self) -> bool:
        if self._clean is _UNSET:
            return False
        state = self.draft_state()
        return state is not None and state != self._clean

    def restore_draft(self, state: dict[str, Any]) -> None:
        """Reopened after a lock: the kept typing is back, and counts as not yet saved."""
        if self._clean is _UNSET:
            self.mark_clean()
        self.apply_draft(state)

    def reject(self) -> None:
        # Escape, Close/Cancel and the title bar's X all end here: typing is never dropped without asking.
        if self.has_changes() and not prompts.question(
                self, translate("BaseDialog", "Discard the changes?"),
                translate("BaseDialog", "What you typed in this window is not saved. Close it and lose it?"),
                yes=translate("BaseDialog", "&Discard"), no=translate("BaseDialog", "&Keep editing")):
            return
        super().reject()

    def close_without_asking(self) -> None:
        super().reject()

    # -- geometry -----------------------------------------------------------------------------
    def _settings_key(self) -> str:
        return f"geometry/{type(self).__name__}"

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self._restored:
            self._restored = True
            geometry = QSettings().value(self._settings_key())
            if geometry is not None:
                self.restoreGeometry(geometry)
            self._fit_to_screen()
        if self._clean is _UNSET:
            self.mark_clean()  # as opened: the baseline that "changes" are measured against
        super().showEvent(event)

    def _fit_to_screen(self) -> None:
        """Never taller or wider than the screen (a 1280x720 laptop, a size remembered on a bigger screen): the
        buttons at the bottom must stay reachable. The title bar is not yet known here; 40 px is room for it."""
        screen = self.screen() or (self.parentWidget().screen() if self.parentWidget() else None)
        if screen is None:
            return
        room = screen.availableGeometry()
        width, height = min(self.width(), room.width()), min(self.height(), room.height() - TITLE_BAR)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)

    def done(self, result: int) -> None:
        QSettings().setValue(self._settings_key(), self.saveGeometry())
        super().done(result)
