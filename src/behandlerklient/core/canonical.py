"""The exact bytes a signature covers (docs/signatures.md): versioned, canonical, UTF-8 JSON.

Canonical means one byte string per value: keys sorted, no whitespace, no ASCII escaping, integers and
strings and null only (no floats, whose text form is not unique). Every payload starts with a version tag
and names its type, so a signature over one kind of payload can never be replayed as another.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

VERSION = 1
TAG = "behandlerklient-signatur-v1"


# One encoder for every payload: json.dumps with these options builds a new one per call, and verify encodes
# hundreds of thousands of payloads.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def encode(value: dict[str, Any]) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or value is None:  # the common case first: exact types, no bool
        return value
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"a signed column holds a {type(value).__name__}, which has no canonical form")


def record(*, kind: str, record_id: int, author: int | None, signed_at: str, corrects: int | None,
           content: dict[str, Any]) -> bytes:
    """A signed record: its table (`kind`), id, author, signing time, what it corrects, and its columns."""
    return encode({"v": TAG, "type": "record", "kind": kind, "id": record_id, "author": author,
                   "signed_at": signed_at, "corrects": corrects,
                   "content": {name: _plain(value) for name, value in content.items()}})


def digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def seal(*, key_id: int, signed_at: str, records: list[tuple[str, int, str]],
         audit: list[tuple[int, int, str]], prev: str, role: str = "author") -> bytes:
    """What one signature covers: records as (kind, id, sha256 of `record(...)`), sorted; audit rows as
    (id, user id, chain hash), sorted; the chain hash already covers the row and every row before it. `prev`
    is the digest of the same key's previous seal: signing this one vouches for all of them."""
    return encode({"v": TAG, "type": "seal", "role": role, "key": key_id, "signed_at": signed_at, "prev": prev,
                   "records": sorted([list(r) for r in records]), "audit": sorted([list(a) for a in audit])})


def key_registration(*, user_id: int, username: str, public_key: str, registered_by: int,
                     registered_at: str) -> bytes:
    return encode({"v": TAG, "type": "key", "user": user_id, "username": username, "public_key": public_key,
                   "registered_by": registered_by, "registered_at": registered_at})


ENVELOPE_TAG = "behandlerklient-envelope-v1"


def envelope(*, uid: str, kind: str, child: str | None, author: str, device: str, signed_at: str,
             payload: dict[str, Any]) -> bytes:
    """A signed record as it leaves the device (sync outbox): global references only, so the server and every
    other laptop can check its hash and its author's signature without this installation's ids."""
    return encode({"v": ENVELOPE_TAG, "type": "envelope", "uid": uid, "kind": kind, "child": child,
                   "author": author, "device": device, "signed_at": signed_at,
                   "payload": {name: _plain(value) for name, value in payload.items()}})
