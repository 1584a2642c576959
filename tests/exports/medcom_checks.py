"""MedCom's rules for a CareCommunication, each as a check that returns what breaks it (empty: kept).

Read from the profiles with `git show` in medcomdk/dk-medcom-carecommunication 5.0.4 (input/fsh), dk-medcom-messaging
4.0.1 (ig-release/4.0.1), dk-medcom-core 3.0.1 (ig-release/3.0.1) and hl7dk/dk-core 3.4.0; each check names the
profile and invariant or element rule it stands for (docs/medcom.md maps them to the tests)."""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own output, parsed to check it is well-formed
from collections.abc import Callable
from typing import Any

CC = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/"
CORE = "http://medcomfhir.dk/ig/core/StructureDefinition/"
MSG = "http://medcomfhir.dk/ig/messaging/StructureDefinition/"
UUID4 = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DATE = r"((0[1-9]|[12][0-9]|3[01])(01|03|05|07|08|10|12)|(0[1-9]|[12][0-9]|30)(04|06|09|11)|(0[1-9]|1[0-9]|2[0-9])02)"
DATETIME_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
Check = Callable[[dict[str, Any]], list[str]]


def resources(bundle: dict, kind: str | None = None) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if kind is None or e["resource"]["resourceType"] == kind]


def one(bundle: dict, kind: str) -> dict:
    found = resources(bundle, kind)
    assert len(found) == 1, kind
    return found[0]


def resolve(bundle: dict, ref: dict) -> dict | None:
    return next((e["resource"] for e in bundle["entry"] if e["fullUrl"] == ref.get("reference")), None)


