"""Every rule MedCom's CareCommunication profiles state (tests/exports/medcom_checks.py, docs/medcom.md), held
by the start, end and guided letters' files; each check is shown to catch the break it is for."""

import copy
import json
from datetime import UTC, date, datetime

import pytest

from behandlerklient.core.errors import RuleRefused
from behandlerklient.exports import medcom
from behandlerklient.services.documents import letters
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.registration import children
from tests.exports import medcom_checks as mc
from tests.exports.conftest import build
from tests.helpers import give_consent, own_sender

KINDS = ("start", "end", "guided")


def _guided_child(ws):
    from behandlerklient.core.models import GeneralPractitioner, Guardian

    gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing", "62",
                             sor="456789012345678", ean="5790001234560")
    child = children.register_child(ws=ws, first_name="Bo Erik", last_name="Øby", cpr="050512-4011", gp=gp,
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
    give_consent(ws, child, on=date(2026, 3, 8), kind="share", party="gp")
    return child


def _message(ws, kind: str) -> dict:
    own_sender()
    if kind == "guided":
        prepared = letters.prepare_guided(ws=ws, child_id=_guided_child(ws).id)
    else:
        _child, course = build(ws)
        prepared = letters.preview(ws=ws, course_id=course.id, kind=kind)
    return letters.medcom_message(ws=ws, prepared=prepared)


@pytest.fixture(scope="module")
def messages(template_db, tmp_path_factory) -> dict[str, dict]:
    """The three letters' files, built once (the pathway behind them takes a while)."""
    import os
    import shutil

    from behandlerklient.security import keyfile as kf
    from behandlerklient.services.workspace import workspace
    from tests.conftest import PASSPHRASE, USERNAME

    out, before = {}, os.environ.get("BEHANDLERKLIENT_CONFIG_DIR")
    for kind in KINDS:
        folder = tmp_path_factory.mktemp(f"medcom-{kind}")
        db = folder / "journal.db"
        shutil.copy2(template_db, db)
        shutil.copy2(kf.keyfile_path(template_db), kf.keyfile_path(db))
        os.environ["BEHANDLERKLIENT_CONFIG_DIR"] = str(folder / "config")
        ws = workspace.unlock(path=db, passphrase=PASSPHRASE, username=USERNAME)
        try:
            out[kind] = _message(ws, kind)
        finally:
            ws.close()
            if before is None:
                del os.environ["BEHANDLERKLIENT_CONFIG_DIR"]
            else:
                os.environ["BEHANDLERKLIENT_CONFIG_DIR"] = before
    return out


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("rule", [name for name, _check in mc.RULES])
def test_every_letter_keeps_every_rule(messages, kind, rule) -> None:
    check = dict(mc.RULES)[rule]
    assert check(messages[kind]) == []


def _break(path: str, value):  # noqa: ANN001, ANN202 - a small mutation language: Type.key.key=value
    def mutate(b: dict) -> None:
        kind, *keys = path.split(".")
        node = mc.resources(b, kind)[0] if kind != "Bundle" else b
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        if value is KeyError:
            del node[keys[-1]]
        else:
            node[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value
    return mutate


BREAKS = [
    ("messaging-message", _break("Bundle.id", KeyError)),
    ("messaging-1+cc-1", lambda b: b["entry"].reverse()),
    ("messaging-2+cc-3", _break("Provenance.meta.profile", ["http://example.org/other"])),
    ("cc-2", lambda b: b["entry"].append(copy.deepcopy(b["entry"][1]))),
    ("cc-4+cc-8", _break("Practitioner.name", [{"text": "Anna Åberg"}])),
    ("cc-13", _break("PractitionerRole.practitioner", KeyError)),
    ("cc-7", _break("PractitionerRole.code", [{"text": ""}])),
    ("cc-9+11+12+15", _break("Communication.encounter", {"reference": "x"})),
    ("bundled-references", _break("MessageHeader.sender",
                                  {"reference": "https://medcomfhir.dk/ig/carecommunication/Organization/x"})),
    ("message-header", _break("MessageHeader.definition", "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/"
                                                          "MedComCareCommunicationMessageDefinition|4.0")),
    ("communication", _break("Communication.identifier", [{"value": "brev-1"}])),
    ("payload-string", lambda b: mc.one(b, "Communication")["payload"][0]["extension"].pop()),
    ("payload-attachment", _break("Communication.payload.1.contentAttachment.title", "Tilbagemelding.pdf")),
    ("provenance", _break("Provenance.entity", [])),
    ("messaging-organization", _break("Organization.identifier.1.system", "urn:oid:1.3.88")),
    ("messaging-organization", _break("Organization.identifier.1.value", "5790001234567")),
    ("messaging-organization", _break("Organization.meta.profile", [mc.CORE + "medcom-core-organization"])),
    ("core-patient", _break("Patient.identifier.0.value", "0103167AB3")),  # an eCPR under the CPR OID
    ("narrative", _break("Patient.text", {"status": "empty", "div": "<div/>"})),
    ("shall-in-narrative", _break("Organization.text.div", '<div xmlns="http://www.w3.org/1999/xhtml">Læge</div>')),
    ("narrative-paragraphs", lambda b: mc.one(b, "Communication")["text"].update(
        div=mc.one(b, "Communication")["text"]["div"].replace("</p><p>", " "))),
    ("codes", _break("Communication.category.0.coding.0.code", "psykologi")),
    ("codes", _break("Communication.category.0.coding.0.system", "urn:oid:1.2.208.176.2.1")),
    ("codes", _break("Provenance.activity.coding.0.code", "retract-message")),
    ("codes", _break("Provenance.activity.coding.0.system", "http://example.org/activities")),
    ("codes", _break("MessageHeader.destination.0.extension.0.valueCoding.system", "http://example.org/use")),
    ("codes", _break("Communication.payload.1.contentAttachment.contentType", "application/msword")),
    ("profiles", _break("Patient.meta.profile", ["http://hl7.dk/fhir/core/StructureDefinition/dk-core-patient"])),
    ("profiles", _break("Communication.meta.profile", KeyError)),
    ("fhir-datatypes", _break("Patient.name.0.given", [""])),
    ("fhir-datatypes", _break("Provenance.recorded", "2026-03-01T12:00:00")),
    ("fhir-datatypes", _break("Practitioner.id", "a b")),
    ("fhir-datatypes", _break("Communication.payload.1.contentAttachment.data", "ikke base64!")),
    ("fhir-datatypes", lambda b: b["entry"].append(copy.deepcopy(b["entry"][5]))),
    ("narrative-xhtml", _break("Practitioner.text.div", '<div xmlns="http://www.w3.org/1999/xhtml"><p>Anna</div>')),
    ("narrative-xhtml", _break("Practitioner.text.div", '<div xmlns="http://www.w3.org/1999/xhtml"> </div>')),
    ("narrative-xhtml", _break("Practitioner.text.div",
                               '<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">Anna</p></div>')),
]


@pytest.mark.parametrize(("rule", "mutate"), BREAKS, ids=[f"{r}-{i}" for i, (r, _m) in enumerate(BREAKS)])
def test_each_check_catches_its_break(messages, rule, mutate) -> None:
    broken = copy.deepcopy(messages["end"])
    mutate(broken)
    assert dict(mc.RULES)[rule](broken), rule


def test_the_file_is_json_with_line_breaks_as_newlines(messages) -> None:
    text = json.dumps(messages["end"], ensure_ascii=False)
    payload = mc.one(messages["end"], "Communication")["payload"][0]["contentString"]
    assert "\n\n" in payload and "\\n\\n" in text  # paragraph breaks travel as \n in FHIR JSON


def test_gln_system_is_dk_cores_and_every_gln_passes_modulus_10(messages) -> None:
    for kind in KINDS:
        for org in mc.resources(messages[kind], "Organization"):
            gln = [i for i in org["identifier"] if i["system"] == "https://www.gs1.org/gln"]
            assert len(gln) == 1 and mc.gln_ok(gln[0]["value"]) and gln[0]["use"] == "official"
            assert not [i for i in org["identifier"] if i["system"] == "urn:oid:1.3.88"]


def test_attachment_title_is_the_letters_title_without_pdf(messages) -> None:
    attachment = mc.one(messages["end"], "Communication")["payload"][1]["contentAttachment"]
    assert attachment["title"] == "Tilbagemelding ved afslutning af forløb"


def test_practitioner_has_given_and_family_and_role_is_the_title(messages) -> None:
    assert mc.one(messages["end"], "Practitioner")["name"] == [{"use": "official", "family": "Åberg",
                                                                "given": ["Anna"]}]
    assert mc.one(messages["end"], "PractitionerRole")["code"] == [{"text": "Psykolog"}]


def _input(**changes) -> medcom.MessageInput:
    base = dict(cpr="0103164006", given="Åse", family="Ærenlund",
                sender=medcom.Party("Ærø Kommune", "265161000016000", "5790000209354"),
                receiver=medcom.Party("Lægehuset", "953741000016009", "5790001348120"), author_given="Anna",
                author_family="Åberg", author_role="Psykolog", author_phone="59666001", topic="Emne",
                text="Første afsnit.\n\nAndet afsnit\nmed linjeskift.", pdf=b"%PDF-1.4", pdf_title="Brev",
                sent_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    return medcom.MessageInput(**{**base, **changes})


@pytest.mark.parametrize(("number", "system"), [("0103167AB3", "urn:oid:1.2.208.176.1.6.1.1"),
                                                ("0103165AB3", "urn:oid:1.2.208.176.1.6.1.3")])
def test_replacement_numbers_use_the_ecpr_slices_not_the_cpr_oid(number, system) -> None:
    b = medcom.bundle(_input(cpr=number))
    assert mc.one(b, "Patient")["identifier"] == [{"use": "temp", "system": system, "value": number}]
    assert mc.violations(b) == []


def test_a_replacement_number_no_slice_fits_is_refused() -> None:
    with pytest.raises(RuleRefused, match="X-eCPR"):
        medcom.bundle(_input(cpr="0103164A12"))


@pytest.mark.parametrize(("change", "named"), [
    ({"author_role": ""}, "faggruppe"), ({"author_given": ""}, "fornavn og efternavn"),
    ({"pdf_title": "Brev.pdf"}, "uden filtype"), ({"sender": medcom.Party("K", "123", "5790000209354")}, "SOR"),
    ({"receiver": medcom.Party("L", "953741000016009", "5790001348121")}, "kontrolciffer"),
    ({"author_phone": ""}, "Telefonnummeret")])
def test_the_builder_refuses_what_breaks_a_rule(change, named) -> None:
    with pytest.raises(RuleRefused, match=named):
        medcom.bundle(_input(**change))


def test_narrative_keeps_paragraphs_and_line_breaks() -> None:
    div = mc.one(medcom.bundle(_input()), "Communication")["text"]["div"]
    assert "<p>Første afsnit.</p><p>Andet afsnit<br/>med linjeskift.</p>" in div


def test_example_sender_is_refused_for_a_medcom_file_but_not_for_the_pdf(ws, tmp_path) -> None:
    _child, course = build(ws)  # no own afsender.toml: the shipped example is used
    out = tmp_path / "ud"
    out.mkdir()
    with pytest.raises(RuleRefused, match="eksempel-afsenderen") as info:
        letters.export_gp_letter(ws=ws, course_id=course.id, kind="end", out=out / "b.pdf",
                                 medcom_out=out / "b.json")
    assert "afsender.toml" in info.value.message and "eksempel = true" in info.value.message
    assert not list(out.iterdir())
    letters.export_gp_letter(ws=ws, course_id=course.id, kind="end", out=out / "b.pdf")
    assert (out / "b.pdf").exists()


def test_no_medcom_file_without_the_authors_role_and_the_message_says_what_to_fill_in(ws, tmp_path) -> None:
    own_sender()
    _child, course = build(ws)
    ws.db.execute("UPDATE users SET title = '', profession = '' WHERE id = ?", (ws.user.id,))
    ws.user.title, ws.user.profession = "", ""
    with pytest.raises(RuleRefused, match="faggruppe eller stillingsbetegnelse") as info:
        letters.export_gp_letter(ws=ws, course_id=course.id, kind="end", out=tmp_path / "b.pdf",
                                 medcom_out=tmp_path / "b.json")
    assert "behandlerklient user profile" in info.value.message and "--profession" in info.value.message
    assert not (tmp_path / "b.json").exists()
    ws.user.profession = "psychologist"  # the profession alone names the role
    prepared = letters.preview(ws=ws, course_id=course.id, kind="end")
    assert mc.one(letters.medcom_message(ws=ws, prepared=prepared), "PractitionerRole")["code"] == [
        {"text": "Psykolog"}]


def test_a_send_time_without_time_zone_is_refused() -> None:
    """Bundle.timestamp and Provenance.recorded are instants and every MedCom date carries its zone: a naive time
    would be written without one, so the builder refuses it rather than guess."""
    with pytest.raises(RuleRefused, match="tidszone"):
        medcom.bundle(_input(sent_at=datetime(2026, 3, 1, 12, 0)))
