"""A dialog that remembers its size between runs (geometry only; never content)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget


TITLE_BAR = 40


class BaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._restored = False

    def _settings_key(self) -> str:
        return f"geometry/{type(self).__name__}"

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self._restored:
            self._restored = True
            geometry = QSettings().value(self._settings_key())
            if geometry is not None:
                self.restoreGeometry(geometry)
            self._fit_to_screen()
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
