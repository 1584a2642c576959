"""What a reader sees in every PDF: Danish decimals, no text running into other text, no name or CPR in the
metadata that travels with the file."""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from behandlerklient.core.numbers import danish
from behandlerklient.exports.fidelity_report import FidelityReport, FidelitySection
from behandlerklient.exports.fidelity_report import render as render_fidelity
from behandlerklient.exports.pdf_base import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from behandlerklient.services.demo import demo
from behandlerklient.services.documents import documents, letters
from behandlerklient.services.reports import reports

TODAY = date(2026, 11, 23)
# A number with exactly one '.' between digits; dates (01.07.2026, 15.03.26) have two and are left alone.
ENGLISH_DECIMAL = re.compile(r"(?<![\d.])-?\d+\.\d+(?![\d.])")


def _pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _fragments(data: bytes) -> list[list[tuple[float, float, float, str]]]:
    """Per page: (x0, x1, baseline y, text) of every text run, its width from the embedded font's metrics."""
    register_fonts()
    fonts = {"DejaVuSans": FONT, "DejaVuSans-Bold": FONT_BOLD, "DejaVuSans-Oblique": FONT_ITALIC}
    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        runs: list[tuple[float, float, float, str]] = []

        def visit(text, cm, tm, font, size, runs=runs) -> None:  # noqa: ANN001
            text = text.rstrip("\n")
            if not text.strip() or font is None:
                return
            name = fonts[str(font["/BaseFont"]).split("+")[-1]]
            x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
            runs.append((x, x + stringWidth(text, name, size * tm[0] * cm[0]), y, text))

        page.extract_text(visitor_text=visit)
        out.append(runs)
    return out


def _overlaps(data: bytes) -> list[tuple[str, str]]:
    found = []
    for runs in _fragments(data):
        for i, (a0, a1, ay, at) in enumerate(runs):
            for b0, b1, by, bt in runs[i + 1:]:
                # pypdf reports a font change inside a paragraph line at the line's start: not a second text.
                continuation = abs(a0 - b0) < 0.1
                if abs(ay - by) < 3 and not continuation and a0 < b1 - 0.5 and b0 < a1 - 0.5:
                    found.append((at, bt))
    return found


def test_danish_number_format() -> None:
    assert [danish(v) for v in (-7.23, 12.5, 12.0, 3, None, -0.001)] == ["-7,23", "12,5", "12", "3", "–", "0"]
    assert danish(4.25, 1) == "4,2" or danish(4.25, 1) == "4,3"
    assert danish(1234.5) == "1234,5"  # no thousands '.', which would read as a decimal point


def _fidelity(rows: list[list[str]]) -> bytes:
    return render_fidelity(FidelityReport(
        title="Manualtroskab", scope="Alle behandlere", period_from=date(2026, 1, 1), period_to=date(2026, 6, 30),
        printed_by="Louise Hvid", printed_at=datetime(2026, 7, 1, 9, 0),
        sections=[FidelitySection("Pr. spor", ["Spor", "Sessioner", "Gennemgået", "Selvvurdering", "Supervisor",
                                               "Forskel"], rows)]))


def test_long_track_names_wrap_instead_of_running_into_the_figures() -> None:
    data = _fidelity([["STIME – bekymring og tristhed (Region Hovedstadens Psykiatri)", "120", "25 %", "92 %", "81 %",
                       "+11 point"], ["Mind My Mind", "88", "100 %", "88 %", "84 %", "+4 point"]])
    assert not _overlaps(data)
    text = _pages(data)[0]
    assert "STIME – bekymring og tristhed" in text and "+11 point" in text and "Selvvurdering" in text


def test_the_overlap_check_sees_text_running_into_other_text() -> None:
    # The check itself: two strings drawn on one line, the first longer than the gap before the second.
    from reportlab.pdfgen import canvas

    register_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.setFont(FONT, 8)
    c.drawString(50, 700, "STIME – bekymring og tristhed")
    c.drawString(120, 700, "92 %")
    c.save()
    assert _overlaps(buffer.getvalue()) == [("STIME – bekymring og tristhed", "92 %")]


@pytest.fixture(scope="module")
def every_pdf(tmp_path_factory) -> dict[str, bytes]:
    """Each kind of PDF the program writes, from a database with the whole pathway in it."""
    from behandlerklient.security import kdf
    from behandlerklient.services.workspace import workspace
    from tests.exports.conftest import build

    old = kdf._default
    kdf._default = kdf.ScryptParams(n=2**10)
    ws = workspace.create(path=tmp_path_factory.mktemp("pdf") / "p.db", username="lhv", full_name="Louise Hvid",
                          passphrase="supervisor-kode-1", role="supervisor", title="Supervisor")
    try:
        child, course = build(ws)
        demo.generate(ws=ws, children_count=150, seed=4, today=TODAY)
        period = {"start": TODAY - timedelta(days=365), "end": TODAY}
        yield {"journal": documents.journal_summary_pdf(ws=ws, child_id=child.id, on=TODAY),
               "journal-course": documents.journal_summary_pdf(ws=ws, child_id=child.id, course_id=course.id, on=TODAY),
               "gp-start": letters.preview(ws=ws, course_id=course.id, kind="start").pdf,
               "gp-end": letters.preview(ws=ws, course_id=course.id, kind="end").pdf,
               "activity": reports.render(ws=ws, kind="activity", fmt="pdf", **period),
               "fidelity": reports.render(ws=ws, kind="fidelity", fmt="pdf", **period)}
    finally:
        ws.close()
        kdf._default = old


def test_every_pdf_writes_decimals_the_danish_way(every_pdf) -> None:
    for kind, data in every_pdf.items():
        text = "\n".join(_pages(data))
        assert not ENGLISH_DECIMAL.findall(text), (kind, ENGLISH_DECIMAL.findall(text))
    # The activity report's medians and mean SDQ changes have decimals: they are there, with a comma.
    assert re.search(r"(?<![\d,])-?\d+,\d+(?![\d,])", "\n".join(_pages(every_pdf["activity"])))


def test_no_pdf_has_text_running_into_other_text(every_pdf) -> None:
    for kind in ("fidelity", "journal", "gp-end"):
        assert not _overlaps(every_pdf[kind]), kind


def test_metadata_carries_no_name_or_cpr(every_pdf) -> None:
    for kind in ("journal", "journal-course", "gp-start", "gp-end"):
        meta = PdfReader(io.BytesIO(every_pdf[kind])).metadata
        fields = " ".join(str(meta.get(k) or "") for k in ("/Title", "/Subject", "/Keywords"))
        assert fields.strip(), kind
        for secret in ("Åse", "Ærenlund", "010316", "4006"):
            assert secret not in fields, (kind, fields)
    assert PdfReader(io.BytesIO(every_pdf["journal"])).metadata.title == "Journaludskrift"
