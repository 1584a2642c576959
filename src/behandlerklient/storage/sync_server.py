"""The SQL the laptop sends to the municipal server (docs/server.md, "The laptops' functions"). `conn` is an open
psycopg connection made by services/sync/connection.py; this module imports no driver itself."""

from __future__ import annotations

import json
from typing import Any

RECORD_COLUMNS = ("seq, uid::text, kind, child_uid::text, author, device::text, signed_at, schema_version, payload, "
                  "content_hash, signature")


class ServerCalls:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def staff(self) -> list[tuple[str, str, str, bytes | None]]:
        """(username, role, full_name, raw Ed25519 public key) of every staff member: the keys records are checked
        against (bk.staff is readable by every bk_user)."""
        return self.conn.execute("SELECT username, role, full_name, signing_pubkey FROM bk.staff").fetchall()

    def grants(self, cursor: int) -> list[Any]:
        return self.conn.execute("SELECT event_seq, what, child_uid::text, therapist, revoked_at FROM bk.grants(%s)",
                                 (cursor,)).fetchall()

    def has_access(self, child_uid: str) -> bool:
        """Whether another basis (caseload, shared, coordinator) still gives me the child after one was revoked."""
        row = self.conn.execute("SELECT EXISTS (SELECT 1 FROM bk.access WHERE child_uid = %s::uuid "
                                "AND username = current_user AND revoked_at IS NULL)", (child_uid,)).fetchone()
        return bool(row[0])

    def pull(self, cursor: int, limit: int, device: str) -> list[Any]:
        return self.conn.execute(f"SELECT {RECORD_COLUMNS} FROM bk.pull(%s, %s, %s::uuid)",
                                 (cursor, limit, device)).fetchall()

    def child_history(self, child_uid: str, cursor: int, limit: int, device: str) -> list[Any]:
        return self.conn.execute(f"SELECT {RECORD_COLUMNS} FROM bk.child_history(%s::uuid, %s, %s, %s::uuid)",
                                 (child_uid, cursor, limit, device)).fetchall()

    def supervisee_history(self, therapist: str, cursor: int, limit: int, device: str) -> list[Any]:
        return self.conn.execute(f"SELECT {RECORD_COLUMNS} FROM bk.supervisee_history(%s, %s, %s, %s::uuid)",
                                 (therapist, cursor, limit, device)).fetchall()

    def register_child(self, cpr: str | None, child_uid: str, registered_at: str) -> str:
        return str(self.conn.execute("SELECT status FROM bk.register_child(%s, %s::uuid, %s::timestamptz)",
                                     (cpr, child_uid, registered_at)).fetchone()[0])

    def register_children(self, items: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """A batch of registrations in one round trip (server migration 0004): (uid, status) in order."""
        rows = self.conn.execute("SELECT uid::text, status FROM bk.register_children(%s::jsonb)",
                                 (json.dumps(items),)).fetchall()
        return [(str(uid), str(status)) for uid, status in rows]

    def push(self, items: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """One batch in its own server transaction; returns after COMMIT (the advisory lock is held until then)."""
        with self.conn.transaction():
            rows = self.conn.execute("SELECT uid::text, status FROM bk.push(%s::jsonb)",
                                     (json.dumps(items, ensure_ascii=False),)).fetchall()
        return [(str(uid), str(status)) for uid, status in rows]
