"""The laptop's push cuts each record's wire text from its envelope's canonical text (issue 14: a first upload sends
every record the laptop holds): it says exactly what item_of's object says, whatever the payload holds."""

from __future__ import annotations

import json
from typing import Any

from behandlerklient.core import sync_envelope
from behandlerklient.services.sync.push import item_of, item_text


def _row(payload: dict[str, Any]) -> dict[str, str]:
    fields: dict[str, Any] = {"uid": "0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b", "kind": "sessions",
                              "child_uid": "0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5c", "author": "t01",
                              "device": "0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5d",
                              "signed_at": "2026-11-23T10:00:00.000000Z", "schema_version": 1, "payload": payload}
    body = sync_envelope.envelope_bytes(**fields)
    return {"envelope": body.decode("utf-8"), "content_hash": "ab" * 32, "signature": "c2lnbmF0dXI=" * 8}


def test_the_wire_text_is_the_item_with_its_hash_and_signature() -> None:
    payloads: list[dict[str, Any]] = [
        {"text": "Barnet fortalte \"om\" ugen, æøå", "v": "ikke versionen", "z": {"v": 2}}, {},
        {"parts": [1, None, {"a": "}"}]}]
    for payload in payloads:
        row = _row(payload)
        text = item_text(row)
        assert json.loads(text) == item_of(row)
        assert "behandlerklient-sync-v1" not in text


def test_an_envelope_written_in_another_form_is_parsed_and_written_again() -> None:
    row = _row({"text": "x"})
    spaced = {**row, "envelope": json.dumps(json.loads(row["envelope"]), indent=1)}
    assert json.loads(item_text(spaced)) == item_of(row)
