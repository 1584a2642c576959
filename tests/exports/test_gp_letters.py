import io
import json

import pytest
from pypdf import PdfReader

from behandlerklient import paths
from behandlerklient.cli import main
from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.exports import gp_letter
from behandlerklient.services.changes import Changes
from behandlerklient.services.documents import letters
from behandlerklient.services.signatures import audit
from behandlerklient.storage.sessions import JournalRepository
from tests.conftest import PASSPHRASE
from tests.exports.conftest import build
from tests.helpers import own_sender


def _text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_end_letter_is_a_proper_letter(ws, pathway_child) -> None:
    _child, course = pathway_child
    ws.db.execute("UPDATE users SET title = 'Autoriseret psykolog', phone = '59 66 60 01' WHERE id = ?", (ws.user.id,))
    ws.user.title, ws.user.phone = "Autoriseret psykolog", "59 66 60 01"
    prepared = letters.preview(ws=ws, course_id=course.id, kind="end")
    text = _text(prepared.pdf)
    for fragment in ("Eksempel Kommune", "Lægehuset Ærøskøbing", "Att.: Søren Ågård", "5970 Ærøskøbing",
                     "Vedr.: Åse Ærenlund, CPR 010316-4006", "Tilbagemelding ved afslutning af forløb",
                     "9 gennemført af 9 planlagte", "Forælder: samlet vanskelighedsscore før 40 (meget høj)",
                     "20 point lavere, altså færre vanskeligheder", "betyder flere vanskeligheder",
                     "Effekt: Bedring", "Anbefalinger: Fortsæt trappen hjemme", "Med venlig hilsen", "Anna Åberg",
                     "Autoriseret psykolog", "Tlf. 59 66 60 01", "Side 1 af 1"):
        assert fragment in text.replace("\n", " "), fragment  # a long line wraps in the PDF
    assert text.index("Dato:") < text.index("Lægehuset") < text.index("Vedr.:") < text.index("Med venlig hilsen")
    # Preview writes and journalises nothing.
    assert not [e for e in JournalRepository(ws.db).for_child(_child.id) if e.kind == "disclosure"]


def test_start_letter(ws, pathway_child) -> None:
    _child, course = pathway_child
    text = _text(letters.preview(ws=ws, course_id=course.id, kind="start").pdf)
    assert "Orientering om forløb" in text and "tilbudt et forløb i Mind My Mind" in text


def test_writing_journalises_the_disclosure_and_logs_the_export(ws, pathway_child, tmp_path) -> None:
    child, course = pathway_child
    out = tmp_path / "brev.pdf"
    written, changes = letters.export_gp_letter(ws=ws, course_id=course.id, kind="end", out=out)
    # The caller refreshes the child's journal from what the service says changed, not from a guess of its own.
    assert written == [out] and changes == Changes(journal=True, child_id=child.id)
    entry = [e for e in JournalRepository(ws.db).for_child(child.id) if e.kind == "disclosure"][-1]
    assert entry.signed_at and "Lægehuset Ærøskøbing" in entry.title
    assert "Hvad: Tilbagemelding ved afslutning" in entry.body and "Til hvem: Lægehuset Ærøskøbing" in entry.body
    assert "Hvornår:" in entry.body and "Grundlag: samtykke til videregivelse til egen læge givet af Mette Ærenlund" in entry.body
    assert audit.for_child(ws.db, child.id)[-1]["object"] == f"gp-letter:end:course:{course.id}"


def test_no_gp_consent_refuses_and_writes_nothing(ws, tmp_path) -> None:
    _child, course = build(ws, gp_consent=False)
    folder = tmp_path / "ud"
    folder.mkdir()
    with pytest.raises(RuleRefused, match="egen læge mangler"):
        letters.export_gp_letter(ws=ws, course_id=course.id, kind="start", out=folder / "brev.pdf",
                                 medcom_out=folder / "brev.json")
    assert not list(folder.iterdir())


