"""Reports for a period: the fidelity overview (self and supervisor side by side) and the activity report."""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from behandlerklient.core.errors import KnownError
from behandlerklient.services.reports import reports
from behandlerklient.services.workspace import workspace
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.ui import background, prompts
from behandlerklient.ui.dialogs.base_dialog import BaseDialog
from behandlerklient.ui.errors import report
from behandlerklient.ui.i18n import fill

COLUMNS = ["", QT_TRANSLATE_NOOP("ReportDialog", "Sessions"), QT_TRANSLATE_NOOP("ReportDialog", "Reviewed"),
           QT_TRANSLATE_NOOP("ReportDialog", "Self-rating"), QT_TRANSLATE_NOOP("ReportDialog", "Supervisor"),
           QT_TRANSLATE_NOOP("ReportDialog", "Difference")]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


class ReportDialog(BaseDialog):
    def __init__(self, *, ws: Workspace, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("Reports"))
        self.ws = ws
        self._running: Future | None = None
        self._stale = False
        layout = QVBoxLayout(self)
        form = QFormLayout()
        start = today - timedelta(days=365)
        self.start = QDateEdit(QDate(start.year, start.month, start.day))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for w in (self.start, self.end):
            w.setDisplayFormat("dd.MM.yyyy")
            w.setCalendarPopup(True)
            w.dateChanged.connect(self.refresh)
        form.addRow(self.tr("From"), self.start)
        form.addRow(self.tr("To"), self.end)
        layout.addLayout(form)
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for key, title in (("by_therapist", self.tr("By therapist")), ("by_track", self.tr("By track")),
                           ("by_month", self.tr("Over time"))):
            t = QTableWidget(0, len(COLUMNS))
            t.setObjectName(f"fidelity_{key}")
            t.setHorizontalHeaderLabels([self.tr(c) if c else "" for c in COLUMNS])
            t.verticalHeader().hide()
            self.tables[key] = t
            self.tabs.addTab(t, title)
        layout.addWidget(QLabel(self.tr("<b>Manual fidelity</b>: the self-rating and the supervisor's rating are "
                                        "shown apart; the difference is self-rating minus supervisor.")))
        layout.addWidget(self.tabs, 1)
        self.summary = QLabel("")
        self.summary.setObjectName("fidelitySummary")
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox()
        for key, text in (("fidelity:pdf", self.tr("Manual fidelity as &PDF…")),
                          ("activity:pdf", self.tr("&Activity report (PDF)…")),
                          ("activity:csv", self.tr("Pseudonymised &CSV…"))):
            b = QPushButton(text)
            b.setObjectName(f"save_{key.replace(':', '_')}")
            b.clicked.connect(lambda _c=False, k=key: self.save(k))
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 600)
        self.refresh()

    def _period(self) -> tuple[date, date]:
        s, e = self.start.date(), self.end.date()
        return date(s.year(), s.month(), s.day()), date(e.year(), e.month(), e.day())

    def refresh(self) -> None:
        """The overview is computed on a worker (a year at 10,000 children takes a quarter of a second);
        a period changed meanwhile is computed when the running one ends."""
        if self._running is not None:
            self._stale = True
            return
        start, end = self._period()
        self._stale = False
        self.summary.setText(self.tr("Calculating…"))
        self._running = background.start(self, workspace.in_own_connection(
            self.ws, lambda own: reports.fidelity_data(ws=own, start=start, end=end)),
            done=self._show, failed=self._failed)

    def computing(self) -> bool:
        return self._running is not None

    def _failed(self, exc: BaseException) -> None:
        self._running = None
        if self._stale:  # the period changed meanwhile: its result is what counts
            self.refresh()
            return
        if isinstance(exc, KnownError):
            self.summary.setText(exc.message)
        else:
            report(self, exc)

    def _show(self, data: dict) -> None:
        self._running = None
        if self._stale:
            self.refresh()
            return
        for key, table in self.tables.items():
            rows = data[key]
            table.setRowCount(len(rows))
            for r, (name, v) in enumerate(rows.items()):
                gap = v["self_minus_supervisor"]
                for c, text in enumerate([name, str(v["sessions"]), _pct(v["reviewed_share"]), _pct(v["self_adherence"]),
                                          _pct(v["supervisor_adherence"]),
                                          "–" if gap is None else fill(self.tr("%1 points"), f"{gap * 100:+.0f}")]):
                    table.setItem(r, c, QTableWidgetItem(text))
            table.resizeColumnsToContents()
        o = data["overall"]
        self.summary.setText(fill(self.tr("%1 sessions; %2 reviewed by a supervisor."), o.get("sessions", 0),
                                  _pct(o.get("reviewed_share"))))

    def save(self, key: str) -> None:
        kind, fmt = key.split(":")
        name = {"fidelity:pdf": "manualtroskab.pdf", "activity:pdf": "aktivitetsrapport.pdf",
                "activity:csv": "aktivitet-pseudonymiseret.csv"}[key]
        out = prompts.save_file(self, self.tr("Save report"), Path.home() / name,
                                "PDF (*.pdf)" if fmt == "pdf" else "CSV (*.csv)")
        if out is None:
            return
        start, end = self._period()
        try:
            background.wait_for(self, self.tr("Making the report…"), workspace.in_own_connection(
                self.ws, lambda own: reports.write(data=reports.render(ws=own, kind=kind, fmt=fmt, start=start,
                                                                       end=end), out=out)))
        except KnownError as exc:
            prompts.error(self, self.tr("The report was not saved"), exc.message)
            return
        prompts.info(self, self.tr("Report saved"), str(out))