def narrative_text(resource: dict) -> str:
    """The narrative as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", resource["text"]["div"]))


def gln_ok(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{13}", value):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(value[:12]))
    return (10 - total % 10) % 10 == int(value[12])


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


# --- each rule: (id, what it says, check) -------------------------------------------------------------------------

def bundle_message(b: dict) -> list[str]:  # MedComMessagingMessage: id 1.., type = message, timestamp 1..
    return [m for ok, m in ((b.get("id"), "Bundle.id mangler"), (b.get("type") == "message", "type er ikke message"),
                            (DATETIME_TZ.match(b.get("timestamp", "")), "timestamp mangler tidszone"),
                            (b["meta"]["profile"] == [CC + "medcom-careCommunication-message"], "Bundle-profil"))
            if not ok]


def header_first(b: dict) -> list[str]:  # medcom-messaging-1, medcom-careCommunication-1
    first = b["entry"][0]["resource"]
    ok = first["resourceType"] == "MessageHeader" and first["meta"]["profile"][0].startswith(
        CC + "medcom-careCommunication-messageHeader")
    return [] if ok else ["første entry er ikke CareCommunication-MessageHeader"]


def provenance_profile(b: dict) -> list[str]:  # medcom-messaging-2, medcom-careCommunication-3
    found = resources(b, "Provenance")
    bad = [p["id"] for p in found if not p["meta"]["profile"][0].startswith(CC + "medcom-careCommunication-provenance")]
    return (["ingen Provenance"] if not found else []) + [f"Provenance {i} har forkert profil" for i in bad]


def one_patient(b: dict) -> list[str]:  # medcom-careCommunication-2
    return [] if len(resources(b, "Patient")) == 1 else ["ikke præcis én Patient"]


def practitioner_name(b: dict) -> list[str]:  # medcom-careCommunication-4 (given and family), -8
    out = []
    for p in resources(b, "Practitioner"):
        for n in p.get("name", []) or [{}]:
            if not (n.get("family", "").strip() and [g for g in n.get("given", []) if g.strip()]):
                out.append("Practitioner.name mangler fornavn eller efternavn")
    return out or ([] if resources(b, "Practitioner") else ["ingen Practitioner"])


def role_practitioner(b: dict) -> list[str]:  # medcom-careCommunication-13
    return [f"PractitionerRole {r['id']} uden practitioner" for r in resources(b, "PractitionerRole")
            if not (r.get("practitioner", {}).get("reference") and resolve(b, r["practitioner"]))]


def role_code(b: dict) -> list[str]:  # medcom-careCommunication-7: code.coding.code xor code.text; no '' (FHIR)
    out = []
    for r in resources(b, "PractitionerRole"):
        codes = r.get("code") or [{}]
        for c in codes:
            has_code = any(x.get("code") for x in c.get("coding", []))
            has_text = bool(c.get("text", "").strip())
            if has_code == has_text:
                out.append("PractitionerRole.code skal have enten kode eller tekst")
    return out


def no_encounter(b: dict) -> list[str]:  # medcom-careCommunication-9, -15, -11, -12 (nothing optional half-sent)
    comm = one(b, "Communication")
    out = []
    if resources(b, "Encounter") or comm.get("encounter"):
        out.append("Encounter sendt uden episodeOfCare")
    if comm.get("recipient") or comm.get("extension"):
        out.append("specifik modtager/afsender uden organisationstjek")
    return out


def references_bundled(b: dict) -> list[str]:  # ^type.aggregation = #bundled: every reference is in the bundle
    text_refs = [v for v in _strings(b) if v.startswith("https://medcomfhir.dk/ig/carecommunication/")]
    urls = {e["fullUrl"] for e in b["entry"]}
    return [f"reference {r} peger uden for bundtet" for r in text_refs if r not in urls]


def message_header(b: dict) -> list[str]:  # MedComMessagingMessageHeader + MedComCareCommunicationMessageHeader
    h = one(b, "MessageHeader")
    out = []
    if h["eventCoding"] != {"system": "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes",
                            "code": "care-communication-message"}:
        out.append("eventCoding")
    dest = h.get("destination", [])
    uses = [e["valueCoding"]["code"] for d in dest for e in d.get("extension", [])
            if e["url"] == MSG + "medcom-messaging-destinationUseExtension"]
    if uses != ["primary"]:  # primary 1..1, cc ..0 in CareCommunication
        out.append("destination skal være én primary")
    for d in dest:
        target = resolve(b, d.get("receiver", {}))
        if not target or MSG + "medcom-messaging-organization" not in target["meta"]["profile"]:
            out.append("destination.receiver er ikke en MedComMessagingOrganization")
        if not d.get("endpoint"):
            out.append("destination.endpoint mangler")
    sender = resolve(b, h.get("sender", {}))
    if not sender or MSG + "medcom-messaging-organization" not in sender["meta"]["profile"]:
        out.append("sender er ikke en MedComMessagingOrganization")
    if not h.get("source", {}).get("endpoint"):
        out.append("source.endpoint mangler")
    focus = h.get("focus", [])
    if len(focus) != 1 or (resolve(b, focus[0]) or {}).get("resourceType") != "Communication":
        out.append("focus skal være præcis én Communication")
    if not re.match(r"^http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/"
                    r"MedComCareCommunicationMessageDefinition[|]5[.][0-9]{1,2}$", h.get("definition", "")):
        out.append("definition (medcom-carecommunication-definition-url)")
    return out


def communication(b: dict) -> list[str]:  # MedComCareCommunication elements; invariants -5, -6, medcom-uuidv4
    c = one(b, "Communication")
    out = []
    ids = c.get("identifier", [])
    if len(ids) != 1 or not UUID4.fullmatch(ids[0].get("value", "")):
        out.append("identifier skal være én urn:uuid v4")
    if c.get("status") != "unknown":
        out.append("status skal være unknown")
    cats = c.get("category", [])
    if len(cats) != 1 or len(cats[0].get("coding", [])) != 1 or not all(cats[0]["coding"][0].get(k)
                                                                       for k in ("system", "code")):
        out.append("category skal være én coding med system og code")
    code = cats[0]["coding"][0]["code"] if cats else ""
    if c.get("priority") and code != "regarding-referral":
        out.append("priority kun ved regarding-referral (-5)")
    if code == "other" and not c.get("topic"):
        out.append("topic kræves ved kategori other (-6)")
    if c.get("topic") and not c["topic"].get("text", "").strip():
        out.append("topic.text er tom")
    if (resolve(b, c.get("subject", {})) or {}).get("resourceType") != "Patient":
        out.append("subject er ikke bundtets Patient")
    return out


def _ext(payload: dict, name: str) -> list[dict]:
    return [e for e in payload.get("extension", []) if e["url"] == CORE + f"medcom-core-{name}-extension"]


def _segment_ids(b: dict, payload: dict) -> list[str]:
    out = []
    dates, idents, authors = _ext(payload, "datetime"), _ext(payload, "identifier"), _ext(payload, "practitioner")
    if len(dates) != 1 or not DATETIME_TZ.match(dates[0].get("valueDateTime", "")):
        out.append("payload: date (dato og tid med tidszone) 1..1")
    if len(idents) != 1 or not UUID4.fullmatch(idents[0]["valueIdentifier"].get("value", "")):
        out.append("payload: identifier 1..1, urn:uuid v4 (MedComAssignedIdentifier)")
    elif (resolve(b, idents[0]["valueIdentifier"].get("assigner", {})) or {}).get("resourceType") != "Organization":
        out.append("payload: identifier.assigner er ikke en Organization i bundtet")
    for a in authors:
        if (resolve(b, a["valueReference"]) or {}).get("resourceType") != "PractitionerRole":
            out.append("payload: author er ikke en PractitionerRole")
    return out


def payload_text(b: dict) -> list[str]:  # payload[string] 1..: content, date, identifier, author, authorContact
    texts = [p for p in one(b, "Communication")["payload"] if "contentString" in p]
    if not texts:
        return ["ingen payload med tekst"]
    out = []
    for p in texts:
        out += _segment_ids(b, p)
        if len(_ext(p, "practitioner")) != 1:
            out.append("payload[string]: author 1..1")
        contacts = _ext(p, "contact")
        if len(contacts) != 1 or contacts[0]["valueContactPoint"].get("system") != "phone" or not re.search(
                r"[+]?[-0-9]", contacts[0]["valueContactPoint"].get("value", "")):
            out.append("payload[string]: authorContact (telefon) 1..1 (medcom-core-contact)")
        if not p["contentString"].strip() or "\r" in p["contentString"]:
            out.append("payload[string]: tom tekst eller linjeskift som andet end \\n")
    return out


MIME = {"application/pdf"}  # what we send; within MedCom's medcom-core-attachmentMimeTypes


def payload_attachment(b: dict) -> list[str]:  # payload[attachment]: date, identifier, title 1.., no '.filetype'
    out = []
    for p in one(b, "Communication")["payload"]:
        if "contentAttachment" not in p:
            continue
        a = p["contentAttachment"]
        out += _segment_ids(b, p)
        if a.get("contentType") not in MIME or not a.get("data"):
            out.append("attachment: contentType og data skal være der")
        title = a.get("title", "")
        if not title.strip() or re.search(r"\.[A-Za-z0-9]{2,4}$", title):
            out.append(f"attachment.title {title!r}: påkrævet og uden filtype")
        if a.get("creation") and not DATETIME_TZ.match(a["creation"]):
            out.append("attachment.creation")
    return out


def provenance(b: dict) -> list[str]:  # MedComMessagingProvenance + MedComCareCommunicationProvenance
    p = one(b, "Provenance")
    out = []
    target = p.get("target", [])
    if len(target) != 1 or (resolve(b, target[0]) or {}).get("resourceType") != "MessageHeader":
        out.append("target skal være bundtets MessageHeader")
    if not DATETIME_TZ.match(p.get("occurredDateTime", "")) or not p.get("recorded"):
        out.append("occurredDateTime (med tidszone) og recorded")
    coding = p.get("activity", {}).get("coding", [])
    if len(coding) != 1 or coding[0].get("code") != "new-message" or not coding[0].get("system"):
        out.append("activity.coding: én new-message med system")
    agents = p.get("agent", [])
    header = one(b, "MessageHeader")
    if not agents or any(resolve(b, a["who"]) is not resolve(b, header["sender"]) for a in agents):
        out.append("agent.who skal være den afsendende MedComMessagingOrganization")
    payload_ids = {e["valueIdentifier"]["value"] for pl in one(b, "Communication")["payload"]
                   for e in _ext(pl, "identifier")}
    entity = p.get("entity", [])
    if any(e.get("role") != "source" for e in entity):  # closed slicing: payload (source), preceedingMessage (revision)
        out.append("entity: en ny besked har kun payload-entiteter (role source)")
    if {e["what"]["identifier"]["value"] for e in entity} != payload_ids:
        out.append("entity[payload] skal nævne hvert payload-identifier")
    return out


def organizations(b: dict) -> list[str]:  # MedComMessagingOrganization, dk-core SOR/GLN identifiers
    out = []
    for o in resources(b, "Organization"):
        if o["meta"]["profile"] != [MSG + "medcom-messaging-organization"]:
            out.append("Organization skal hævde medcom-messaging-organization")
        sor = [i for i in o["identifier"] if i.get("system") == "urn:oid:1.2.208.176.1.1"]
        gln = [i for i in o["identifier"] if i.get("system") == "https://www.gs1.org/gln"]
        if len(o["identifier"]) < 2 or len(sor) != 1 or len(gln) != 1:
            out.append("identifier: præcis ét SOR-ID og ét EAN-ID (https://www.gs1.org/gln)")
        for i in sor:
            if i.get("use", "official") != "official" or not re.fullmatch(r"[0-9]{11,}", i["value"]):
                out.append(f"SOR-ID {i['value']!r} (min-digits-sor, use official)")
        for i in gln:
            if i.get("use", "official") != "official" or not gln_ok(i["value"]):
                out.append(f"EAN-ID {i['value']!r} (gln-length, gln-modulus-10, use official)")
        if not o.get("name", "").strip():
            out.append("Organization.name")
    return out


def patient(b: dict) -> list[str]:  # MedComCorePatient, dk-core cpr / x-ecpr / d-ecpr slices
    p = one(b, "Patient")
    out = []
    for i in p["identifier"]:
        system, value = i.get("system"), i.get("value", "")
        if system == "urn:oid:1.2.208.176.1.2":
            ok = i.get("use") == "official" and re.fullmatch(rf"{DATE}[0-9]{{6}}", value)
        elif system == "urn:oid:1.2.208.176.1.6.1.1":
            ok = i.get("use") == "temp" and re.fullmatch(rf"{DATE}[0-9]{{2}}[17][A-Z]{{2}}[0-9]", value)
        elif system and system.startswith("urn:oid:1.2.208.176.1.6.1.3"):
            ok = i.get("use") == "temp" and re.fullmatch(rf"{DATE}[0-9]{{2}}[056][A-Z]{{2}}[0-9]", value)
        else:
            ok = False
        if not ok:
            out.append(f"Patient.identifier {system} {value!r} passer ikke til sin dk-core-slice")
    official = [n for n in p.get("name", []) if n.get("use") == "official"]
    if len(official) != 1 or not official[0].get("family", "").strip():
        out.append("name[official] med family 1..")
    return out


def narrative_present(b: dict) -> list[str]:  # "The narrative text SHALL always be included"
    out = []
    for r in resources(b):
        t = r.get("text", {})
        if t.get("status") != "generated" or not t.get("div", "").startswith('<div xmlns="http://www.w3.org/1999/xhtml">'):
            out.append(f"{r['resourceType']} mangler narrativ")
    return out


def _in_narrative(b: dict) -> dict[str, Callable[[dict], list[str]]]:
    """Per resource type: the values of the elements MedCom marks SHALL:in-narrative (ProducerShallPutInNarrative),
    as far as the resource holds them; references by the referenced resource's id."""
    def rid(ref: dict) -> str:
        target = resolve(b, ref)
        return target["id"] if target else "?"

    def header(h: dict) -> list[str]:
        d = h["destination"][0]
        return [h["id"], h["eventCoding"]["code"], d["endpoint"], rid(d["receiver"]), "primary", rid(h["sender"]),
                h["source"]["endpoint"], *[rid(f) for f in h["focus"]]]

    def comm(c: dict) -> list[str]:
        vals = [c["id"], c["status"], c["category"][0]["coding"][0]["code"], rid(c["subject"]), c["topic"]["text"]]
        for p in c["payload"]:
            vals += [e["valueDateTime"] for e in _ext(p, "datetime")]
            vals += [rid(e["valueReference"]) for e in _ext(p, "practitioner")]
            vals += [e["valueContactPoint"]["value"] for e in _ext(p, "contact")]
            if "contentAttachment" in p:
                a = p["contentAttachment"]
                vals += [a[k] for k in ("contentType", "url", "title", "creation") if k in a]
        return vals

    def prov(p: dict) -> list[str]:
        return [p["id"], *[rid(t) for t in p["target"]], p["occurredDateTime"], p["activity"]["coding"][0]["code"],
                *[rid(a["who"]) for a in p["agent"]], *[e["role"] for e in p["entity"]],
                *[e["what"]["identifier"]["value"] for e in p["entity"]]]

    def pat(p: dict) -> list[str]:
        n = p["name"][0]
        addr = [v for a in p.get("address", []) for v in (*a.get("line", []), a.get("city"), a.get("postalCode")) if v]
        return [p["id"], *[i["value"] for i in p["identifier"]], n["family"], *n.get("given", []), *addr]

    def org(o: dict) -> list[str]:
        return [o["id"], o["name"], *[i["value"] for i in o["identifier"]]]

    def pract(p: dict) -> list[str]:
        return [p["id"], *p["name"][0].get("given", []), p["name"][0]["family"]]

    def role(r: dict) -> list[str]:
        return [r["id"], rid(r["practitioner"]), rid(r["organization"]), *[c["text"] for c in r["code"]]]

    return {"MessageHeader": header, "Communication": comm, "Provenance": prov, "Patient": pat, "Organization": org,
            "Practitioner": pract, "PractitionerRole": role}


