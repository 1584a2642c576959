"""The child view's SDQ tab: each form's scores and bands, the change since the baseline from the same informant,
and the totals per informant over time drawn as the journal summary PDF draws them (exports/sdq_chart.py)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from behandlerklient.core import sdq
from behandlerklient.services.measures.sdq_records import Progress, ProgressRow

# The PDF chart's colours (exports/sdq_chart.py), so the screen and the paper look alike.
BAND_FILL = ("#eef5ee", "#fbf4dc", "#fbe6d4", "#f6d6d6")
SERIES_COLOR = {"parent": "#1f4e89", "self": "#8a3b12", "teacher": "#2f6f3e"}
INFORMANT_NAMES = {"parent": QT_TRANSLATE_NOOP("SdqTab", "Parent"), "self": QT_TRANSLATE_NOOP("SdqTab", "Self-report"),
                   "teacher": QT_TRANSLATE_NOOP("SdqTab", "Teacher")}
PHASE_NAMES = {"baseline": QT_TRANSLATE_NOOP("SdqTab", "Before the course"),
               "during": QT_TRANSLATE_NOOP("SdqTab", "During the course"),
               "closing": QT_TRANSLATE_NOOP("SdqTab", "At closing"),
               "follow_up": QT_TRANSLATE_NOOP("SdqTab", "Follow-up")}
NO_TOTAL = QT_TRANSLATE_NOOP("SdqTab", "No SDQ with a total yet.")
SCALES = ("emotional", "conduct", "hyperactivity", "peer", "prosocial")


def _t(text: object) -> str:  # QT_TRANSLATE_NOOP's stubs say object; it returns the str it was given
    return QCoreApplication.translate("SdqTab", str(text))


def _v(value: int | None) -> str:
    return "–" if value is None else str(value)


class SdqChart(QWidget):
    """Total difficulties (0-40) per informant over time over the parent total's four bands, labelled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sdqChart")
        self.series: dict[str, list[tuple[date, int]]] = {}
        self.bands: list[tuple[int, int, str]] = []
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_series(self, series: dict[str, list[tuple[date, int]]], bands: list[tuple[int, int, str]]) -> None:
        self.series, self.bands = series, bands
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        dates = sorted({day for points in self.series.values() for day, _v in points})
        if not dates:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _t(NO_TOTAL))
            p.end()
            return
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        p.setFont(small)
        fm = p.fontMetrics()
        band_width = max((fm.horizontalAdvance(label) for _lo, _hi, label in self.bands), default=0) + 10
        left, right = 34.0, self.width() - band_width - 8.0
        top, bottom = fm.height() * 2.0 + 4, self.height() - fm.height() - 8.0
        first, last = dates[0], dates[-1]
        span = max((last - first).days, 1)

        inset = 12.0 + fm.horizontalAdvance("40")  # the first and last points' values stay inside the plot

        def x(day: date) -> float:
            return left + inset + (right - left - 2 * inset) * ((day - first).days / span if len(dates) > 1 else 0.5)

        def y(value: float) -> float:
            return bottom - (bottom - top) * value / 40

        for (lo, hi, label), fill in zip(self.bands, BAND_FILL, strict=False):
            upper = hi + 1 if hi < 40 else 40
            p.fillRect(QRectF(left, y(upper), right - left, y(lo) - y(upper)), QColor(fill))
            p.setPen(QColor("#555555"))
            p.drawText(QPointF(right + 4, (y(lo) + y(upper)) / 2 + fm.ascent() / 2 - 1), label)
        p.setPen(QColor("grey"))
        p.drawLine(QPointF(left, bottom), QPointF(left, top))
        p.drawLine(QPointF(left, bottom), QPointF(right, bottom))
        p.setPen(QColor("black"))
        for value in (0, 10, 20, 30, 40):
            text = str(value)
            p.drawText(QPointF(left - 4 - fm.horizontalAdvance(text), y(value) + fm.ascent() / 2 - 1), text)
        for day in dates:
            text = day.strftime("%d.%m.%y")
            p.drawText(QPointF(x(day) - fm.horizontalAdvance(text) / 2, bottom + fm.ascent() + 2), text)
        legend_x = left
        for informant, points in self.series.items():
            color = QColor(SERIES_COLOR.get(informant, "#000000"))
            pen = QPen(color, 2)
            p.setPen(pen)
            coords = [QPointF(x(day), y(value)) for day, value in sorted(points)]
            for a, b in zip(coords, coords[1:], strict=False):
                p.drawLine(a, b)
            p.setBrush(color)
            for (_day, value), point in zip(sorted(points), coords, strict=True):
                p.drawEllipse(point, 3.5, 3.5)
                p.drawText(point + QPointF(5, -5), str(value))
            name = _t(INFORMANT_NAMES.get(informant, informant))
            legend_y = fm.height()
            mid = legend_y - fm.ascent() / 3
            p.drawLine(QPointF(legend_x, mid), QPointF(legend_x + 16, mid))
            p.setPen(QColor("black"))
            p.drawText(QPointF(legend_x + 20, legend_y), name)
            legend_x += 40 + fm.horizontalAdvance(name)
        p.end()


class SdqTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.table = QTreeWidget()
        self.table.setObjectName("sdqTable")
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([self.tr("Date"), self.tr("Answered by"), self.tr("Time point"),
                                    self.tr("Total"), self.tr("Band (total)"), self.tr("Change since before"),
                                    self.tr("Emo."), self.tr("Cond."), self.tr("Hyp."), self.tr("Peer"),
                                    self.tr("Pro."), self.tr("Impact")])
        self.table.currentItemChanged.connect(lambda *_: self._show_details())
        layout.addWidget(self.table, 1)
        self.details = QLabel("")
        self.details.setObjectName("sdqDetails")
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        self.chart = SdqChart()
        layout.addWidget(self.chart, 2)
        self.footnote = QLabel("")
        self.footnote.setObjectName("sdqTabFootnote")
        self.footnote.setWordWrap(True)
        layout.addWidget(self.footnote)
        self.rows: list[ProgressRow] = []

    def show_progress(self, progress: Progress | None) -> None:
        self.table.clear()
        self.rows = list(progress.rows) if progress else []
        for row in self.rows:
            r, s = row.response, row.scores
            change = "" if row.change is None else f"{row.change:+d}"
            QTreeWidgetItem(self.table, [r.answered_on.strftime("%d.%m.%Y"),
                                         _t(INFORMANT_NAMES.get(r.informant, r.informant)),
                                         _t(PHASE_NAMES.get(r.phase, r.phase)), _v(s["total_difficulties"]),
                                         row.bands.get("total_difficulties", ""), change]
                            + [_v(s[k]) for k in SCALES] + [_v(s["impact"])])
        for column in range(self.table.columnCount()):
            self.table.resizeColumnToContents(column)
        self.chart.show_series(progress.series if progress else {}, progress.chart_bands if progress else [])
        self.footnote.setText(progress.footnote if progress else "")
        latest = self.table.topLevelItem(len(self.rows) - 1) if self.rows else None
        if latest is not None:
            self.table.setCurrentItem(latest)
        self._show_details()

    def _show_details(self) -> None:
        item = self.table.currentItem()
        if item is None:
            self.details.setText("" if self.rows else self.tr("No SDQ recorded for the child yet."))
            return
        row = self.rows[self.table.indexOfTopLevelItem(item)]
        parts = []
        for key, label in sdq.SCALE_LABELS.items():
            band = row.bands.get(key)
            parts.append(f"{label}: {_v(row.scores[key])}" + (f" ({band.lower()})" if band else ""))
        self.details.setText(" · ".join(parts))
