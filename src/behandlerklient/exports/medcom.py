"""A letter to the GP as a MedCom CareCommunication message (FHIR R4 Bundle of type 'message', IG 5.0.x), for the
municipality's certified system to send. Built from plain data; the PDF travels as an attachment.

The rules it keeps are those of dk-medcom-carecommunication 5.0.4 and what it depends on (dk-medcom-messaging 4.0.x,
dk-medcom-core 3.0.1, HL7 Denmark's dk-core 3.4.0); docs/medcom.md lists each rule with the test that holds it.
`problems` names in Danish what keeps a message from meeting them; `bundle` refuses to build one that would not."""

from __future__ import annotations

import base64
import html
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from behandlerklient.core import identifiers
from behandlerklient.core.errors import RuleRefused

BASE = "https://medcomfhir.dk/ig/carecommunication"
PROFILE = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/"
CORE = "http://medcomfhir.dk/ig/core/StructureDefinition/"
MESSAGING = "http://medcomfhir.dk/ig/messaging/StructureDefinition/"
CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
X_ECPR_SYSTEM = "urn:oid:1.2.208.176.1.6.1.1"
D_ECPR_SYSTEM = "urn:oid:1.2.208.176.1.6.1.3"  # dk-core's DkCoreDeCPRCodes: D-eCPR, issuer not named
SOR_SYSTEM = identifiers.SOR_SYSTEM
GLN_SYSTEM = identifiers.GLN_SYSTEM
SOR_ENDPOINT = "https://sor2.sum.dsdn.dk/#id="
EVENTS = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes"
CATEGORIES = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-careCommunication-categoryCodes"
ACTIVITIES = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-activityCodes"
DESTINATION_USE = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-destinationUse"
DEFINITION = "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition|5.0"
CATEGORY = "psychiatry-social-disability"
# dk-core 3.4.0's invariants: cpr (a real date, ten digits), x-ecpr (7th character 1 or 7), d-ecpr (0, 5 or 6).
_DATE = r"((0[1-9]|[12][0-9]|3[01])(01|03|05|07|08|10|12)|(0[1-9]|[12][0-9]|30)(04|06|09|11)|(0[1-9]|1[0-9]|2[0-9])02)"
CPR_PATTERN = re.compile(rf"^{_DATE}[0-9]{{6}}$")
X_ECPR_PATTERN = re.compile(rf"^{_DATE}[0-9]{{2}}[17][A-Z]{{2}}[0-9]$")
D_ECPR_PATTERN = re.compile(rf"^{_DATE}[0-9]{{2}}[056][A-Z]{{2}}[0-9]$")


@dataclass(frozen=True)
class Party:
    name: str
    sor: str
    ean: str


@dataclass(frozen=True)
class MessageInput:
    cpr: str  # ten characters: a CPR number, or a replacement number (eCPR) with letters
    given: str
    family: str
    sender: Party  # the municipality
    receiver: Party  # the GP clinic
    author_given: str
    author_family: str
    author_role: str  # the author's title or profession (PractitionerRole.code.text)
    author_phone: str
    topic: str
    text: str
    pdf: bytes
    pdf_title: str  # the letter's title: no ".pdf" (MedCom: the system never adds a file type to it)
    sent_at: datetime
    address: str = ""
    postcode: str = ""
    city: str = ""


def patient_identifier(cpr: str) -> dict[str, str] | None:
    """The dk-core identifier slice a number belongs in: cpr, x-ecpr or d-ecpr; None when it fits none."""
    if CPR_PATTERN.match(cpr):
        return {"use": "official", "system": CPR_SYSTEM, "value": cpr}
    if X_ECPR_PATTERN.match(cpr):
        return {"use": "temp", "system": X_ECPR_SYSTEM, "value": cpr}
    if D_ECPR_PATTERN.match(cpr):
        return {"use": "temp", "system": D_ECPR_SYSTEM, "value": cpr}
    return None


def problems(m: MessageInput) -> list[str]:
    """What keeps this message from meeting MedCom's rules, in Danish; empty when it meets them."""
    found = []
    if patient_identifier(m.cpr) is None:
        found.append("Barnets CPR-nummer er hverken et CPR-nummer eller et erstatningsnummer i X-eCPR- eller "
                     "D-eCPR-format (DDMMÅÅ, to cifre, 1/7 eller 0/5/6, to store bogstaver, et ciffer).")
    if not m.family.strip():
        found.append("Barnets efternavn mangler.")
    for who, party in (("Afsenderen (afsender.toml)", m.sender), ("Egen læge", m.receiver)):
        if not party.sor or not party.ean:
            found.append(f"{who} mangler SOR-id eller EAN-nummer.")
        found += identifiers.number_problems(sor=party.sor, ean=party.ean, who=who)
    if not (m.author_given.strip() and m.author_family.strip()):
        found.append("Behandlerens navn skal have både fornavn og efternavn (MedCom kræver begge).")
    if not m.author_role.strip():
        found.append("Behandlerens faggruppe eller stillingsbetegnelse mangler.")
    if not re.fullmatch(r"\+?[-0-9]+", m.author_phone):
        found.append("Telefonnummeret til afsenderen må kun have cifre (og + forrest).")
    if not m.text.strip():
        found.append("Brevets tekst er tom.")
    if not m.pdf_title.strip() or m.pdf_title.lower().endswith(".pdf"):
        found.append("Vedhæftningens titel skal være brevets titel uden filtype.")
    if m.sent_at.utcoffset() is None:  # Bundle.timestamp and Provenance.recorded are instants: never without zone
        found.append("Afsendelsestidspunktet mangler tidszone.")
    return found


