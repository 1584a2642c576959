"""The exact bytes a signature covers (docs/signatures.md): versioned, canonical, UTF-8 JSON.

Canonical means one byte string per value: keys sorted, no whitespace, no ASCII escaping, integers and
strings and null only (no floats, whose text form is not unique). Every payload starts with a version tag
and names its type, so a signature over one kind of payload can never be replayed as another.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from json.encoder import encode_basestring as _quote  # the very escaper the encoder below uses for every str
from typing import Any

VERSION = 1
TAG = "behandlerklient-signatur-v1"


# One encoder for every payload: json.dumps with these options builds a new one per call, and verify encodes
# hundreds of thousands of payloads.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def encode(value: dict[str, Any]) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


class Unusual(Exception):  # noqa: N818 - a signal, not an error: the caller takes the encoder's own path
    """A value the fast paths leave to the encoder itself (a float, bytes, a bool...)."""


def scalar(value: Any) -> str:
    """The JSON text the encoder writes for a str, an int or None (the values a signed column holds), built
    without it: verify encodes millions of them. Anything else raises Unusual."""
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    raise Unusual


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


_RECORD_TAIL = ',"type":"record","v":' + _quote(TAG) + "}"


class RecordShape:
    """`record()` for the rows of one table whose signatures cover the same columns: the same bytes, built from
    a row's values by position instead of through a dict per row (verify recomputes ~170,000 records at 10,000
    children). A value other than a str, an int or None goes through `record()` itself, so the bytes never
    differ; tests/core/test_canonical_fast.py holds the two to each other."""

    def __init__(self, *, kind: str, columns: Sequence[str], index: dict[str, int]) -> None:
        names = sorted(set(columns))  # what the encoder's sort_keys makes of the content dict
        self.kind = kind
        self._positions = [(name, index[name]) for name in names]  # KeyError: a column the row lacks
        self._fields = [(_quote(name) + ":", at) for name, at in self._positions]
        self._kind = ',"kind":' + _quote(kind) + ',"signed_at":'

    def payload(self, row: Sequence[Any], *, record_id: Any, author: Any, corrects: Any, signed_at: Any) -> bytes:
        try:
            text = ('{"author":' + scalar(author) + ',"content":{' + ",".join([key + scalar(row[at]) for key, at
                                                                               in self._fields])
                    + '},"corrects":' + scalar(corrects) + ',"id":' + scalar(record_id) + self._kind
                    + scalar(signed_at) + _RECORD_TAIL)
        except Unusual:
            return record(kind=self.kind, record_id=record_id, author=author, signed_at=signed_at, corrects=corrects,
                          content={name: row[at] for name, at in self._positions})
        return text.encode("utf-8")


def digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def seal(*, key_id: int, signed_at: str, records: list[tuple[str, int, str]],
         audit: list[tuple[int, int, str]], prev: str, role: str = "author") -> bytes:
    """What one signature covers: records as (kind, id, sha256 of `record(...)`), sorted; audit rows as
    (id, user id, chain hash), sorted; the chain hash already covers the row and every row before it. `prev`
    is the digest of the same key's previous seal: signing this one vouches for all of them."""
    try:  # the encoder's bytes without it (verify recomputes every seal); sorting tuples orders as lists do
        items = ["[" + ",".join([scalar(v) for v in item]) + "]" for item in sorted(tuple(a) for a in audit)]
        entries = ["[" + ",".join([scalar(v) for v in item]) + "]" for item in sorted(tuple(r) for r in records)]
        text = ('{"audit":[' + ",".join(items) + '],"key":' + scalar(key_id) + ',"prev":' + scalar(prev)
                + ',"records":[' + ",".join(entries) + '],"role":' + scalar(role) + ',"signed_at":' + scalar(signed_at)
                + ',"type":"seal","v":' + _quote(TAG) + "}")
        return text.encode("utf-8")
    except Unusual:
        pass
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
