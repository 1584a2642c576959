"""Signed records for the server tests, built with the laptop's envelope (core/sync_envelope.py)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from behandlerklient.core import sync_envelope
from tests.server.conftest import Server

DEVICE = str(uuid.uuid4())


def item(server: Server, author: str, kind: str, child: uuid.UUID | str | None, *,
         signed_at: dt.datetime | None = None, payload: dict[str, Any] | None = None, uid: str | None = None,
         device: str = DEVICE, signer: str | None = None,
         schema_version: int = 1) -> dict[str, Any]:
    fields = {"uid": uid or str(uuid.uuid4()), "kind": kind, "child_uid": str(child) if child else None,
              "author": author, "device": device,
              "signed_at": sync_envelope.format_time(signed_at or dt.datetime.now(dt.UTC)),
              "schema_version": schema_version,
              "payload": payload if payload is not None else {"text": f"{kind} by {author}"}}
    return sync_envelope.wire_item(fields, server.users[signer or author].key.sign)


def push(conn: Any, items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    with conn.transaction():
        rows = conn.execute("SELECT uid, status FROM bk.push(%s::jsonb)", (json.dumps(items),)).fetchall()
    return [(str(u) if u else None, s) for u, s in rows]


def pull_all(conn: Any, cursor: int = 0, limit: int = 5000) -> list[Any]:
    rows: list[Any] = []
    while True:
        page = conn.execute("SELECT seq, uid, kind, child_uid, author FROM bk.pull(%s, %s)", (cursor, limit)).fetchall()
        if not page:
            return rows
        rows += page
        cursor = page[-1][0]


def new_child(server: Server, *grants: tuple[str, str]) -> uuid.UUID:
    """A fresh child uid with the given (user, basis) grants, made by the admin CLI's code."""
    from behandlerklient.server import admin

    child = uuid.uuid4()
    with server.admin() as conn:
        for user, basis in grants:
            admin.caseload_grant(conn, child=str(child), username=user, basis=basis)
    return child