def _id() -> str:
    return str(uuid.uuid4())


def _paragraphs(text: str) -> str:
    """The letter's own paragraphs (blank lines) as <p>, its single line breaks as <br/>: nothing run together."""
    parts = [p.strip("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + "<br/>".join(html.escape(line) for line in p.split("\n")) + "</p>" for p in parts)


def _rows(rows: list[tuple[str, str]]) -> str:
    return "".join(f"<p><b>{html.escape(label)}:</b> {html.escape(value)}</p>" for label, value in rows)


def _narrative(rows: list[tuple[str, str]], body: str = "") -> dict[str, str]:
    """Every element MedCom marks "SHALL:in-narrative" that the resource holds, as label: value."""
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{_rows(rows)}{body}</div>'}


def _ref(kind: str, rid: str) -> dict[str, str]:
    return {"reference": f"{BASE}/{kind}/{rid}"}


def _org(rid: str, party: Party) -> dict[str, Any]:
    return {"resourceType": "Organization", "id": rid,
            "meta": {"profile": [MESSAGING + "medcom-messaging-organization"]},
            "text": _narrative([("Id", rid), ("Navn", party.name), ("SOR-id", party.sor),
                                ("EAN-nummer (GLN)", party.ean)]),
            "identifier": [{"use": "official", "system": SOR_SYSTEM, "value": party.sor},
                           {"use": "official", "system": GLN_SYSTEM, "value": party.ean}],
            "name": party.name}


def bundle(m: MessageInput) -> dict[str, Any]:
    found = problems(m)
    if found:
        raise RuleRefused("MedCom-filen kan ikke laves: " + " ".join(found))
    ids = {k: _id() for k in ("header", "patient", "communication", "role", "practitioner", "sender", "receiver",
                              "provenance")}
    ref_text = {k: f"{kind}/{ids[k]}" for k, kind in (
        ("header", "MessageHeader"), ("patient", "Patient"), ("communication", "Communication"),
        ("role", "PractitionerRole"), ("practitioner", "Practitioner"), ("sender", "Organization"),
        ("receiver", "Organization"))}
    when = m.sent_at.isoformat(timespec="seconds")
    text_id, attachment_id = f"urn:uuid:{_id()}", f"urn:uuid:{_id()}"
    author = f"{m.author_given} {m.author_family}, {m.author_role} ({ref_text['role']})"
    header = {
        "resourceType": "MessageHeader", "id": ids["header"],
        "meta": {"profile": [PROFILE + "medcom-careCommunication-messageHeader"]},
        "text": _narrative([("Id", ids["header"]), ("Hændelse", "care-communication-message"),
                            ("Modtager", f"{m.receiver.name} ({ref_text['receiver']})"),
                            ("Modtagertype", "primary"), ("Modtagers endpoint", SOR_ENDPOINT + m.receiver.sor),
                            ("Afsender", f"{m.sender.name} ({ref_text['sender']})"),
                            ("Afsenders endpoint", SOR_ENDPOINT + m.sender.sor),
                            ("Fokus", ref_text["communication"])]),
        "eventCoding": {"system": EVENTS, "code": "care-communication-message"},
        "destination": [{"extension": [{"url": MESSAGING + "medcom-messaging-destinationUseExtension",
                                        "valueCoding": {"system": DESTINATION_USE, "code": "primary"}}],
                         "endpoint": SOR_ENDPOINT + m.receiver.sor, "receiver": _ref("Organization", ids["receiver"])}],
        "sender": _ref("Organization", ids["sender"]),
        "source": {"endpoint": SOR_ENDPOINT + m.sender.sor},
        "focus": [_ref("Communication", ids["communication"])],
        "definition": DEFINITION}
    identifier = patient_identifier(m.cpr)
    assert identifier is not None  # problems() refused it otherwise
    name: dict[str, Any] = {"use": "official", "family": m.family}
    if m.given.strip():
        name["given"] = [m.given]
    patient_rows = [("Id", ids["patient"]), ("CPR-nummer" if identifier["use"] == "official" else "Erstatnings-CPR",
                                             m.cpr), ("Efternavn", m.family), ("Fornavn", m.given)]
    patient: dict[str, Any] = {"resourceType": "Patient", "id": ids["patient"],
                               "meta": {"profile": [CORE + "medcom-core-patient"]},
                               "identifier": [identifier], "name": [name]}
    if m.address or m.postcode or m.city:
        address = {k: v for k, v in (("line", [m.address] if m.address else None), ("city", m.city or None),
                                     ("postalCode", m.postcode or None)) if v}
        patient["address"] = [address]
        patient_rows += [("Adresse", m.address), ("Postnummer", m.postcode), ("By", m.city)]
    patient["text"] = _narrative([r for r in patient_rows if r[1]])
    practitioner = {
        "resourceType": "Practitioner", "id": ids["practitioner"],
        "meta": {"profile": [CORE + "medcom-core-practitioner"]},
        "text": _narrative([("Id", ids["practitioner"]), ("Navn", f"{m.author_given} {m.author_family}")]),
        "name": [{"use": "official", "family": m.author_family, "given": m.author_given.split()}]}
    role = {
        "resourceType": "PractitionerRole", "id": ids["role"],
        "meta": {"profile": [CORE + "medcom-core-practitionerrole"]},
        "text": _narrative([("Id", ids["role"]), ("Behandler", f"{m.author_given} {m.author_family} "
                                                                f"({ref_text['practitioner']})"),
                            ("Organisation", f"{m.sender.name} ({ref_text['sender']})"), ("Rolle", m.author_role)]),
        "practitioner": _ref("Practitioner", ids["practitioner"]),
        "organization": _ref("Organization", ids["sender"]),
        "code": [{"text": m.author_role}]}
    phone = m.author_phone

    def segment(ident: str, *, contact: bool) -> list[dict[str, Any]]:
        ext: list[dict[str, Any]] = [{"url": CORE + "medcom-core-datetime-extension", "valueDateTime": when},
               {"url": CORE + "medcom-core-identifier-extension",
                "valueIdentifier": {"value": ident, "assigner": _ref("Organization", ids["sender"])}},
               {"url": CORE + "medcom-core-practitioner-extension",
                "valueReference": _ref("PractitionerRole", ids["role"])}]
        if contact:
            ext.append({"url": CORE + "medcom-core-contact-extension",
                        "valueContactPoint": {"system": "phone", "value": phone}})
        return ext

    communication = {
        "resourceType": "Communication", "id": ids["communication"],
        "meta": {"profile": [PROFILE + "medcom-careCommunication-communication"]},
        "text": _narrative([("Id", ids["communication"]), ("Status", "unknown"), ("Kategori", CATEGORY),
                            ("Patient", f"{m.given} {m.family} ({ref_text['patient']})"), ("Emne", m.topic),
                            ("Sendt", when), ("Forfatter", author), ("Telefon", phone)],
                           "<p><b>Meddelelse:</b></p>" + _paragraphs(m.text) + _rows([
                               ("Vedhæftning", m.pdf_title), ("Filtype", "application/pdf"), ("Oprettet", when),
                               ("Vedhæftet", when), ("Vedhæftet af", author)])),
        "identifier": [{"value": f"urn:uuid:{_id()}"}],
        "status": "unknown",
        "category": [{"coding": [{"system": CATEGORIES, "code": CATEGORY}]}],
        "topic": {"text": m.topic},
        "subject": _ref("Patient", ids["patient"]),
        "payload": [
            {"extension": segment(text_id, contact=True), "contentString": m.text},
            {"extension": segment(attachment_id, contact=False),
             "contentAttachment": {"contentType": "application/pdf", "title": m.pdf_title,
                                   "data": base64.b64encode(m.pdf).decode("ascii"), "creation": when}}]}
    provenance = {
        "resourceType": "Provenance", "id": ids["provenance"],
        "meta": {"profile": [PROFILE + "medcom-careCommunication-provenance"]},
        "text": _narrative([("Id", ids["provenance"]), ("Mål", ref_text["header"]), ("Tidspunkt", when),
                            ("Aktivitet", "new-message"), ("Aktør", f"{m.sender.name} ({ref_text['sender']})"),
                            ("Rolle", "source"), ("Meddelelsestekst", text_id), ("Vedhæftning", attachment_id)]),
        "target": [_ref("MessageHeader", ids["header"])],
        "occurredDateTime": when, "recorded": when,
        "activity": {"coding": [{"system": ACTIVITIES, "code": "new-message"}]},
        "agent": [{"who": _ref("Organization", ids["sender"])}],
        "entity": [{"role": "source", "what": {"identifier": {"value": text_id}}},
                   {"role": "source", "what": {"identifier": {"value": attachment_id}}}]}
    resources = [header, patient, communication, role, practitioner, _org(ids["receiver"], m.receiver),
                 _org(ids["sender"], m.sender), provenance]
    return {"resourceType": "Bundle", "id": _id(),
            "meta": {"profile": [PROFILE + "medcom-careCommunication-message"]},
            "type": "message", "timestamp": when,
            "entry": [{"fullUrl": f"{BASE}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources]}
