"""SDQ total difficulties over time, by informant, over the four bands as labelled shading (not colour alone)."""

from __future__ import annotations

from datetime import date

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from behandlerklient.core.numbers import danish
from behandlerklient.exports.pdf_base import FONT

BAND_FILL = ("#eef5ee", "#fbf4dc", "#fbe6d4", "#f6d6d6")
SERIES = {"parent": ("#1f4e89", "Forælder"), "self": ("#8a3b12", "Selvrapport"), "teacher": ("#2f6f3e", "Lærer")}


def chart(points: dict[str, list[tuple[date, int]]], bands: list[tuple[int, int, str]], *, width: float = 480,
          height: float = 190) -> Drawing:
    """`points`: informant -> [(date, total)] (core.sdq_progress.totals_over_time, which the child view's chart in
    ui/widgets/sdq_tab.py draws too); `bands`: [(low, high, label)] on 0-40 for the shading."""
    d = Drawing(width, height)
    # The legend has a row of its own above the plot: inside it, it covered the highest scores.
    left, right, bottom, top = 34, width - 110, 24, height - 22
    dates = sorted({day for series in points.values() for day, _v in series})
    if not dates:
        return d
    first, last = dates[0], dates[-1]
    span = max((last - first).days, 1)

    inset = 14  # the first and last points' values stay inside the plot, clear of the band labels

    def x(day: date) -> float:
        return left + inset + (right - left - 2 * inset) * ((day - first).days / span if len(dates) > 1 else 0.5)

    def y(value: float) -> float:
        return bottom + (top - bottom) * value / 40

    for (lo, hi, label), fill in zip(bands, BAND_FILL):
        d.add(Rect(left, y(lo), right - left, y(hi + 1 if hi < 40 else 40) - y(lo), fillColor=colors.HexColor(fill),
                   strokeColor=None))
        d.add(String(right + 4, (y(lo) + y(min(hi + 1, 40))) / 2 - 3, label, fontName=FONT, fontSize=6.5,
                     fillColor=colors.HexColor("#555555")))
    d.add(Line(left, bottom, left, top, strokeColor=colors.grey))
    d.add(Line(left, bottom, right, bottom, strokeColor=colors.grey))
    for value in (0, 10, 20, 30, 40):
        d.add(String(left - 4, y(value) - 3, danish(value), fontName=FONT, fontSize=6.5, textAnchor="end"))
    for day in dates:
        d.add(String(x(day), bottom - 11, day.strftime("%d.%m.%y"), fontName=FONT, fontSize=6.5, textAnchor="middle"))
    legend_x, legend_y = left, height - 8
    for informant, series in points.items():
        if not series:
            continue
        color, name = SERIES[informant]
        col = colors.HexColor(color)
        coords = [c for day, value in sorted(series) for c in (x(day), y(value))]
        if len(series) > 1:
            d.add(PolyLine(coords, strokeColor=col, strokeWidth=1.4))
        for day, value in series:
            d.add(Circle(x(day), y(value), 2.4, fillColor=col, strokeColor=col))
            d.add(String(x(day) + 3, y(value) + 3, danish(value), fontName=FONT, fontSize=6.5, fillColor=col))
        d.add(Line(legend_x, legend_y, legend_x + 12, legend_y, strokeColor=col, strokeWidth=1.4))
        d.add(String(legend_x + 15, legend_y - 2.5, name, fontName=FONT, fontSize=7))
        legend_x += 30 + stringWidth(name, FONT, 7)
    return d
