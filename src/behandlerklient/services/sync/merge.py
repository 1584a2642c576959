"""The same child registered on two laptops (issue 14): the server answers the second registration 'duplicate_cpr'
with the uid it knows, and this laptop notes the pair (storage/child_alias.py); both children stay usable. A
coordinator sees the pair as a task ("Samme barn registreret to gange") and decides that they are one child: the
decision is a record of kind 'child_merges' signed with her key, sent to the server (bk.merge_child, which checks
it, grants each side the other uid and releases the records refused about the alias) and handed to every laptop
concerned, which checks her signature before it lets either uid resolve to the child it holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from behandlerklient.core import sync_envelope
from behandlerklient.core.errors import NotFound, RuleRefused
from behandlerklient.core.uid import uuid7
from behandlerklient.services.signatures import audit
from behandlerklient.services.signatures.outbox import SCHEMA_VERSION
from behandlerklient.services.sync import connection
from behandlerklient.services.sync.apply import Staff
from behandlerklient.storage.child_alias import ChildAliasRepository
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.sync_server import ServerCalls
from behandlerklient.storage.sync_state import SyncRepository

TASK_TITLE = "Samme barn registreret to gange"
KIND = "child_merges"


@dataclass(frozen=True)
class DuplicateTask:
    alias_uid: str
    child_uid: str
    registered_by: str | None
    local_child_id: int | None   # the one of the two this laptop holds (None: neither is here)
    title: str = TASK_TITLE


def note_duplicate(ws: Any, *, alias_uid: str, child_uid: str, registered_by: str | None) -> None:
    with ws.db.transaction():
        ChildAliasRepository(ws.db).note(alias_uid=alias_uid, child_uid=child_uid, registered_by=registered_by,
                                         at=to_text(ws.clock()))


def refresh(ws: Any, server: ServerCalls, staff: dict[str, Staff]) -> int:
    """Notes the pairs the server knows that concern this user (a coordinator's tasks). The decisions on them are
    not taken from here: each arrives in the pull as a signed record of kind 'child_merges' (merge_decision.py), in
    seq order, checked and kept as proof like any other received record. Returns how many pairs were new here."""
    repo = ChildAliasRepository(ws.db)
    at = to_text(ws.clock())
    new = 0
    with ws.db.transaction():
        for alias_uid, child_uid, registered_by, _merged_by, _decision in server.duplicates():
            new += repo.get(alias_uid) is None
            repo.note(alias_uid=alias_uid, child_uid=child_uid, registered_by=registered_by, at=at)
    return new


def tasks(*, ws: Any) -> list[DuplicateTask]:
    """The coordinator's open tasks: children registered twice, not yet decided. Others have none."""
    if ws.user.role != "coordinator":
        return []
    repo = ChildAliasRepository(ws.db)
    return [DuplicateTask(r["alias_uid"], r["child_uid"], r["registered_by"],
                          repo.child_id(r["alias_uid"]) or repo.child_id(r["child_uid"])) for r in repo.pending()]


def decide_merge(*, ws: Any, alias_uid: str, connect: Callable[[Any], Any] | None = None) -> int:
    """The coordinator's decision that `alias_uid` is the same child as the uid the server knew first: signed here,
    sent to the server, noted here. Returns how many of the alias's refused records the server released."""
    if ws.user.role != "coordinator":
        raise RuleRefused("Kun en koordinator kan lægge to registreringer af samme barn sammen.")
    repo = ChildAliasRepository(ws.db)
    row = repo.get(alias_uid)
    if row is None:
        raise NotFound(f"Der er ingen dobbeltregistrering med id {alias_uid}.")
    if row["merged_at"] is not None:
        raise RuleRefused(f"Dobbeltregistreringen {alias_uid} er allerede lagt sammen af {row['merged_by']}.")
    signer = ws.db.signers.get(ws.user.id)
    if signer is None:
        raise RuleRefused("Din signeringsnøgle er ikke låst op på denne computer; lås op igen og prøv forfra.")
    state = SyncRepository(ws.db).state()
    if state is None:
        raise RuleRefused("Denne computer er ikke tilmeldt en synkroniseringsserver.")
    now = ws.clock()
    fields = {"uid": uuid7(), "kind": KIND, "child_uid": row["child_uid"], "author": ws.user.username,
              "device": state["device_uid"], "signed_at": sync_envelope.format_time(now),
              "schema_version": SCHEMA_VERSION, "payload": {"alias_uid": alias_uid, "child_uid": row["child_uid"]}}
    item = sync_envelope.wire_item(fields, signer.private.sign)
    conn = (connect or connection.connect)(state)
    try:
        released = ServerCalls(conn).merge_child(item)
    finally:
        conn.close()
    with ws.db.transaction():
        repo.merged(alias_uid=alias_uid, merged_by=ws.user.username, decision=json.dumps(item, sort_keys=True),
                    at=to_text(now))
        audit.record(ws.db, user_id=ws.user.id, action="sync", now=now, child_id=repo.child_id(alias_uid),
                     obj=f"child_alias:{alias_uid}", detail=f"merged with {row['child_uid']}; {released} released")
    return released
