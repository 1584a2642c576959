"""A pulled record as bk.pull returns it, and the checks of its envelope (sync.md, protocol step 4): rebuilt from the
server's columns (core/sync_envelope.py), its hash and its author's Ed25519 signature against the public key the
server registered. Used by the applier (services/sync/apply.py) and by the page's checks ahead
(services/sync/page_checks.py)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Protocol

from behandlerklient.core import canonical, sync_envelope
from behandlerklient.security import ed25519

LOCAL_ROLES = {"therapist": "therapist", "supervisor": "supervisor", "coordinator": "coordinator"}


@dataclass(frozen=True)
class Staff:
    username: str
    role: str
    full_name: str
    public_key: bytes  # raw Ed25519


@dataclass
class Received:
    """One record as bk.pull returns it."""

    seq: int
    uid: str
    kind: str
    child_uid: str | None
    author: str
    device: str
    signed_at: str  # envelope form (sync_envelope.format_time)
    schema_version: int
    payload: dict[str, Any]
    content_hash: str  # hex
    signature: str  # base64

    def fields(self) -> dict[str, Any]:
        return {"uid": self.uid, "kind": self.kind, "child_uid": self.child_uid, "author": self.author,
                "device": self.device, "signed_at": self.signed_at, "schema_version": self.schema_version,
                "payload": self.payload}

    def as_json(self) -> str:
        return json.dumps({"seq": self.seq, **self.fields(), "content_hash": self.content_hash,
                           "signature": self.signature}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Received:
        data = json.loads(text)
        return cls(**{k: data[k] for k in ("seq", "uid", "kind", "child_uid", "author", "device", "signed_at",
                                           "schema_version", "payload", "content_hash", "signature")})


class Orphan(Exception):
    def __init__(self, missing: str) -> None:
        super().__init__(missing)
        self.missing = missing


class Refused(Exception):
    """A received record this laptop will not insert: the reason is stored with it in the quarantine."""


def _holds_float(payload: Any) -> bool:
    """sync_envelope's float check (a float anywhere in the dicts and lists of the payload), without a call per
    value: a pull page walks about 90,000 values, most of them str, int or None."""
    todo = [payload]
    while todo:
        value = todo.pop()
        kind = type(value)
        if kind is str or kind is int or value is None:
            continue
        if isinstance(value, float):
            return True
        if isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
    return False


def _envelope_bytes(rec: Received) -> bytes:
    """sync_envelope.envelope_bytes(**rec.fields()), the same bytes (tests/services/test_sync_apply_ahead.py checks
    it on every kind of record), with the faster float check above."""
    if _holds_float(rec.payload):
        raise ValueError("a synced payload holds a float, which has no canonical form")
    return canonical.encode({"v": sync_envelope.TAG, **rec.fields()})


def envelope_of(rec: Received, staff: dict[str, Staff]) -> tuple[bytes, bytes]:
    """(the envelope bytes, the raw signature) if the envelope is well formed, its hash holds and its author is
    known; Refused otherwise. The signature itself is checked by `check_envelope`."""
    try:
        body = _envelope_bytes(rec)
    except (TypeError, ValueError):
        raise Refused("malformed") from None
    if hashlib.sha256(body).hexdigest() != rec.content_hash:
        raise Refused("bad_content_hash")
    if rec.author not in staff:
        raise Refused("unknown_signer")
    try:
        signature = base64.b64decode(rec.signature)
    except ValueError:
        raise Refused("bad_signature") from None
    return body, signature


def check_envelope(rec: Received, staff: dict[str, Staff], checked: bytes | None = None) -> bytes:
    """The envelope bytes, if the hash and the author's signature hold; Refused otherwise. `checked`: the envelope
    of this very record, checked already in this page (an orphan retried when its parent came)."""
    if checked is not None:
        return checked
    body, signature = envelope_of(rec, staff)
    if not ed25519.verifier(staff[rec.author].public_key)(signature, body):
        raise Refused("bad_signature")
    return body


class Verdicts(Protocol):
    """A page's envelopes checked ahead (services/sync/page_checks.py): the envelope bytes if they hold, the reason
    they are refused otherwise, None for a record not checked ahead."""

    def of(self, rec: Received) -> bytes | str | None: ...