def test_cli_exit_5_and_no_file_without_consent(ws, db_path, tmp_path, capsys, monkeypatch) -> None:
    _child, course = build(ws, gp_consent=False)
    ws.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "brev.pdf"
    code = main(["export", "gp-letter", "--db", str(db_path), "--course", str(course.id), "--kind", "start",
                 "--out", str(out), "--medcom", str(tmp_path / "brev.json")])
    err = capsys.readouterr().err
    assert code == 5 and "egen læge mangler" in err and err.count("\n") == 1
    assert not out.exists() and not (tmp_path / "brev.json").exists()


def test_end_letter_needs_a_signed_closing(ws) -> None:
    _child, course = build(ws, close=False)
    with pytest.raises(RuleRefused, match="ikke afsluttet"):
        letters.preview(ws=ws, course_id=course.id, kind="end")


def test_municipality_template_and_unknown_placeholder(ws, pathway_child) -> None:
    _child, course = pathway_child
    folder = paths.config_dir() / "breve"
    folder.mkdir(parents=True)
    (folder / "tilbagemelding.toml").write_text('title = "Vores egen tilbagemelding"\nbody = "Hej {barn_navn}, '
                                                'effekt: {effekt}."\n', encoding="utf-8")
    text = _text(letters.preview(ws=ws, course_id=course.id, kind="end").pdf)
    assert "Vores egen tilbagemelding" in text and "Hej Åse Ærenlund, effekt: Bedring." in text
    (folder / "tilbagemelding.toml").write_text('title = "X"\nbody = "Hej {barnets_navn}"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"ukendt pladsholder \{barnets_navn\}") as info:
        gp_letter.load_template("end", letters.letter_folders())
    assert "tilbagemelding.toml" in info.value.message


def test_cli_writes_letter_and_medcom_file(ws, db_path, tmp_path, capsys, monkeypatch) -> None:
    own_sender()
    _child, course = build(ws)
    ws.close()
    monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
    code = main(["export", "gp-letter", "--db", str(db_path), "--course", str(course.id), "--kind", "end",
                 "--out", str(tmp_path / "b.pdf"), "--medcom", str(tmp_path / "b.json")])
    assert code == 0, capsys.readouterr().err
    message = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert message["resourceType"] == "Bundle" and message["type"] == "message"


def test_orientation_when_guided_elsewhere(ws, tmp_path) -> None:
    from datetime import date

    from behandlerklient.core.models import GeneralPractitioner, Guardian
    from behandlerklient.services.pathway import pathway, records
    from behandlerklient.services.registration import children
    from tests.helpers import give_consent

    gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing", "62")
    child = children.register_child(ws=ws, first_name="Bo", last_name="Øby", cpr="050512-4011", gp=gp,
                                    guardians=[Guardian(None, "Mor Øby", "mother", True)]).child
    child = children.overview(ws=ws, child_id=child.id, log_view=False).child
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=date(2026, 3, 1), made_by="parent",
                                 way="self", concern="Konflikter i skolen")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    iid, _ = records.save(ws=ws, kind="intake", values={"contact_id": cid, "child_id": child.id, "talk_number": 1,
                                                        "talk_date": date(2026, 3, 8), "decision_group": 2,
                                                        "reasoning": "Hører hjemme i skolens tilbud",
                                                        "guided_to": "PPR's konsultative team"})
    records.sign_confirmed(ws=ws, kind="intake", record_id=iid)
    out = tmp_path / "ud"
    out.mkdir()
    with pytest.raises(RuleRefused, match="egen læge mangler"):
        letters.export_gp_letter(ws=ws, child_id=child.id, kind="start", out=out / "o.pdf")
    assert not list(out.iterdir())
    give_consent(ws, child, on=date(2026, 3, 8), kind="share", party="gp")
    letters.export_gp_letter(ws=ws, child_id=child.id, kind="start", out=out / "o.pdf")
    text = _text((out / "o.pdf").read_bytes())
    assert "vejledt videre til PPR's konsultative team" in text and "Orientering om henvendelse" in text
    assert any(e.kind == "disclosure" for e in JournalRepository(ws.db).for_child(child.id))
