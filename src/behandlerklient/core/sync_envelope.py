"""The bytes a synced record's signature covers (docs/server.md "The envelope").

One envelope per record: the server (bk.check_item, in PL/Python) and every receiving laptop rebuild these
exact bytes from the record's columns, hash them (content_hash = SHA-256) and check the author's Ed25519
signature over them. Canonical JSON as in core/canonical.py: keys sorted, no whitespace, UTF-8, no floats.
Times are UTC with microseconds and a Z, ids lowercase UUID text, so both sides format them the same way.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from behandlerklient.core import canonical

TAG = "behandlerklient-sync-v1"
FIELDS = ("uid", "kind", "child_uid", "author", "device", "signed_at", "schema_version", "payload")


def format_time(moment: datetime) -> str:
    """signed_at as the envelope writes it: UTC, microseconds, 'Z' (the server refuses any other form)."""
    if moment.tzinfo is None:
        raise ValueError("signed_at must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("a synced payload holds a float, which has no canonical form")
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list):
        for item in value:
            _no_floats(item)


def envelope_bytes(*, uid: str, kind: str, child_uid: str | None, author: str, device: str, signed_at: str,
                   schema_version: int, payload: dict[str, Any]) -> bytes:
    _no_floats(payload)
    return canonical.encode({"v": TAG, "uid": uid, "kind": kind, "child_uid": child_uid, "author": author,
                             "device": device, "signed_at": signed_at, "schema_version": schema_version,
                             "payload": payload})


def wire_item(fields: dict[str, Any], sign: Any) -> dict[str, Any]:
    """The JSON object bk.push takes for one record: its fields, content_hash (hex) and signature (base64).
    `sign` is a callable from bytes to a 64-byte Ed25519 signature (e.g. Ed25519PrivateKey.sign)."""
    body = envelope_bytes(**{name: fields[name] for name in FIELDS})
    return {**{name: fields[name] for name in FIELDS}, "content_hash": hashlib.sha256(body).hexdigest(),
            "signature": base64.b64encode(sign(body)).decode("ascii")}
