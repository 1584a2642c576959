"""The checks of a pulled record's envelope (sync.md, protocol step 4) as plain functions of its fields: the envelope
rebuilt in core/sync_envelope.py's canonical form, its hash, its author known, the author's Ed25519 signature
against the key the server registered. services/sync/received.py runs them in place; services/sync/page_checks.py
runs them for a large pull in a second process.

Why here, outside the services.sync package: the second process imports only this module, the canonical form and
security/ed25519 (about 120 ms), not the sync client (about 600 ms), and its jobs carry plain tuples, not the
client's classes."""

from __future__ import annotations

import base64
import hashlib
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Container
from typing import Any

from behandlerklient import hardening
from behandlerklient.core import canonical, sync_envelope
from behandlerklient.security import ed25519

# A record's envelope fields as bk.pull gives them: (uid, kind, child_uid, author, device, signed_at in envelope form,
# schema_version, payload, content_hash in hex, signature in base64)
Fields = tuple[str, str, "str | None", str, str, str, int, dict[str, Any], str, str]
Verdict = bytes | str  # the envelope bytes, checked; or the reason the record is refused


def holds_float(payload: Any) -> bool:
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


def envelope_bytes(uid: str, kind: str, child_uid: str | None, author: str, device: str, signed_at: str,
                   schema_version: int, payload: dict[str, Any]) -> bytes:
    """sync_envelope.envelope_bytes, the same bytes (tests/services/test_sync_apply_ahead.py checks it on every kind
    of record), with the faster float check above. ValueError for a float."""
    if holds_float(payload):
        raise ValueError("a synced payload holds a float, which has no canonical form")
    return canonical.encode({"v": sync_envelope.TAG, "uid": uid, "kind": kind, "child_uid": child_uid,
                             "author": author, "device": device, "signed_at": signed_at,
                             "schema_version": schema_version, "payload": payload})


def before_signature(fields: Fields, known: Container[str]) -> tuple[bytes, bytes] | str:
    """(the envelope bytes, the raw signature) if the envelope is well formed, its hash holds and its author is one
    of `known`; the reason it is refused otherwise."""
    try:
        body = envelope_bytes(*fields[:8])
    except (TypeError, ValueError):
        return "malformed"
    if hashlib.sha256(body).hexdigest() != fields[8]:
        return "bad_content_hash"
    if fields[3] not in known:
        return "unknown_signer"
    try:
        signature = base64.b64decode(fields[9])
    except ValueError:
        return "bad_signature"
    return body, signature


def verdict(fields: Fields, keys: dict[str, bytes]) -> Verdict:
    """The record's envelope if every check holds against `keys` (author -> raw Ed25519 public key)."""
    found = before_signature(fields, keys)
    if isinstance(found, str):
        return found
    body, signature = found
    return body if ed25519.verifier(keys[fields[3]])(signature, body) else "bad_signature"


def verdicts(chunk: list[Fields], keys: dict[str, bytes]) -> list[Verdict]:
    """A job of the check process: each record's verdict, in order."""
    return [verdict(fields, keys) for fields in chunk]


def worker_start() -> None:
    """The check process's first act: hardened as the app is (it holds records in memory: no core file, not
    attachable), and gone as soon as the app is, even killed (its queue's pipe stays open in the worker itself, so
    it would wait for work for ever, records in memory)."""
    hardening.disable_core_dumps()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True, name="bk-parent-watch").start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)


def ready() -> bool:
    """A job that only makes the check process import what its jobs need, while the first page is still fetched."""
    return ed25519.verifier(bytes(32)) is not None
