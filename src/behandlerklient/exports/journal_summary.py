"""The journal summary PDF for a child or one course: what a clinic sends without retyping."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from behandlerklient.exports.pdf_base import FONT, FONT_BOLD, PageFrame, build_pdf, esc, styles
from behandlerklient.exports.sdq_chart import chart


@dataclass(frozen=True)
class SdqRow:
    answered_on: date
    informant: str  # Danish label
    informant_code: str
    phase: str  # Danish label
    scores: dict[str, int | None]
    band: str  # Danish text of the total's band, marked '*' where its table is not confirmed
    change: int | None = None  # total since the baseline from the same informant


@dataclass(frozen=True)
class CourseBlock:
    title: str
    facts: list[tuple[str, str]]


@dataclass(frozen=True)
class EntryBlock:
    section: str
    title: str
    when: date
    author: str
    signed: datetime | None
    body: str
    superseded_by: str = ""  # "Rettet af X den Y" when struck through


@dataclass
class SummaryData:
    title: str
    child_name: str
    cpr_full: str
    cpr_masked: str
    master: list[tuple[str, str]]
    courses: list[CourseBlock]
    sdq: list[SdqRow]
    sdq_bands: list[tuple[int, int, str]]
    entries: list[EntryBlock]
    printed_at: datetime
    printed_by: str
    sections: list[str] = field(default_factory=list)
    # informant -> [(date, total)] (core.sdq_progress.totals_over_time: the child view draws the same series)
    sdq_series: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    sdq_footnote: str = ""  # said once, under the table, when a band shown is not confirmed


SDQ_COLUMNS = (("emotional", "Emo."), ("conduct", "Adf."), ("hyperactivity", "Hyp."), ("peer", "Jævn."),
               ("prosocial", "Pro."), ("total_difficulties", "Samlet"), ("impact", "Påv."))


def _table(rows: list[list], widths: list[float], header: bool = True) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [("FONT", (0, 0), (-1, -1), FONT, 7.5 if len(widths) > 4 else 8.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style += [("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5 if len(widths) > 4 else 8.5),
                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3"))]
    t.setStyle(TableStyle(style))
    return t


def render(data: SummaryData) -> bytes:
    st = styles()
    story: list = [Paragraph(esc(data.title), st.h1),
                   Paragraph(f"{esc(data.child_name)}, CPR {esc(data.cpr_full)}", st.h3)]
    story.append(_table([[Paragraph(esc(k), st.small), Paragraph(esc(v), st.body)] for k, v in data.master],
                        [120, 390], header=False))
    for course in data.courses:
        story.append(Paragraph(esc(course.title), st.h2))
        story.append(_table([[Paragraph(esc(k), st.small), Paragraph(esc(v), st.body)] for k, v in course.facts],
                            [160, 350], header=False))
    if data.sdq:
        story.append(Paragraph("SDQ (spørgeskemaer efter itemnummer; ingen spørgsmålstekst)", st.h2))
        rows = [["Dato", "Besvaret af", "Tidspunkt"] + [h for _k, h in SDQ_COLUMNS] + ["Ændr.", "Bånd (samlet)"]]
        for r in data.sdq:
            rows.append([r.answered_on.strftime("%d.%m.%Y"), r.informant, r.phase]
                        + ["–" if r.scores.get(k) is None else str(r.scores[k]) for k, _h in SDQ_COLUMNS]
                        + ["" if r.change is None else f"{r.change:+d}", Paragraph(esc(r.band), st.small)])
        story.append(_table(rows, [50, 58, 64] + [25] * 5 + [33, 25, 30, 70]))
        if data.sdq_footnote:
            story.append(Paragraph(esc(data.sdq_footnote), st.small))
        story.append(Paragraph("Ændr.: samlet score siden før-målingen fra samme informant.", st.small))
        if data.sdq_series:
            story += [Spacer(1, 6), Paragraph("Samlet vanskelighedsscore over tid (skraveret efter forældrebånd)",
                                              st.small), chart(data.sdq_series, data.sdq_bands)]
    current = None
    for e in data.entries:
        if e.section != current:
            story.append(Paragraph(esc(e.section), st.h2))
            current = e.section
        signed = e.signed.astimezone().strftime("%d.%m.%Y %H:%M") if e.signed else "ikke underskrevet"
        head = f"<b>{esc(e.title)}</b> · {e.when:%d.%m.%Y} · {esc(e.author)} · underskrevet {signed}"
        if e.superseded_by:
            story += [Paragraph(f"<strike>{head}</strike>", st.head),
                      Paragraph(f"<strike>{esc(e.body)}</strike>", st.struck),
                      Paragraph(f"<i>{esc(e.superseded_by)}</i>", st.small)]
        else:
            # Paragraph by paragraph: the heading stays with the first one, long entries flow across pages.
            story.append(Paragraph(head, st.head))
            story += [Paragraph(esc(part), st.body) for part in e.body.split("\n\n") if part.strip()]
    frame = PageFrame(left=f"{data.title}: {data.child_name}, CPR {data.cpr_masked}", printed=data.printed_at)
    # The metadata travels with the file (file managers and mail clients show it): no name or CPR there.
    return build_pdf(story, title=data.title, author=data.printed_by,
                     subject="Journaludskrift fra Behandlerklient", frame=frame)