def narrative_shall(b: dict) -> list[str]:  # obligations SHALL:in-narrative of every profile used
    wanted = _in_narrative(b)
    out = []
    for r in resources(b):
        text = narrative_text(r)
        out += [f"{r['resourceType']}: {v!r} står ikke i narrativet" for v in wanted[r["resourceType"]](r)
                if str(v) not in text]
    return out


def narrative_paragraphs(b: dict) -> list[str]:  # payload[string].content in the narrative, its breaks kept
    c = one(b, "Communication")
    text = next(p["contentString"] for p in c["payload"] if "contentString" in p)
    div = c["text"]["div"]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    missing = [p for p in paragraphs if "<p>" + "<br/>".join(html.escape(x) for x in p.split("\n")) + "</p>" not in div]
    return [f"afsnittet {p[:30]!r} er ikke sit eget afsnit i narrativet" for p in missing]


RULES: list[tuple[str, Check]] = [
    ("messaging-message", bundle_message), ("messaging-1+cc-1", header_first), ("messaging-2+cc-3", provenance_profile),
    ("cc-2", one_patient), ("cc-4+cc-8", practitioner_name), ("cc-13", role_practitioner), ("cc-7", role_code),
    ("cc-9+11+12+15", no_encounter), ("bundled-references", references_bundled), ("message-header", message_header),
    ("communication", communication), ("payload-string", payload_text), ("payload-attachment", payload_attachment),
    ("provenance", provenance), ("messaging-organization", organizations), ("core-patient", patient),
    ("narrative", narrative_present), ("shall-in-narrative", narrative_shall), ("narrative-paragraphs",
                                                                                 narrative_paragraphs),
]


