"""The end-of-course letter as a MedCom CareCommunication message (FHIR R4 Bundle of type 'message', IG 5.0.x),
for the municipality's certified system to send. Built from plain data; the PDF travels as an attachment."""

from __future__ import annotations

import base64
import html
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

BASE = "https://medcomfhir.dk/ig/carecommunication"
PROFILE = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/"
CORE_EXT = "http://medcomfhir.dk/ig/core/StructureDefinition/"
CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
SOR_SYSTEM = "urn:oid:1.2.208.176.1.1"
EAN_SYSTEM = "urn:oid:1.3.88"
SOR_ENDPOINT = "https://sor2.sum.dsdn.dk/#id="
EVENTS = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes"
CATEGORIES = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-careCommunication-categoryCodes"
ACTIVITIES = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-activityCodes"
DESTINATION_USE = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-destinationUse"
DEFINITION = "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/MedComCareCommunicationMessageDefinition|5.0"
CATEGORY = "psychiatry-social-disability"


@dataclass(frozen=True)
class Party:
    name: str
    sor: str
    ean: str


@dataclass(frozen=True)
class MessageInput:
    cpr: str  # ten digits
    given: str
    family: str
    sender: Party  # the municipality
    receiver: Party  # the GP clinic
    therapist_name: str
    therapist_title: str
    therapist_phone: str
    topic: str
    text: str
    pdf: bytes
    pdf_title: str
    sent_at: datetime


def _id() -> str:
    return str(uuid.uuid4())


def _narrative(lines: list[str]) -> dict[str, str]:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _ref(kind: str, rid: str) -> dict[str, str]:
    return {"reference": f"{BASE}/{kind}/{rid}"}


def _org(rid: str, party: Party) -> dict[str, Any]:
    return {"resourceType": "Organization", "id": rid,
            "meta": {"profile": ["http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-organization"]},
            "text": _narrative([f"Organisation: {party.name}", f"SOR: {party.sor}", f"EAN: {party.ean}"]),
            "identifier": [{"system": SOR_SYSTEM, "value": party.sor}, {"system": EAN_SYSTEM, "value": party.ean}],
            "name": party.name}


def bundle(m: MessageInput) -> dict[str, Any]:
    ids = {k: _id() for k in ("header", "patient", "communication", "role", "practitioner", "sender", "receiver",
                              "provenance")}
    when = m.sent_at.isoformat(timespec="seconds")
    text_id, attachment_id = f"urn:uuid:{_id()}", f"urn:uuid:{_id()}"
    header = {
        "resourceType": "MessageHeader", "id": ids["header"],
        "meta": {"profile": [PROFILE + "medcom-careCommunication-messageHeader"]},
        "text": _narrative(["Besked: care-communication-message", f"Fra: {m.sender.name}", f"Til: {m.receiver.name}"]),
        "eventCoding": {"system": EVENTS, "code": "care-communication-message"},
        "destination": [{"extension": [{"url": "http://medcomfhir.dk/ig/messaging/StructureDefinition/medcom-messaging-destinationUseExtension",
                                        "valueCoding": {"system": DESTINATION_USE, "code": "primary"}}],
                         "endpoint": SOR_ENDPOINT + m.receiver.sor, "receiver": _ref("Organization", ids["receiver"])}],
        "sender": _ref("Organization", ids["sender"]),
        "source": {"endpoint": SOR_ENDPOINT + m.sender.sor},
        "focus": [_ref("Communication", ids["communication"])],
        "definition": DEFINITION}
    patient = {
        "resourceType": "Patient", "id": ids["patient"],
        "meta": {"profile": ["http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-patient"]},
        "text": _narrative([f"Patient: {m.given} {m.family}", f"CPR: {m.cpr}"]),
        "identifier": [{"system": CPR_SYSTEM, "value": m.cpr}],
        "name": [{"use": "official", "family": m.family, "given": [m.given]}]}
    practitioner = {
        "resourceType": "Practitioner", "id": ids["practitioner"],
        "meta": {"profile": ["http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-practitioner"]},
        "text": _narrative([f"Behandler: {m.therapist_name}"]),
        "name": [{"text": m.therapist_name}]}
    role = {
        "resourceType": "PractitionerRole", "id": ids["role"],
        "meta": {"profile": ["http://medcomfhir.dk/ig/core/StructureDefinition/medcom-core-practitionerrole"]},
        "text": _narrative([f"{m.therapist_name}, {m.therapist_title}"]),
        "practitioner": _ref("Practitioner", ids["practitioner"]),
        "code": [{"text": m.therapist_title}]}
    payload_ext = lambda ident: [  # noqa: E731 - one shape for both payloads
        {"url": CORE_EXT + "medcom-core-datetime-extension", "valueDateTime": when},
        {"url": CORE_EXT + "medcom-core-identifier-extension",
         "valueIdentifier": {"value": ident, "assigner": _ref("Organization", ids["sender"])}},
        {"url": CORE_EXT + "medcom-core-practitioner-extension", "valueReference": _ref("PractitionerRole", ids["role"])},
        {"url": CORE_EXT + "medcom-core-contact-extension",
         "valueContactPoint": {"system": "phone", "value": m.therapist_phone.replace(" ", "")}}]
    communication = {
        "resourceType": "Communication", "id": ids["communication"],
        "meta": {"profile": [PROFILE + "medcom-careCommunication-communication"]},
        "text": _narrative([f"Kategori: {CATEGORY}", f"Emne: {m.topic}", f"Dato: {when}",
                            f"Forfatter: {m.therapist_name}, {m.therapist_title}, tlf. {m.therapist_phone}", m.text,
                            f"Vedhæftet: {m.pdf_title}"]),
        "identifier": [{"value": f"urn:uuid:{_id()}"}],
        "status": "unknown",
        "category": [{"coding": [{"system": CATEGORIES, "code": CATEGORY}]}],
        "topic": {"text": m.topic},
        "subject": _ref("Patient", ids["patient"]),
        "payload": [
            {"extension": payload_ext(text_id), "contentString": m.text},
            {"extension": payload_ext(attachment_id)[:3],
             "contentAttachment": {"contentType": "application/pdf", "title": m.pdf_title,
                                   "data": base64.b64encode(m.pdf).decode("ascii"), "creation": when}}]}
    provenance = {
        "resourceType": "Provenance", "id": ids["provenance"],
        "meta": {"profile": [PROFILE + "medcom-careCommunication-provenance"]},
        "text": _narrative(["Aktivitet: new-message", f"Tidspunkt: {when}", f"Afsender: {m.sender.name}"]),
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
