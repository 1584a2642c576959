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

    def retired_keys(self) -> list[tuple[str, bytes, int, list[str]]]:
        """(username, raw public key, last record seq, uids of the records an administrator released under it) of
        every signing key an administrator replaced (server migrations 0019, 0021), oldest first per user; none from
        a server without them."""
        row = self.conn.execute("SELECT to_regclass('bk.staff_key_released') IS NOT NULL").fetchone()
        if not row or row[0] is not True:
            return []
        return self.conn.execute(
            "SELECT k.username, k.signing_pubkey, k.last_seq, ARRAY(SELECT r.uid::text FROM bk.staff_key_released r "
            "WHERE r.username = k.username AND r.signing_pubkey = k.signing_pubkey ORDER BY r.uid) "
            "FROM bk.staff_key_retired k ORDER BY k.username, k.last_seq, k.id").fetchall()

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

    def session_frames(self, cursor: int, limit: int, device: str) -> list[Any]:
        """A supervisor's share of a supervisee's sessions while the clinical-text switch is off (server migration
        0008_access14): (seq, uid, child_uid, author, frame) after the cursor; no text, no signature."""
        return self.conn.execute("SELECT seq, uid::text, child_uid::text, author, frame FROM bk.session_frames(%s, %s, "
                                 "%s::uuid)", (cursor, limit, device)).fetchall()

    def still_readable(self, child_uids: list[str]) -> set[str]:
        """Which of these children I may still read: my own open access, or an open supervision of a therapist who
        holds the child on caseload or shared (bk.access and bk.supervision are filtered by their policies)."""
        rows = self.conn.execute(
            "SELECT c::text FROM unnest(%s::uuid[]) c WHERE EXISTS (SELECT 1 FROM bk.access a WHERE a.child_uid = c "
            "AND a.revoked_at IS NULL AND (a.username = current_user OR (a.basis IN ('caseload', 'shared') AND "
            "a.username IN (SELECT s.therapist FROM bk.supervision s WHERE s.supervisor = current_user "
            "AND s.ended_at IS NULL))))", (child_uids,)).fetchall()
        return {str(r[0]) for r in rows}

    def register_child(self, cpr: str | None, child_uid: str, registered_at: str) -> str:
        return self.register(cpr, child_uid, registered_at)[0]

    def register(self, cpr: str | None, child_uid: str, registered_at: str) -> tuple[str, str | None]:
        """(status, the uid the server holds the CPR under: a different one for 'duplicate_cpr')."""
        row = self.conn.execute("SELECT status, child_uid::text FROM bk.register_child(%s, %s::uuid, %s::timestamptz)",
                                (cpr, child_uid, registered_at)).fetchone()
        return str(row[0]), row[1]

    def duplicates(self) -> list[Any]:
        """Children registered twice that concern me (all of them for a coordinator), with any decision."""
        return self.conn.execute("SELECT alias_uid::text, child_uid::text, registered_by, merged_by, decision "
                                 "FROM bk.duplicates()").fetchall()

    def merge_child(self, item: dict[str, Any]) -> int:
        """A coordinator's signed decision; returns how many quarantined records of the alias it released."""
        with self.conn.transaction():
            row = self.conn.execute("SELECT bk.merge_child(%s::jsonb)",
                                    (json.dumps(item, ensure_ascii=False),)).fetchone()
        return int(row[0])

    def probe(self, device: str, grants_cursor: int) -> dict[str, Any]:
        """What a sync needs to know before it decides which other calls to make, in one round trip (issue 14: a
        sync with nothing new under 100 ms): the highest record seq handed out (nothing to pull at or below it), this
        device's chain head, the newest of my grant events after `grants_cursor` (None: none), whether I supervise
        anyone now (session frames are readable only then), and tags of the staff list (usernames, roles, keys) and
        of the children registered twice that concern me, which change whenever anything in them changes. Each part
        is what the laptop may read anyway (bk.staff, bk.device_chain, bk.supervision, bk.grants, bk.duplicates)."""
        row = self.conn.execute(
            "SELECT bk.high_water(), (SELECT c.head_hash FROM bk.device_chain c WHERE c.device = %s::uuid), "
            "(SELECT max(g.event_seq) FROM bk.grants(%s) g), "
            "EXISTS (SELECT 1 FROM bk.supervision s WHERE s.supervisor = current_user AND s.ended_at IS NULL), "
            "(SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY s.username), '')) FROM bk.staff s), "
            "(SELECT md5(coalesce(string_agg(d::text, ',' ORDER BY d.alias_uid), '')) FROM bk.duplicates() d)",
            (device, grants_cursor)).fetchone()
        high_water, head, grants, supervising, staff_tag, duplicates_tag = row
        return {"high_water": int(high_water), "chain_head": None if head is None else str(head),
                "grants_after": None if grants is None else int(grants), "supervising": bool(supervising),
                "staff_tag": str(staff_tag), "duplicates_tag": str(duplicates_tag)}

    def chain_head(self, device: str) -> str | None:
        """The hash of the last audit row the server accepted from this device (bk.device_chain), or None."""
        row = self.conn.execute("SELECT head_hash FROM bk.device_chain WHERE device = %s::uuid", (device,)).fetchone()
        return None if row is None else str(row[0])

    def register_children(self, items: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
        """A batch of registrations in one round trip (server migration 0006): (uid, status, the uid the server
        knew the CPR under, if any) in order."""
        rows = self.conn.execute("SELECT uid::text, status, child_uid::text FROM bk.register_children(%s::jsonb)",
                                 (json.dumps(items),)).fetchall()
        return [(str(uid), str(status), None if known is None else str(known)) for uid, status, known in rows]

    def push(self, items: list[dict[str, Any]]) -> list[tuple[str, str]]:
        """One batch in its own server transaction; returns after COMMIT (the advisory lock is held until then)."""
        return self.push_texts([json.dumps(item, ensure_ascii=False) for item in items])

    def push_texts(self, items: list[str]) -> list[tuple[str, str]]:
        """push, with each item already as JSON text."""
        with self.conn.transaction():
            rows = self.conn.execute("SELECT uid::text, status FROM bk.push(%s::jsonb)",
                                     ("[" + ",".join(items) + "]",)).fetchall()
        return [(str(uid), str(status)) for uid, status in rows]
