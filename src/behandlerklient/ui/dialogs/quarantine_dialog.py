"""The quarantine, record by record: what each refused record is, when it was signed, who wrote it, why it was
refused and where it is held. Opened from the status bar's quarantine count and File > Quarantined records
(Ctrl+F9). Read-only: nothing in quarantine is deleted here; the administrator resolves it. Never a record's
content: the rows come from services/sync/quarantine.py, which names no clinical text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.services.sync import quarantine
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.i18n import fill


class QuarantineDialog(BaseDialog):
    def __init__(self, *, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.setObjectName("quarantineDialog")
        self.setWindowTitle(self.tr("Records in quarantine"))
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setObjectName("quarantineSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("quarantineTable")
        self.table.setHorizontalHeaderLabels([self.tr("Record"), self.tr("Date"), self.tr("Author"),
                                              self.tr("Reason"), self.tr("Held")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(960, 420)
        self.reload()

    def reload(self) -> None:
        rows = quarantine.entries(ws=self.ws)
        self.table.setRowCount(len(rows))
        for i, entry in enumerate(rows):
            for j, text in enumerate((entry.kind, entry.date, entry.author, entry.reason, entry.where)):
                self.table.setItem(i, j, QTableWidgetItem(text))
        if rows:
            self.summary.setText(fill(self.tr("%1 records are in quarantine. Nothing in quarantine is deleted; the "
                                              "administrator goes through it (behandlerklient-server quarantine "
                                              "list)."), len(rows)))
        else:
            self.summary.setText(self.tr("Nothing is in quarantine."))
        self.table.setFocus()
