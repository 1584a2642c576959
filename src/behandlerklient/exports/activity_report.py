"""The activity report PDF: the figures a manager and the health authorities ask for, with bar charts."""

from __future__ import annotations

from datetime import date, datetime

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from behandlerklient.core.numbers import danish
from behandlerklient.exports import status_memo_section
from behandlerklient.exports.pdf_base import FONT, FONT_BOLD, PageFrame, build_pdf, esc, styles

LABELS = {
    "parent": "Forælder", "young_person": "Barnet/den unge", "professional": "Fagperson", "self": "Egen henvendelse",
    "gp": "Egen læge", "school": "Skole", "ppr": "PPR", "health_visitor": "Sundhedsplejerske",
    "social_services": "Socialforvaltning", "other": "Andet", "course": "Forløb", "bup_referral": "Henvist til BUP",
    "guidance": "Vejledt videre", "notification": "Underretning", "no_course": "Intet forløb", "F": "Piger",
    "M": "Drenge", "": "Ukendt",
}
SDQ_INFORMANTS = {"parent": "Forælder", "self": "Selvrapport", "teacher": "Lærer"}


def _bars(data: dict[str, int], width: float = 480) -> Drawing:
    names = list(data)
    height = 24 + 16 * len(names)
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 10, width - 190, height - 20
    chart.data = [[data[n] for n in reversed(names)]]
    chart.categoryAxis.categoryNames = [LABELS.get(n, n) for n in reversed(names)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#5b7fa6")
    chart.barLabelFormat = danish
    chart.valueAxis.labelTextFormat = danish
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 8
    d.add(chart)
    return d


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    t = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc"))]))
    return t


def _fmt(value) -> str:  # noqa: ANN001
    return danish(value) if value is None or isinstance(value, (int, float)) else str(value)


def render(data: dict, *, printed_by: str, printed_at: datetime) -> bytes:
    st = styles()
    start, end = date.fromisoformat(data["period"]["from"]), date.fromisoformat(data["period"]["to"])
    c, i, s, k = data["contacts"], data["intakes"], data["screenings"], data["courses"]
    story = [Paragraph("Aktivitetsrapport", st.h1),
             Paragraph(f"Det lettilgængelige behandlingstilbud · {start:%d.%m.%Y} – {end:%d.%m.%Y}", st.h3),
             Paragraph(esc(data["definitions"]), st.small),
             _table([["Nøgletal", "Antal"], ["Henvendelser", str(c["total"])], ["Forsamtaler med beslutning", str(i["total"])],
                     ["Henvist til screening (gruppe 3)", str(data["referred_to_screening"])],
                     ["Screeninger", str(s["total"])], ["Forløb startet", str(k["started"])],
                     ["Forløb startet ad anden vej (uden om screeningen)", str(k.get("started_other_way", 0))],
                     ["Afsluttet / frafaldet / i gang", f"{k['completed']} / {k['dropped_out']} / {k['ongoing']}"],
                     ["Underretninger", str(data["notifications"])]], [300, 120]),
             Paragraph("Hvem henvendte sig", st.h2), _bars(c["by_made_by"]),
             Paragraph("Vej ind", st.h2), _bars(c["by_way"]),
             Paragraph("Forsamtalens beslutning", st.h2),
             _bars({f"Gruppe {g}": n for g, n in i["by_group"].items()}),
             Paragraph("Screeningens udfald", st.h2), _bars(s["by_outcome"] or {"course": 0}),
             Paragraph("Forløb startet pr. spor", st.h2), _bars(k["started_by_track"] or {"-": 0}),
             Paragraph("Børn", st.h2),
             _table([["", "Antal"]] + [[LABELS.get(x, x), str(n)] for x, n in data["children"]["by_sex"].items()]
                    + [[f"{band} år", str(n)] for band, n in data["children"]["by_age_band"].items()], [300, 120]),
             Paragraph("Ventetid (dage fra henvendelse)", st.h2),
             _table([["", "Antal", "Median", "90 %-fraktil"]] + [[name, _fmt(w["n"]), _fmt(w["median"]), _fmt(w["p90"])]
                    for name, w in (("Til forsamtale", data["waiting_days"]["contact_to_intake"]),
                                    ("Til screening", data["waiting_days"]["contact_to_screening"]),
                                    ("Til forløbsstart", data["waiting_days"]["contact_to_start"]))], [200, 80, 80, 80]),
             Paragraph("Sessioner", st.h2),
             _table([["Gennemført", "Aflyst", "Udeblevet", "Under / inden for / over manualens interval"],
                     [str(data["sessions"]["delivered"]), str(data["sessions"]["cancelled"]),
                      str(data["sessions"]["missed"]),
                      " / ".join(str(v) for v in data["sessions"]["ended_courses_against_manual_range"].values())]],
                    [90, 70, 80, 270]),
             Paragraph("SDQ-ændring fra start til afslutning (samlet score, hver informant mod sin egen "
                       "før-måling)", st.h2),
             _table([["Spor", "Informant", "Forløb", "Gns. ændring", "Median"]] +
                    [[t, SDQ_INFORMANTS.get(informant, informant), str(v["n"]), _fmt(v["mean_change"]),
                      _fmt(v["median_change"])]
                     for t, by_informant in data["sdq_change_by_track"].items()
                     for informant, v in by_informant.items()], [200, 80, 50, 80, 60])]
    story += status_memo_section.flowables(data.get("status_memo"), st)
    frame = PageFrame(left=f"Aktivitetsrapport {start:%d.%m.%Y} – {end:%d.%m.%Y}", printed=printed_at)
    return build_pdf(story, title="Aktivitetsrapport", author=printed_by, subject="Aktivitet og ventetid",
                     frame=frame)
