"""What leaves this device for the sync server (sync.md, protocol step 1): one envelope per shared record, written
in the transaction that makes it final, signed by its author's Ed25519 key (core/sync_envelope.py: the bytes the
server and every receiving laptop check).

Three ways in. A signed record (services/signatures/seal.SIGNED) enters when it is signed, never as a draft. Every other
shared
record (master data, courses and their events, reviews, ratings, meetings: they have no draft state) enters at the
commit that inserted it, signed by its author column's user or, for tables without one, by the user who acted in
that transaction (the user of its audit rows). Rows whose author has no key unlocked here wait on the work list.
Every event appended here (a course's status, a review's decision or "seen", a fidelity rating, a child's master
data, ...; never a setting's) enters the same way, as a record of kind `<aggregate>_events` whose payload is the
event as the export writes it (global names only), so the receiving laptop folds it to the same current value.
The audit log is shared too, but its rows are pushed as per-device chains (a separate step), not from here.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from behandlerklient.core import sync_envelope
from behandlerklient.storage import users
from behandlerklient.storage.database import Database
from behandlerklient.storage.events import SYNC_KINDS, EventRepository
from behandlerklient.storage.outbox import OutboxRepository

SCHEMA_VERSION = 1  # of the envelope's payload (bk.schema_version on the server lists what it accepts)

# Shared tables that are not signed records, with the column naming their author (None: the acting user).
UNSIGNED_SHARED: dict[str, str | None] = {
    "gps": None, "children": "created_by", "guardians": None, "child_changes": "changed_by", "courses": "created_by",
    "course_changes": "author_id", "fidelity_ratings": "rater_id", "reviews": None,
    "supervision_meetings": "supervisor_id", "supervision_meeting_courses": None, "events": "author_id",
}

NOT_FROM_HERE = frozenset({"audit_log"})  # shared, but synced as device chains


def wire_time(at: str) -> str:
    """A local timestamp (ISO text) as the envelope writes signed_at."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return sync_envelope.format_time(moment)


# A signer is services.signatures.seal.Signer (user_id, key_id, private); typed loosely here so seal and outbox import
# one way.
Signer = Any


def write(db: Database, signer: Signer, kind: str, row: Any, at: str) -> None:
    """The record's envelope, signed by `signer`, into sync_outbox (in the caller's transaction)."""
    outbox = OutboxRepository(db)
    payload = outbox.global_row(kind, row["id"])
    author = users.username_of(db, signer.user_id) or ""
    fields = {"uid": row["uid"], "kind": kind, "child_uid": outbox.child_uid(kind, row), "author": author,
              "device": row["origin_device"], "signed_at": wire_time(at), "schema_version": SCHEMA_VERSION,
              "payload": payload}
    item = sync_envelope.wire_item(fields, signer.private.sign)
    body = sync_envelope.envelope_bytes(**{name: fields[name] for name in sync_envelope.FIELDS})
    outbox.add(uid=row["uid"], kind=kind, record_id=row["id"], child_uid=fields["child_uid"], author=author,
               sealed_at=at, envelope=body.decode("utf-8"), content_hash=item["content_hash"],
               signature=item["signature"])


def write_event(db: Database, signer: Signer, event_id: int, at: str) -> None:
    """An event's envelope, signed by `signer` (its author, or the user who acted), into sync_outbox."""
    payload = EventRepository(db).global_row(event_id)
    if payload is None:
        return
    author = users.username_of(db, signer.user_id) or ""
    fields = {"uid": payload["uid"], "kind": SYNC_KINDS[payload["aggregate"]], "child_uid": payload["child_uid"],
              "author": author, "device": payload["device"], "signed_at": wire_time(at),
              "schema_version": SCHEMA_VERSION, "payload": payload}
    item = sync_envelope.wire_item(fields, signer.private.sign)
    body = sync_envelope.envelope_bytes(**{name: fields[name] for name in sync_envelope.FIELDS})
    OutboxRepository(db).add(uid=payload["uid"], kind=fields["kind"], record_id=event_id,
                             child_uid=payload["child_uid"], author=author, sealed_at=at,
                             envelope=body.decode("utf-8"), content_hash=item["content_hash"],
                             signature=item["signature"])


def _acting(db: Database, signers: dict[int, Signer]) -> int | None:
    """Who acted in this transaction: the user of its newest audit row with a key here, else the only signer."""
    for _audit_id, user_id, _hash in reversed(db.unsealed_audit):
        if user_id in signers:
            return user_id
    return next(iter(signers)) if len(signers) == 1 else None


def flush_shared(db: Database, *, at: str, signers: dict[int, Signer]) -> None:
    """Envelopes for the unsigned shared rows inserted since the last flush (the sync_pending work list)."""
    outbox = OutboxRepository(db)
    if not outbox.has_pending_shared():
        return
    acting = _acting(db, signers)
    for kind, record_id in outbox.pending_shared():
        row = outbox.row(kind, record_id)
        if row is None:  # inserted and removed in one transaction
            outbox.done_shared(kind, record_id)
            continue
        column = UNSIGNED_SHARED.get(kind)
        author = row[column] if column and row[column] is not None else acting
        if author not in signers:
            continue  # no key for its author here: stays on the work list (a later commit by them sends it)
        if kind == "events":
            write_event(db, signers[author], record_id, at)
        else:
            write(db, signers[author], kind, row, at)
        outbox.done_shared(kind, record_id)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