# --- codes, profiles and FHIR's own datatype rules (required bindings and fixed values the checks above left open) --

TERM = "http://medcomfhir.dk/ig/terminology/CodeSystem/"
# medcom-careCommunication-categoryCodes (terminology 2.0.1), the ValueSet `category from` binds to (required)
CATEGORY_CODES = {"alcohol-and-drug-treatment", "assistive-devices", "carecoordination", "decease", "discharge",
                  "examination-results", "healthcare", "home-care-assessment", "medicine", "nursing", "outpatient",
                  "psychiatry-social-disability", "regarding-referral", "telemedicine", "training", "acute-ambulant",
                  "extended-care-responsibility", "other"}
CC_ACTIVITIES = {"new-message", "reply-message", "forward-message"}  # medcom-careCommunication-messagingActivities
MIME_CODES = {"application/pdf", "image/gif", "image/jpeg", "image/png", "image/tiff", "image/bmp"}
PROFILES = {"MessageHeader": CC + "medcom-careCommunication-messageHeader",
            "Communication": CC + "medcom-careCommunication-communication",
            "Provenance": CC + "medcom-careCommunication-provenance",
            "Patient": CORE + "medcom-core-patient", "Practitioner": CORE + "medcom-core-practitioner",
            "PractitionerRole": CORE + "medcom-core-practitionerrole",
            "Organization": MSG + "medcom-messaging-organization"}


