"""A dialog that remembers its size between runs (geometry only; never content)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QWidget


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
        super().showEvent(event)

    def done(self, result: int) -> None:
        QSettings().setValue(self._settings_key(), self.saveGeometry())
        super().done(result)
