import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from behandlerklient.core.errors import InvalidInput
from behandlerklient.core.sdq import ITEMS
from behandlerklient.services.documents import documents
from behandlerklient.services.signatures import audit


def _read(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [p.extract_text() for p in reader.pages]


def test_content_and_order(ws, pathway_child) -> None:
    child, course = pathway_child
    reader, pages = _read(documents.journal_summary_pdf(ws=ws, child_id=child.id))
    text = "\n".join(pages)
    order = ["Journaludskrift", "Åse Ærenlund, CPR 010316-4006", "Lægehuset Ærøskøbing", "Forløb: Mind My Mind",
             "9 gennemført af 9 planlagte (manual: 9-13)", "SDQ", "Henvendelser", "Forsamtaler og beslutninger",
             "Information og samtykke", "Screening", "Forløb og sessioner", "Dagsorden:", "Øvelse:",
             "Afslutning og opfølgning"]
    positions = [text.find(fragment) for fragment in order]
    assert all(p >= 0 for p in positions), [o for o, p in zip(order, positions) if p < 0]
    assert positions == sorted(positions)
    assert "Øvelse nr. 9: trappen med æ, ø og å" in text
    assert "Rettet af Anna Åberg" in text and "øvelsen var trin 2" in text


def test_every_page_has_name_masked_cpr_page_x_of_y_and_print_date(ws, pathway_child) -> None:
    child, _ = pathway_child
    reader, pages = _read(documents.journal_summary_pdf(ws=ws, child_id=child.id))
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert "Åse Ærenlund, CPR 010316-xxxx" in page
        assert f"Side {n} af {len(pages)}" in page
        assert "Udskrevet" in page


def test_metadata_and_embedded_fonts(ws, pathway_child) -> None:
    child, _ = pathway_child
    reader, _pages = _read(documents.journal_summary_pdf(ws=ws, child_id=child.id))
    meta = reader.metadata
    assert meta.title == "Journaludskrift" and meta.author == "Anna Åberg"  # no name or CPR in the metadata
    assert isinstance(meta.creation_date, datetime)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"font {font['/BaseFont']} is not embedded"
            fonts.add(str(font["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts)


def test_no_sdq_item_wording_or_item_names(ws, pathway_child) -> None:
    child, _ = pathway_child
    _reader, pages = _read(documents.journal_summary_pdf(ws=ws, child_id=child.id))
    text = "\n".join(pages).lower()
    assert "ingen spørgsmålstekst" in text
    assert not [name for name, _s, _r in ITEMS.values() if f" {name} " in f" {text} "]


def test_one_course_and_export_writes_only_where_asked(ws, pathway_child, tmp_path) -> None:
    child, course = pathway_child
    out = tmp_path / "journal.pdf"
    documents.export_journal_summary(ws=ws, child_id=child.id, course_id=course.id, out=out)
    assert out.read_bytes().startswith(b"%PDF") and not list(tmp_path.glob(".*.tmp"))
    assert audit.for_child(ws.db, child.id)[-1]["object"] == f"journal-summary:course:{course.id}"
    with pytest.raises(InvalidInput, match=".pdf"):
        documents.export_journal_summary(ws=ws, child_id=child.id, out=tmp_path / "journal.txt")
    with pytest.raises(InvalidInput, match="Mappen findes ikke"):
        documents.export_journal_summary(ws=ws, child_id=child.id, out=tmp_path / "nej" / "x.pdf")
