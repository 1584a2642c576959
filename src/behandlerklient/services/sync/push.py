"""Push (sync.md, protocol step 2): this user's unanswered outbox rows in batches of at most 2,000, each batch in its
own server transaction (a call of bk.push with the batch, committed by the server). A row is marked answered
only after COMMIT has returned: a reply lost on the way makes the next sync send the batch again, and the server
answers `duplicate` for what it already holds, never storing a second row. Every child waiting in the outbox is
registered by CPR first (bk.register_children), before the first batch: records from before the outbox (the backlog)
put a child's envelope after records about it that were signed since, so with more than a batch waiting a child could
otherwise reach the server after what the server checks against its access. A group session goes after the sessions
that name it (SyncRepository.unacked), so the server can tell who may read it from the moment it arrives."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from behandlerklient.core import sync_envelope
from behandlerklient.services.sync import merge
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.sync_server import ServerCalls
from behandlerklient.storage.sync_state import SyncRepository

BATCH = 2000


@dataclass
class PushResult:
    sent: int = 0          # accepted by the server
    duplicates: int = 0    # the server had them already (a retry after a lost reply)
    conflicts: int = 0     # the uid is taken there with other content: kept in the server's quarantine
    quarantined: int = 0   # refused by the server (its reason is in bk.quarantine): kept there, never lost
    cpr_known: int = 0     # a child the server knows under another uid: waits for a coordinator's merge


def item_of(row: Any) -> dict[str, Any]:
    """The JSON object bk.push takes: the envelope's fields, its hash and the author's signature."""
    data = json.loads(row["envelope"])
    data.pop("v", None)
    return {**data, "content_hash": row["content_hash"], "signature": row["signature"]}


# The envelope is canonical JSON (keys sorted), so its version tag is its last member.
_TAG_TAIL = ',"v":' + json.dumps(sync_envelope.TAG) + "}"


def item_text(row: Any) -> str:
    """item_of as JSON text, cut from the envelope's own text rather than parsed and written again (a first upload
    sends every record this laptop holds; the server parses and checks each one whatever its form)."""
    envelope = row["envelope"]
    if not envelope.endswith(_TAG_TAIL):
        return json.dumps(item_of(row), ensure_ascii=False)
    return (f'{envelope[:-len(_TAG_TAIL)]},"content_hash":{json.dumps(row["content_hash"])},'
            f'"signature":{json.dumps(row["signature"])}}}')


def _registered_at(data: dict[str, Any]) -> str:
    """When this laptop registered the child: its row's created_at if earlier than the envelope (a child written
    before the outbox existed gets its envelope at enrolment, after records about it that were signed earlier); the
    server bounds how far back that counts."""
    at = data["signed_at"]
    created = data["payload"].get("created_at")
    if not isinstance(created, str):
        return str(at)
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return str(at)
    return min(str(at), sync_envelope.format_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC)))


def _register(ws: Any, server: ServerCalls, rows: list[Any], result: PushResult, username: str,
              done: set[str]) -> None:
    """The new children among `rows` by CPR, up to a batch per round trip (bk.register_children); a retry of my own
    registration is free on the server, so a push repeated after a kill does not use up the hourly limit. `done`:
    the uids registered in this push already (extended here)."""
    items = []
    for row in rows:
        if row["kind"] == "children" and row["uid"] not in done:
            data = json.loads(row["envelope"])
            items.append({"cpr": data["payload"].get("cpr"), "uid": row["uid"], "registered_at": _registered_at(data)})
            done.add(row["uid"])
    for start in range(0, len(items), BATCH):
        _answers(ws, server.register_children(items[start:start + BATCH]), result, username)


def _answers(ws: Any, answers: list[tuple[str, str, str | None]], result: PushResult, username: str) -> None:
    for uid, status, known in answers:
        if status == "duplicate_cpr":
            result.cpr_known += 1
            if known and known != uid:  # both stay usable until a coordinator merges them
                merge.note_duplicate(ws, alias_uid=uid, child_uid=known, registered_by=username)


def push(ws: Any, conn: Any, *, username: str, after_commit: Callable[[], None] | None = None) -> PushResult:
    """`after_commit` (tests) runs after the server's COMMIT and before the answers are stored here."""
    repo = SyncRepository(ws.db)
    result = PushResult()
    if repo.all_answered():
        return result
    server = ServerCalls(conn)
    registered: set[str] = set()
    _register(ws, server, repo.unacked_children(username), result, username, registered)  # before any batch
    while rows := repo.unacked(username, BATCH):
        _register(ws, server, rows, result, username, registered)  # one signed while this push ran
        answers = server.push_texts([item_text(r) for r in rows])
        if after_commit is not None:
            after_commit()
        by_uid = {r["uid"]: r["id"] for r in rows}
        at = to_text(ws.clock())
        with ws.db.transaction():
            repo.ack([(by_uid[uid], status) for uid, status in answers if uid in by_uid], at)
            repo.set_state(last_push_at=at)
        for _uid, status in answers:
            if status == "accepted":
                result.sent += 1
            elif status == "duplicate":
                result.duplicates += 1
            elif status == "conflict":
                result.conflicts += 1
            else:
                result.quarantined += 1
    return result