def codes(b: dict) -> list[str]:  # bindings and fixed systems: category, activity, destination use, MIME type
    out = []
    h, c, p = one(b, "MessageHeader"), one(b, "Communication"), one(b, "Provenance")
    for coding in (x for cat in c.get("category", []) for x in cat.get("coding", [])):
        if coding.get("system") != TERM + "medcom-careCommunication-categoryCodes" or coding.get(
                "code") not in CATEGORY_CODES:
            out.append(f"category {coding} er ikke fra MedComs kategorikoder")
    for coding in p.get("activity", {}).get("coding", []):
        if coding.get("system") != TERM + "medcom-messaging-activityCodes" or coding.get("code") not in CC_ACTIVITIES:
            out.append(f"Provenance.activity {coding} er ikke fra medcom-careCommunication-messagingActivities")
    for d in h.get("destination", []):
        for e in d.get("extension", []):
            if e.get("valueCoding", {}).get("system") != TERM + "medcom-messaging-destinationUse":
                out.append("destination use: valueCoding.system skal være medcom-messaging-destinationUse")
    for pl in c.get("payload", []):
        if "contentAttachment" in pl and pl["contentAttachment"].get("contentType") not in MIME_CODES:
            out.append("attachment.contentType er ikke i medcom-core-attachmentMimeTypes")
    return out


