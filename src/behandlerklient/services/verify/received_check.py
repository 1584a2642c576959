"""`verify`'s check of records received from the sync server (schema 17): each was proven on arrival by its author's
Ed25519 signature over the sync envelope (services/sync/apply.py), and the envelope and the author's key as the
server registered it are kept in sync_received. Here the envelope's payload is rebuilt from the row as it is now,
so a received row rewritten afterwards no longer matches what its author signed. Findings name kind and id only."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from behandlerklient.storage import identity
from behandlerklient.storage.child_alias import ChildAliasRepository
from behandlerklient.storage.database import Database
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.outbox import OutboxRepository
from behandlerklient.storage.sync_state import SyncRepository


@dataclass
class ReceivedReport:
    keys: set[tuple[str, int]] = field(default_factory=set)  # (kind, record id) proven on arrival
    proven: int = 0
    bad: list[str] = field(default_factory=list)


def check(db: Database) -> ReceivedReport:
    report = ReceivedReport()
    repo = SyncRepository(db)
    if not repo.has_table():
        return report
    outbox, events = OutboxRepository(db), EventRepository(db)
    for r in repo.all_received():
        name = f"modtaget {r['kind']} (id {r['record_id']})"
        report.keys.add((r["kind"], r["record_id"]))
        body = r["envelope"].encode("utf-8")
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(r["public_key"])).verify(
                base64.b64decode(r["signature"]), body)
            signed = hashlib.sha256(body).hexdigest() == r["content_hash"]
        except (InvalidSignature, binascii.Error, ValueError):
            signed = False
        if not signed:
            report.bad.append(f"{name}: passer ikke til forfatterens signatur")
            continue
        try:
            now = events.global_row(r["record_id"]) if r["kind"] == "events" else outbox.global_row(r["kind"],
                                                                                                   r["record_id"])
        except StopIteration:
            now = None
        if now is None:
            report.bad.append(f"{name}: er slettet")
            continue
        # A course's status, a review's decision, a child's master data: columns the fold of the record's events
        # writes (events received or made here) may differ from what the author first sent, but only as the fold.
        expected = {**json.loads(body)["payload"], **events.folded_columns(r["kind"], r["record_id"])}
        if expected != now and not _merged_twins(db, r["kind"], expected, now):
            report.bad.append(f"{name}: er ændret efter modtagelsen")
            continue
        report.proven += 1
    _frames(db, report)
    _merge_decisions(db, report)
    return report


def _frames(db: Database, report: ReceivedReport) -> None:
    """A supervisor's session frames (services/sync/frames.py): unsigned review metadata from the server, checked
    against what the server sent; the signature check passes them by as it passes received records."""
    from behandlerklient.services.sync.frames import check_frames

    keys, bad = check_frames(db)
    report.keys |= keys
    report.bad.extend(bad)


def _merge_decisions(db: Database, report: ReceivedReport) -> None:
    """The coordinators' merge decisions received in the pull (services/sync/merge_decision.py)."""
    from behandlerklient.services.sync import merge_decision

    proven, bad = merge_decision.check(db)
    report.proven += proven
    report.bad.extend(bad)


def _merged_twins(db: Database, kind: str, signed: dict[str, object], now: dict[str, object]) -> bool:
    """The row differs from what its author signed only in child references that name the two uids of one child
    registered twice and merged by a coordinator's checked decision (services/sync/merge.py): the row points at the
    child held here, the author wrote the twin's uid."""
    if set(signed) != set(now):
        return False
    if kind == "events":  # its child, and a child's master data its subject (apply.Applier._under_held_child)
        refs = {"child_uid": "children", **({"subject_uid": "children"} if signed.get("aggregate") == "child" else {})}
    else:
        refs = dict(identity.TABLES).get(kind, {})
    aliases = ChildAliasRepository(db)
    for col in (c for c in signed if signed[c] != now[c]):
        a, b = signed[col], now[col]
        if refs.get(col) != "children" or not isinstance(a, str) or not isinstance(b, str):
            return False
        if aliases.child_id(a) is None or aliases.child_id(a) != aliases.child_id(b):
            return False
    return True
