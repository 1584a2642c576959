"""This device's audit chain, anchored on the server (sync.md: "per-device audit chains"; docs/sync.md). The rows
leave as records of kind `audit_log`, each a segment of the chain (`prev`: the hash before its first row, `hash`: its
last row's, `rows`: the rows with global references, enough to recompute every v2 hash), signed by the enrolled
user, who is the one pushing. The server accepts a segment only if it continues the device's head (bk.push,
bk.device_chain), so nothing can be slipped in between. The head the server acknowledges is kept here (sync_state),
and `verify` (services/signatures/anchor.server_check) reports a row removed or rewritten after that: the chain's hashes
need
no key, but the server's copy of the head is out of reach of whoever holds this laptop's data key.

It starts from the server's head, not from what this laptop remembers, so a reply lost on the way costs nothing:
the next sync sees how far the server got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from behandlerklient.core import sync_envelope, uid
from behandlerklient.services.signatures.outbox import SCHEMA_VERSION
from behandlerklient.storage.sync_server import ServerCalls
from behandlerklient.storage.sync_state import SyncRepository

SEGMENT = 500  # audit rows per record
BATCH = 20     # records per bk.push call (10,000 rows)


@dataclass
class ChainPush:
    rows: int = 0              # audit rows the server accepted now
    diverged: bool = False     # the server's head is not in this laptop's chain: rows removed or rewritten here


def _segment(rows: list[Any]) -> dict[str, Any]:
    return {"prev": rows[0]["prev_hash"], "hash": rows[-1]["hash"],
            "rows": [[r["uid"], r["at"], r["username"], r["action"], r["child_uid"], r["object"], r["detail"],
                      r["hash"]] for r in rows]}


_ASK = object()  # push_chain's `head` when the caller has not read it: asked of the server here


def push_chain(ws: Any, conn: Any, *, username: str, device: str, now: datetime,
               head: str | None | object = _ASK) -> ChainPush:
    """`head`: the server's head for this device as the sync's probe read it (ServerCalls.probe), or not given."""
    result = ChainPush()
    signer = ws.db.signers.get(ws.user.id)
    if signer is None:
        return result  # no key unlocked: the chain waits for a sync by its user
    repo, server = SyncRepository(ws.db), ServerCalls(conn)
    if head is _ASK:
        head = server.chain_head(device)
    after = 0
    if isinstance(head, str):
        state = repo.state()
        acked = state["audit_acked_id"]
        # The row acknowledged last time, when it still holds the head (the usual case: one look-up by id); else the
        # chain is searched for the head's hash (a row removed or rewritten here is found missing that way).
        if state["audit_acked_hash"] == head and acked is not None and repo.audit_row_hash(int(acked)) == head:
            found: int | None = int(acked)
        else:
            found = repo.audit_id_with_hash(device, head)
        if found is None:
            result.diverged = True
            return result
        after = found
        if (state["audit_acked_id"], state["audit_acked_hash"]) != (found, head):  # no write when nothing moved
            with ws.db.transaction():
                repo.set_state(audit_acked_id=found, audit_acked_hash=head)
    signed_at = sync_envelope.format_time(now)
    while True:
        segments = []
        for _ in range(BATCH):
            rows = repo.audit_rows_after(device, after, SEGMENT)
            if not rows:
                break
            segments.append((rows[-1]["id"], _segment(rows)))
            after = rows[-1]["id"]
        if not segments:
            return result
        items = [sync_envelope.wire_item(
            {"uid": uid.uuid7(), "kind": "audit_log", "child_uid": None, "author": username, "device": device,
             "signed_at": signed_at, "schema_version": SCHEMA_VERSION, "payload": payload}, signer.private.sign)
            for _last, payload in segments]
        answers = server.push(items)
        acked = None
        for (last_id, payload), (_uid, status) in zip(segments, answers, strict=True):
            if status not in ("accepted", "duplicate"):
                break
            acked = (last_id, payload["hash"])
            result.rows += len(payload["rows"])
        if acked is not None:
            with ws.db.transaction():
                repo.set_state(audit_acked_id=acked[0], audit_acked_hash=acked[1])
        if acked is None or acked[0] != segments[-1][0]:
            return result  # refused (a concurrent push from a copy of this device): the next sync starts over
