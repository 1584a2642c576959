"""The child list's table: arrow keys browse it without opening (and logging a view of) every child passed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QTableView, QWidget

# Keys that move through the list: the child opens once the user rests on a row for this long, or at Enter.
BROWSE_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home,
               Qt.Key.Key_End}
OPEN_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
REST_MS = 400


class ChildTable(QTableView):
    open_requested = Signal()  # the current row is where the user stopped (rest, Enter): open it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browsing = False  # true while a browsing key moves the current row
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self.open_requested)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in OPEN_KEYS:
            self._rest.stop()
            self.open_requested.emit()
            return
        self.browsing = event.key() in BROWSE_KEYS
        try:
            super().keyPressEvent(event)
        finally:
            self.browsing = False

    def rest_then_open(self) -> None:
        self._rest.start()

    def cancel_rest(self) -> None:
        self._rest.stop()
