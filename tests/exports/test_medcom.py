"""The CareCommunication file against the structure of MedCom's public examples
(medcomdk/dk-medcom-carecommunication, input/fsh/1st-message.fsh and 8-AllContent.fsh, IG 5.0.x)."""

import base64
import json

from behandlerklient.services import letters
from tests.exports.conftest import build

# What the examples contain: the message's resource types, in the bundle with MessageHeader first.
EXPECTED_TYPES = ["MessageHeader", "Patient", "Communication", "PractitionerRole", "Practitioner", "Organization",
                  "Organization", "Provenance"]
CORE = "http://medcomfhir.dk/ig/core/StructureDefinition/"


def _message(ws):
    _child, course = build(ws)
    prepared = letters.preview(ws=ws, course_id=course.id, kind="end")
    return letters.medcom_message(ws=ws, prepared=prepared), prepared


def _resources(bundle):
    return [e["resource"] for e in bundle["entry"]]


def test_bundle_shape_and_resource_types(ws) -> None:
    bundle, _ = _message(ws)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "message" and bundle["timestamp"]
    assert [r["resourceType"] for r in _resources(bundle)] == EXPECTED_TYPES
    # Every reference resolves inside the bundle (fullUrl), as a FHIR message requires.
    urls = {e["fullUrl"] for e in bundle["entry"]}
    text = json.dumps(bundle)
    refs = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert refs and refs <= urls


def test_every_resource_has_a_narrative(ws) -> None:
    bundle, _ = _message(ws)
    for r in _resources(bundle):
        assert r["text"]["status"] == "generated"
        assert r["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">'), r["resourceType"]


def test_identifier_systems(ws) -> None:
    bundle, _ = _message(ws)
    res = _resources(bundle)
    patient = next(r for r in res if r["resourceType"] == "Patient")
    assert patient["identifier"] == [{"system": "urn:oid:1.2.208.176.1.2", "value": "0103164006"}]
    for org in (r for r in res if r["resourceType"] == "Organization"):
        systems = {i["system"] for i in org["identifier"]}
        assert systems == {"urn:oid:1.2.208.176.1.1", "urn:oid:1.3.88"}
    communication = next(r for r in res if r["resourceType"] == "Communication")
    assert communication["identifier"][0]["value"].startswith("urn:uuid:")


def test_header_communication_and_provenance(ws) -> None:
    bundle, prepared = _message(ws)
    res = _resources(bundle)
    header, communication, provenance = res[0], res[2], res[-1]
    assert header["eventCoding"]["code"] == "care-communication-message"
    assert header["focus"][0]["reference"].endswith("/Communication/" + communication["id"])
    assert header["destination"][0]["endpoint"].endswith("456789012345678")  # the GP's SOR
    assert communication["category"][0]["coding"][0]["code"] == "psychiatry-social-disability"
    assert communication["topic"]["text"] == "Tilbagemelding ved afslutning af forløb"
    text_payload, attachment = communication["payload"]
    urls = {e["url"] for e in text_payload["extension"]}
    assert urls == {CORE + "medcom-core-datetime-extension", CORE + "medcom-core-identifier-extension",
                    CORE + "medcom-core-practitioner-extension", CORE + "medcom-core-contact-extension"}
    assert "Åse Ærenlund" in text_payload["contentString"]
    assert attachment["contentAttachment"]["contentType"] == "application/pdf"
    assert base64.b64decode(attachment["contentAttachment"]["data"]) == prepared.pdf
    assert provenance["activity"]["coding"][0]["code"] == "new-message"
    assert provenance["target"][0]["reference"].endswith("/MessageHeader/" + header["id"])
    payload_ids = {e["valueIdentifier"]["value"] for p in communication["payload"] for e in p["extension"]
                   if e["url"].endswith("identifier-extension")}
    assert {e["what"]["identifier"]["value"] for e in provenance["entity"]} == payload_ids