def profiles(b: dict) -> list[str]:  # each resource claims the profile the message's rules name for it
    return [f"{r['resourceType']} {r.get('id')} hævder {r.get('meta', {}).get('profile')}" for r in resources(b)
            if r.get("meta", {}).get("profile") != [PROFILES.get(r["resourceType"], "?")]]


FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def _empties(node: Any, path: str) -> list[str]:
    if isinstance(node, dict):
        return ([path] if not node else []) + [p for k, v in node.items() for p in _empties(v, f"{path}.{k}")]
    if isinstance(node, list):
        return ([path] if not node else []) + [p for i, v in enumerate(node) for p in _empties(v, f"{path}[{i}]")]
    return [path] if isinstance(node, str) and not node.strip() else []


def fhir_datatypes(b: dict) -> list[str]:  # FHIR R4: no empty values, ids, fullUrl type/id and unique, instants
    out = [f"tom værdi ved {p}" for p in _empties(b, "Bundle")]
    urls = [e["fullUrl"] for e in b["entry"]]
    if len(set(urls)) != len(urls):  # bdl-7: fullUrl unique within the Bundle
        out.append("to entries har samme fullUrl")
    for e in b["entry"]:
        r = e["resource"]
        if not FHIR_ID.match(r.get("id", "")) or not e["fullUrl"].endswith(f"/{r['resourceType']}/{r.get('id')}"):
            out.append(f"{r['resourceType']}: id eller fullUrl passer ikke")
    if not DATETIME_TZ.match(one(b, "Provenance").get("recorded", "")):
        out.append("Provenance.recorded er et instant: dato, tid og tidszone")
    for pl in one(b, "Communication").get("payload", []):
        data = pl.get("contentAttachment", {}).get("data")
        if data is not None:
            try:
                base64.b64decode(data, validate=True)
            except ValueError:
                out.append("attachment.data er ikke base64")
    return out


_XHTML = "{http://www.w3.org/1999/xhtml}"
_NOT_IN_NARRATIVE = {"script", "form", "input", "iframe", "object", "embed", "head", "body", "html", "base", "link",
                     "meta", "title", "style", "applet", "frame", "frameset", "button", "select", "textarea"}


def narrative_xhtml(b: dict) -> list[str]:  # FHIR txt-1 (well-formed XHTML, no active content), txt-2 (not empty)
    out = []
    for r in resources(b):
        try:
            root = ET.fromstring(r["text"]["div"])
        except ET.ParseError as e:
            out.append(f"{r['resourceType']}: narrativet er ikke gyldig XHTML ({e})")
            continue
        if root.tag != _XHTML + "div" or not "".join(root.itertext()).strip():
            out.append(f"{r['resourceType']}: narrativet er ikke en xhtml-div med tekst")
        bad = {el.tag.removeprefix(_XHTML) for el in root.iter()} & _NOT_IN_NARRATIVE
        bad |= {a for el in root.iter() for a in el.attrib if a.startswith("on")}
        if bad:
            out.append(f"{r['resourceType']}: narrativet har {sorted(bad)}")
    return out


RULES += [("codes", codes), ("profiles", profiles), ("fhir-datatypes", fhir_datatypes),
          ("narrative-xhtml", narrative_xhtml)]


def violations(bundle: dict) -> list[str]:
    return [f"{name}: {v}" for name, check in RULES for v in check(bundle)]
