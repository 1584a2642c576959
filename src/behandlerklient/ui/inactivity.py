"""Idle detection: an application-wide event filter restarts one single-shot timer on every user input."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

USER_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
              QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride}


class InactivityWatcher(QObject):
    idle = Signal()
    lock_requested = Signal()  # Ctrl+L anywhere, also inside a modal dialog where window shortcuts are blocked

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)

    def start(self) -> None:
        QApplication.instance().installEventFilter(self)
        self._timer.start()

    def set_timeout(self, timeout_ms: int) -> None:
        """A changed setting takes effect at once, counted from now."""
        self._timer.setInterval(timeout_ms)
        self._timer.start()

    def stop(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() in USER_INPUT:
            self._timer.start()
            if (event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_L
                    and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
                self.lock_requested.emit()
                return True
        return False
