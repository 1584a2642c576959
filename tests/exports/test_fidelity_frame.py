import io
from datetime import date, datetime

from pypdf import PdfReader

from behandlerklient.exports.fidelity_report import FidelityReport, FidelitySection, render


def test_fidelity_report_frame_renders_sections_and_frame() -> None:
    report = FidelityReport(
        title="Manualtroskab", scope="Alle behandlere", period_from=date(2026, 1, 1), period_to=date(2026, 6, 30),
        printed_by="Louise Hvid", printed_at=datetime(2026, 7, 1, 9, 0),
        summary=[("Sessioner i perioden", "120"), ("Andel gennemgået af supervisor", "25 %")],
        sections=[FidelitySection("Pr. spor", ["Spor", "Selv", "Supervisor", "Forskel"],
                                  [["Cool Kids", "92 %", "81 %", "11"], ["Mind My Mind", "88 %", "84 %", "4"]])])
    reader = PdfReader(io.BytesIO(render(report)))
    text = reader.pages[0].extract_text()
    for fragment in ("Manualtroskab", "Alle behandlere · 01.01.2026 – 30.06.2026", "Andel gennemgået af supervisor",
                     "Pr. spor", "Cool Kids", "Side 1 af 1", "Udskrevet 01.07.2026"):
        assert fragment in text, fragment
    assert reader.metadata.author == "Louise Hvid"
