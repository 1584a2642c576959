"""The supervisor's fidelity report PDF: adherence per therapist or track over a period (content from reports/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
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


# The first column holds names (therapists, tracks such as "STIME – bekymring og tristhed") and wraps; the
# figure columns are wide enough for their bold headings ("Selvvurdering") with the padding below.
FIRST_COLUMN, WIDTH, PADDING = 150.0, 510.0, 4


def _section_table(section: FidelitySection) -> Table:
    st = styles()
    name = ParagraphStyle("fidelity-name", parent=st.body, fontSize=8, leading=10, spaceAfter=0)
    head = ParagraphStyle("fidelity-head", parent=name, fontName=FONT_BOLD)
    figures = max(len(section.columns) - 1, 1)
    widths = [FIRST_COLUMN] + [(WIDTH - FIRST_COLUMN) / figures] * figures
    rows = [[Paragraph(esc(section.columns[0]), head)] + section.columns[1:]]
    rows += [[Paragraph(esc(row[0]), name)] + row[1:] for row in section.rows]
    t = Table(rows, colWidths=widths[:len(section.columns)], repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
                           ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc"))]))
    return t


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
        story.append(_section_table(section))
        if section.note:
            story += [Spacer(1, 3), Paragraph(esc(section.note), st.small)]
    story += [Spacer(1, 10), Paragraph("Selvvurdering og supervisors vurdering vises hver for sig og slås aldrig "
                                       "sammen. Rapporten indeholder ingen navne eller CPR-numre på børn.", st.small)]
    frame = PageFrame(left=f"{report.title}: {report.scope}", printed=report.printed_at)
    return build_pdf(story, title=report.title, author=report.printed_by, subject="Manualtroskab", frame=frame)
