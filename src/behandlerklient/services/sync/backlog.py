"""Records written before the outbox existed (issue 14): a laptop used for months before the team server arrived
holds signed records from before schema 15 and master data, courses, reviews and events from before schemas 19
and 23, none of which entered the outbox. At enrolment (or the first sync of a laptop enrolled before this code)
every such shared record of this device is listed once, parents first (storage/identity.TABLES' order, events
last: they name records); each sync then writes their envelopes, signed by their authors' keys, a page at a time,
each page in one transaction with its removal from the list: a kill mid-way resumes where it stopped, and the
outbox's UNIQUE (kind, record_id) and uid keep a second envelope out. A record whose author's key is not unlocked
here stays listed ("venter på forfatterens nøgle") until that author unlocks and syncs.

The envelope's signed_at is when its signature is made (now), not the record's own date (which its payload keeps):
the server checks the pusher's access at signed_at, and a child listed here is registered with the server now.
"""

from __future__ import annotations

from typing import Any

from behandlerklient.services.signatures import audit, outbox
from behandlerklient.services.signatures.seal import SIGNED
from behandlerklient.storage import identity
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.events import SYNC_KINDS, EventRepository
from behandlerklient.storage.outbox import OutboxRepository
from behandlerklient.storage.sync_backlog import BacklogRepository

PAGE = 500
WAITING_LABEL = "venter på forfatterens nøgle"
# A fidelity rating's row is the fold of its events: the events travel, the row does not (schema 23).
_NOT_LISTED = frozenset({"fidelity_ratings", "users", "audit_log"})


def _kinds() -> list[str]:
    shared = set(SIGNED) | set(outbox.UNSIGNED_SHARED)
    return [t for t, _refs in identity.TABLES if t in shared and t not in _NOT_LISTED]


def queue(ws: Any) -> int:
    """Lists this device's shared records the outbox does not hold, once per laptop (one transaction: a kill lists
    nothing and the next sync lists again). Returns how many were listed now."""
    repo = BacklogRepository(ws.db)
    if not repo.has_table() or repo.queued_at() is not None:
        return 0
    device = identity.device_uid(ws.db) or ""
    listed = 0
    with ws.db.transaction():
        for kind in _kinds():
            spec = SIGNED.get(kind)
            listed += repo.list_table(kind, device=device, only=spec.signed_flag if spec else None)
        listed += repo.list_events(sorted(SYNC_KINDS), device=device)
        repo.mark_queued(to_text(ws.clock()))
        audit.record(ws.db, user_id=ws.user.id, action="sync", now=ws.clock(), obj="sync_backlog",
                     detail=f"{listed} records written before the outbox listed for the server")
    return listed


def _author(kind: str, row: Any, acting: int) -> int | None:
    if kind == "events":
        return row["author_id"] if row["author_id"] is not None else acting
    spec = SIGNED.get(kind)
    column = spec.author_column if spec else outbox.UNSIGNED_SHARED.get(kind)
    if column is None:
        return acting  # a table without an author column: the user who enrols vouches for it (as at a commit)
    return row[column]


def drain(ws: Any) -> int:
    """Writes the listed records' envelopes into the outbox, a page per transaction; returns how many wait for
    their author's key."""
    repo, rows = BacklogRepository(ws.db), OutboxRepository(ws.db)
    if not repo.has_table():
        return 0
    signers = ws.db.signers
    after = 0
    while page := repo.page(after, PAGE):
        after = page[-1]["id"]
        at = to_text(ws.clock())
        with ws.db.transaction():
            for item in page:
                kind, record_id = item["kind"], item["record_id"]
                row = rows.row(kind, record_id)
                if row is None or repo.in_outbox(kind, record_id, row["uid"]):
                    repo.done(item["id"])
                    continue
                author = _author(kind, row, ws.user.id)
                if author not in signers:
                    continue  # waits for its author to unlock here
                if kind == "events":
                    if EventRepository(ws.db).global_row(record_id) is not None:
                        outbox.write_event(ws.db, signers[author], record_id, at)
                else:
                    outbox.write(ws.db, signers[author], kind, row, at)
                repo.done(item["id"])
    return repo.waiting()


def waiting(ws: Any) -> int:
    return BacklogRepository(ws.db).waiting()
