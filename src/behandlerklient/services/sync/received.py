"""A pulled record as bk.pull returns it, and the checks of its envelope (sync.md, protocol step 4): rebuilt from the
server's columns (core/sync_envelope.py), its hash and its author's Ed25519 signature against the public key the
server registered. Used by the applier (services/sync/apply.py) and by the page's checks ahead
(services/sync/page_checks.py)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Protocol

from behandlerklient.security import ed25519
from behandlerklient.services.signatures import envelope_checks

LOCAL_ROLES = {"therapist": "therapist", "supervisor": "supervisor", "coordinator": "coordinator"}


@dataclass(frozen=True)
class RetiredKey:
    """A signing key the server's administrator replaced (server migrations 0019, 0021: a lost or stolen laptop)."""

    public_key: bytes  # raw Ed25519
    last_seq: int  # the highest record seq when it was retired: the server took nothing it signed after that
    released: frozenset[str] = frozenset()  # uids of records it signed that an administrator released later


@dataclass(frozen=True)
class Staff:
    username: str
    role: str
    full_name: str
    public_key: bytes  # raw Ed25519: the registered key
    retired: tuple[RetiredKey, ...] = ()

    def keys_for(self, rec: Received) -> list[bytes]:
        """The keys that may have signed `rec`: the one registered when it reached the server (the first key retired
        at a seq not below the record's, else the registered one), then a retired key that an administrator released
        it under (an item quarantined before the replacement, checked against the key the server received it under).
        Nothing else: a retired key proves nothing newer, whatever date the record gives (the signer chooses it), so
        a stolen laptop's key cannot sign records that other laptops accept."""
        arrival = next((k.public_key for k in self.retired if rec.seq <= k.last_seq), self.public_key)
        return [arrival, *(k.public_key for k in self.retired if rec.uid in k.released and k.public_key != arrival)]


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


def _envelope_bytes(rec: Received) -> bytes:
    """sync_envelope.envelope_bytes(**rec.fields()), the same bytes (services/signatures/envelope_checks.py)."""
    return envelope_checks.envelope_bytes(rec.uid, rec.kind, rec.child_uid, rec.author, rec.device, rec.signed_at,
                                          rec.schema_version, rec.payload)


def fields_of(rec: Received) -> envelope_checks.Fields:
    """The record's envelope fields as services/signatures/envelope_checks.py takes them."""
    return (rec.uid, rec.kind, rec.child_uid, rec.author, rec.device, rec.signed_at, rec.schema_version,
            rec.payload, rec.content_hash, rec.signature)


def envelope_of(rec: Received, staff: dict[str, Staff]) -> tuple[bytes, bytes]:
    """(the envelope bytes, the raw signature) if the envelope is well formed, its hash holds and its author is
    known; Refused otherwise. The signature itself is checked by `check_envelope`."""
    found = envelope_checks.before_signature(fields_of(rec), staff)
    if isinstance(found, str):
        raise Refused(found)
    return found


def check_envelope(rec: Received, staff: dict[str, Staff], checked: bytes | None = None) -> bytes:
    """The envelope bytes, if the hash and the author's signature hold; Refused otherwise. `checked`: the envelope
    of this very record, checked already in this page (an orphan retried when its parent came)."""
    if checked is not None:
        return checked
    body, signature = envelope_of(rec, staff)
    if _proving(staff[rec.author].keys_for(rec), signature, body) is None:
        raise Refused("bad_signature")
    return body


def proving_key(rec: Received, who: Staff, body: bytes) -> bytes:
    """The key `rec`'s signature holds under (checked already: `body` is its envelope), kept with the record's proof
    so `verify` checks it again. The registered key unless the author's key was ever replaced."""
    if not who.retired:
        return who.public_key
    keys = who.keys_for(rec)
    if len(keys) == 1:  # the one key it was checked against
        return keys[0]
    try:
        signature = base64.b64decode(rec.signature)
    except ValueError:
        signature = b""
    return _proving(keys, signature, body) or keys[0]


def _proving(keys: list[bytes], signature: bytes, body: bytes) -> bytes | None:
    for key in keys:
        if ed25519.verifier(key)(signature, body):
            return key
    return None


class Verdicts(Protocol):
    """A page's envelopes checked ahead (services/sync/page_checks.py): the envelope bytes if they hold, the reason
    they are refused otherwise, None for a record not checked ahead."""

    def of(self, rec: Received) -> bytes | str | None: ...

    def row_of(self, rec: Received) -> str | None:
        """The row's fields checked ahead (services/exchange/pulled_rows.py): "" if they hold, the problem if not,
        None if not checked ahead."""
