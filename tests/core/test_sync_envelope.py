"""The synced record's signed bytes: one canonical form, UTC times with microseconds, no floats."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from behandlerklient.core import sync_envelope

FIELDS = {"uid": "0190e1c2-0000-7000-8000-000000000001", "kind": "sessions",
          "child_uid": "0190e1c2-0000-7000-8000-000000000002", "author": "t01",
          "device": "0190e1c2-0000-7000-8000-000000000003", "signed_at": "2026-11-30T09:00:00.000000Z",
          "schema_version": 1, "payload": {"b": "Æble", "a": [1, None, True]}}


def test_the_envelope_is_canonical_json_with_a_version_tag():
    body = sync_envelope.envelope_bytes(**FIELDS)
    assert body.startswith(b'{"author":"t01","child_uid":') and "Æble".encode() in body and b" " not in body
    assert b'"v":"behandlerklient-sync-v1"' in body


def test_signed_at_is_written_in_utc_with_microseconds():
    moment = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert sync_envelope.format_time(moment) == "2026-11-30T09:00:00.000000Z"
    with pytest.raises(ValueError, match="time zone"):
        sync_envelope.format_time(dt.datetime(2026, 11, 30, 10, 0))


def test_a_float_anywhere_in_the_payload_is_refused():
    with pytest.raises(ValueError, match="float"):
        sync_envelope.envelope_bytes(**{**FIELDS, "payload": {"score": [1.5]}})


def test_the_wire_item_carries_hash_and_signature_of_those_bytes():
    item = sync_envelope.wire_item(FIELDS, lambda body: bytes(64))
    assert item["content_hash"] == hashlib.sha256(sync_envelope.envelope_bytes(**FIELDS)).hexdigest()
    assert item["signature"] == "A" * 86 + "=="
