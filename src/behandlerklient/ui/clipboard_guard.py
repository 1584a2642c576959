"""Text copied out of a record does not linger: cleared 30 s after the copy, and when the app quits."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication

CLEAR_AFTER_MS = 30_000


class ClipboardGuard(QObject):
    def __init__(self, clear_after_ms: int = CLEAR_AFTER_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clipboard: QClipboard = QApplication.clipboard()
        self._copied: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.clear)
        self._clipboard.dataChanged.connect(self._changed)
        QApplication.instance().aboutToQuit.connect(self.clear)

    def _changed(self) -> None:
        if self._clipboard.ownsClipboard() or QApplication.activeWindow() is not None:
            self._copied = self._clipboard.text()
            self._timer.start()

    def clear(self) -> None:
        """Only what this app copied is removed; something the user copied elsewhere since is left alone."""
        self._timer.stop()
        if self._copied is not None and self._clipboard.text() == self._copied:
            self._clipboard.clear()
        self._copied = None
