"""The activity report PDF's section with the status memo's figures (reports/status_memo.py)."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from behandlerklient.core.numbers import danish
from behandlerklient.exports.pdf_base import FONT, FONT_BOLD, esc

MADE_BY = {"parent": "Forælder", "young_person": "Barnet/den unge", "professional": "Fagperson"}


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{danish(round(share * 100, 1))} %"


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    t = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc"))]))
    return t


def flowables(memo: dict[str, Any] | None, st: Any) -> list[Flowable]:
    if not memo:
        return []
    t = memo["contacts"]
    return [
        Paragraph("Status som i Københavns statusnotat", st.h2),
        _table([["Tal", "Antal / andel"], ["Henvendelser", str(t)],
                ["Henvist til screening", str(memo["referred_to_screening"])],
                ["Startet i et forløb", str(memo["started"])],
                ["Andel af henvendelserne om piger", _pct(memo["share_girls"])],
                ["9-12-årige", f"{memo['age_9_12']['contacts']} ({_pct(memo['age_9_12']['share'])})"],
                ["15-årige", f"{memo['age_15']['contacts']} ({_pct(memo['age_15']['share'])})"]]
               + [[f"Henvendt af: {MADE_BY.get(k, k)}", str(n)] for k, n in memo["contacts_by_made_by"].items()],
               [300, 120]),
        Paragraph("Udvikling pr. måned", st.h3),
        _table([["Måned", "Henvendelser", "Henvist til screening", "Startet"]]
               + [[m, str(v["contacts"]), str(v["referred_to_screening"]), str(v["started"])]
                  for m, v in memo["by_month"].items()], [100, 100, 140, 80]),
        Paragraph("Hvad henvendelserne handler om (en henvendelse kan handle om flere ting)", st.h3),
        _table([["Årsag", "Henvendelser", "Andel"]]
               + [[esc(k), str(v["contacts"]), _pct(v["share"])] for k, v in memo["about"].items()], [240, 90, 90]),
        Paragraph("Hvor børnene blev vejledt hen", st.h3),
        _table([["", "Antal"]] + [[esc(k), str(n)] for k, n in memo["guided_to"].items()], [340, 80]),
        Paragraph("Hvem leverer", st.h3),
        _table([["Leverende enhed (henvendelser)", "Antal"]]
               + [[esc(k), str(n)] for k, n in memo["delivered_by"]["contacts_by_unit"].items()], [340, 80]),
        _table([["Faggruppe (startede forløb)", "Antal"]]
               + [[esc(k), str(n)] for k, n in memo["delivered_by"]["courses_by_profession"].items()], [340, 80]),
    ]
