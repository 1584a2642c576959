"""The supervisor's fidelity report PDF: adherence per therapist or track over a period (content from reports/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from behandlerklient.exports.pdf_base import FONT, FONT_BOLD, PageFrame, build_pdf, esc, styles


@dataclass(frozen=True)
class FidelitySection:
    heading: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class FidelityReport:
    title: str
    scope: str  # e.g. "Alle behandlere" or a therapist's name
    period_from: date
    period_to: date
    printed_by: str
    printed_at: datetime
    summary: list[tuple[str, str]] = field(default_factory=list)
    sections: list[FidelitySection] = field(default_factory=list)


def render(report: FidelityReport) -> bytes:
    st = styles()
    story = [Paragraph(esc(report.title), st.h1),
             Paragraph(f"{esc(report.scope)} · {report.period_from:%d.%m.%Y} – {report.period_to:%d.%m.%Y}", st.h3)]
    if report.summary:
        t = Table([[Paragraph(esc(k), st.small), Paragraph(esc(v), st.body)] for k, v in report.summary],
                  colWidths=[180, 330], hAlign="LEFT")
        t.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(t)
    for section in report.sections:
        story.append(Paragraph(esc(section.heading), st.h2))
        width = 510 / max(len(section.columns), 1)
        t = Table([section.columns] + section.rows, colWidths=[width] * len(section.columns), repeatRows=1,
                  hAlign="LEFT")
        t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc"))]))
        story.append(t)
        if section.note:
            story += [Spacer(1, 3), Paragraph(esc(section.note), st.small)]
    story += [Spacer(1, 10), Paragraph("Selvvurdering og supervisors vurdering vises hver for sig og slås aldrig "
                                       "sammen. Rapporten indeholder ingen navne eller CPR-numre på børn.", st.small)]
    frame = PageFrame(left=f"{report.title}: {report.scope}", printed=report.printed_at)
    return build_pdf(story, title=report.title, author=report.printed_by, subject="Manualtroskab", frame=frame)
