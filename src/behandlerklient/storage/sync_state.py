"""The laptop's sync bookkeeping (schema 17): where and as whom it syncs, the pull and grants cursors, the server's
answer for each outbox row, records received from others (with their proof), the quarantine and the orphans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from behandlerklient.storage.database import Database

ACKED = ("accepted", "duplicate")
T = TypeVar("T")


class SyncRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- state ----------------------------------------------------------------------------------------
    def state(self) -> Any:
        return self.db.query_one("SELECT * FROM sync_state WHERE singleton = 1")

    def enroll(self, values: dict[str, Any]) -> None:
        """The server and credentials; a new enrolment keeps the cursors (records already here stay here)."""
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in values)
        self.db.execute(f"INSERT INTO sync_state (singleton, {cols}) VALUES (1, {marks}) "
                        f"ON CONFLICT (singleton) DO UPDATE SET {updates}", tuple(values.values()))

    def set_state(self, **values: Any) -> None:
        sets = ", ".join(f"{c} = ?" for c in values)
        self.db.execute(f"UPDATE sync_state SET {sets} WHERE singleton = 1", tuple(values.values()))

    # -- outbox ---------------------------------------------------------------------------------------
    def unacked(self, author: str, limit: int) -> list[Any]:
        """This user's outbox rows the server has not answered yet, oldest first, group sessions last: the server
        learns who may read a group session from the sessions that name it (docs/sync.md "Group sessions"), so
        those reach it first, in this batch or an earlier one."""
        return self.db.query("SELECT o.* FROM sync_outbox o LEFT JOIN sync_acks a ON a.outbox_id = o.id "
                             "WHERE a.outbox_id IS NULL AND o.author = ? "
                             "ORDER BY o.kind = 'group_sessions', o.id LIMIT ?", (author, limit))

    def unacked_children(self, author: str) -> list[Any]:
        """This user's children in the outbox the server has not answered yet (registered before any batch)."""
        return self.db.query("SELECT o.* FROM sync_outbox o LEFT JOIN sync_acks a ON a.outbox_id = o.id "
                             "WHERE a.outbox_id IS NULL AND o.author = ? AND o.kind = 'children' ORDER BY o.id",
                             (author,))

    def all_answered(self) -> bool:
        """Whether the server has answered every outbox row (each answer is the row's one sync_acks row): two counts
        over small indexes, where finding the unanswered rows reads the whole outbox (a sync with nothing new)."""
        return bool(self.db.scalar("SELECT (SELECT count(*) FROM sync_outbox) = (SELECT count(*) FROM sync_acks)"))

    def ack(self, answers: list[tuple[int, str]], at: str) -> None:
        self.db.executemany("INSERT OR IGNORE INTO sync_acks (outbox_id, status, acked_at) VALUES (?, ?, ?)",
                            [(oid, status, at) for oid, status in answers])
        self.db.executemany("UPDATE sync_outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                            [(at, oid) for oid, status in answers if status in ACKED])

    def counts(self, author: str | None) -> dict[str, int]:
        """Waiting to send (this user's), refused by the server (conflict/quarantined), quarantined here."""
        waiting = self.db.scalar("SELECT count(*) FROM sync_outbox o LEFT JOIN sync_acks a ON a.outbox_id = o.id "
                                 "WHERE a.outbox_id IS NULL AND o.author = ?", (author or "",))
        conflicts = self.db.scalar("SELECT count(*) FROM sync_acks WHERE status = 'conflict'")
        refused = self.db.scalar("SELECT count(*) FROM sync_acks WHERE status = 'quarantined'")
        local = self.db.scalar("SELECT count(*) FROM sync_quarantine")
        orphans = self.db.scalar("SELECT count(*) FROM sync_orphans")
        return {"waiting": int(waiting), "conflicts": int(conflicts), "refused": int(refused),
                "quarantined": int(local), "orphans": int(orphans)}

    # -- received -------------------------------------------------------------------------------------
    def quarantine(self, *, seq: int | None, uid: str | None, kind: str | None, author: str | None, reason: str,
                   item: str, at: str) -> None:
        self.db.execute("INSERT INTO sync_quarantine (seq, uid, kind, author, reason, item, received_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", (seq, uid, kind, author, reason, item, at))

    def is_quarantined(self, uid: str, item: str) -> bool:
        return bool(self.db.scalar("SELECT EXISTS (SELECT 1 FROM sync_quarantine WHERE uid = ? AND item = ?)",
                                   (uid, item)))

    def add_orphan(self, *, seq: int, uid: str, kind: str, missing: str, item: str, at: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO sync_orphans (seq, uid, kind, missing, item, received_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (seq, uid, kind, missing, item, at))

    def orphans(self) -> list[Any]:
        return self.db.query("SELECT * FROM sync_orphans ORDER BY seq")

    def child_cpr(self, uid: str) -> str | None:
        """The CPR number of the child with this uid as this laptop knows it: its row, or its record waiting as an
        orphan (a twin registered on another laptop waits for the coordinator's decision); None if neither."""
        found = self.db.scalar("SELECT cpr FROM children WHERE uid = ?", (uid,))
        if found is None:
            found = self.db.scalar("SELECT json_extract(item, '$.payload.cpr') FROM sync_orphans "
                                   "WHERE uid = ? AND kind = 'children'", (uid,))
        return None if found is None else str(found)

    def orphan_about(self, child_uid: str, kinds: tuple[str, ...]) -> str | None:
        """The uid of a stored orphan of one of `kinds` about the child, if any."""
        marks = ", ".join("?" * len(kinds))
        return self.db.scalar(f"SELECT uid FROM sync_orphans WHERE kind IN ({marks}) "
                              "AND json_extract(item, '$.child_uid') = ? ORDER BY seq LIMIT 1", (*kinds, child_uid))

    def drop_orphan(self, uid: str) -> None:
        self.db.execute("DELETE FROM sync_orphans WHERE uid = ?", (uid,))

    def received_many(self, rows: list[tuple[Any, ...]]) -> None:
        """The proofs of a page's applied records: (kind, record_id, uid, child_uid, seq, author, envelope,
        content_hash, signature, public_key) each."""
        if not rows:
            return
        self.db.executemany("INSERT INTO sync_received (kind, record_id, uid, child_uid, seq, author, envelope, "
                            "content_hash, signature, public_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        # Not this device's to sign or to send: off both work lists.
        keys = [(r[0], r[1]) for r in rows]
        self.db.executemany("DELETE FROM signatures_pending WHERE kind = ? AND record_id = ?", keys)
        self.db.executemany("DELETE FROM sync_pending WHERE kind = ? AND record_id = ?", keys)

    def ids_of(self, table: str, uids: set[str]) -> dict[str, int]:
        """uid -> id of those of `uids` the table holds (one query per 500 uids)."""
        found: dict[str, int] = {}
        ordered = sorted(uids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            found.update((r[0], r[1]) for r in self.db.query(f"SELECT uid, id FROM {table} WHERE uid IN ({marks})",
                                                             chunk))
        return found

    def held(self, uid: str, tables: list[str]) -> bool:
        """Whether any of the tables holds a row with this uid (one statement)."""
        union = " UNION ALL ".join(f"SELECT 1 FROM {t} WHERE uid = ?" for t in tables)
        return bool(self.db.scalar(f"SELECT EXISTS ({union})", tuple(uid for _ in tables)))

    def session_author(self, session_id: int) -> int | None:
        """A session's author here (a received fidelity rating's rules)."""
        return self.db.scalar("SELECT author_id FROM sessions WHERE id = ?", (session_id,))

    def all_received(self) -> list[Any]:
        return self.db.query("SELECT * FROM sync_received ORDER BY id")

    def received_keys(self) -> set[tuple[str, int]]:
        return {(r[0], r[1]) for r in self.db.query("SELECT kind, record_id FROM sync_received")}

    def add_user(self, *, username: str, full_name: str, role: str, at: str) -> int:
        """An author known from the server, new here: a user without any key (cannot unlock this laptop)."""
        return self.db.insert("users", {"username": username, "full_name": full_name, "role": role, "created_at": at})

    def user_ids(self) -> set[int]:
        return {r[0] for r in self.db.query("SELECT id FROM users")}

    def insert_received(self, table: str, values: dict[str, Any]) -> int:
        """Insert one received row. It is one INSERT statement, and SQLite undoes a statement that fails whole
        (a constraint, or a trigger's RAISE(ABORT), the only RAISE the migrations use) with whatever its triggers
        wrote, so a row the schema refuses leaves the page's transaction intact without a savepoint of its own (the
        IntegrityError goes to the caller, who quarantines the record)."""
        return self.db.insert(table, values)

    def last_id(self, table: str) -> int:
        """The table's highest id (0 if empty): a plain rowid table gives its next row this plus one."""
        return int(self.db.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Rows of one table with their ids given (a pull page's deferred rows, services/sync/apply.Applier.flush),
        in order, one statement for all: each row's triggers see the rows before it. Every row has the same columns
        (a received row has all of its table's). An IntegrityError leaves the rows before the refused one written:
        the caller rolls the page back."""
        columns = list(rows[0])
        marks = ", ".join("?" for _ in columns)
        self.db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                            [tuple(row[c] for c in columns) for row in rows])

    def alone(self, work: Callable[[], T]) -> T:
        """`work` under a savepoint: what it wrote is undone if it raises (the exception goes on to the caller)."""
        self.db.execute("SAVEPOINT sync_record")
        try:
            result = work()
        except Exception:
            self.db.execute("ROLLBACK TO sync_record")
            self.db.execute("RELEASE sync_record")
            raise
        self.db.execute("RELEASE sync_record")
        return result

    def purge_received(self, child_uid: str, order: list[str]) -> int:
        """Removes the records other authors wrote about the child that came from the server (access revoked).
        `order`: tables children first (identity.TABLES); rows are removed in reverse, each under a savepoint, so a
        row still referenced here (the child itself, which the audit log names; a parent of one of this user's own
        records) stays. The freeze triggers that refuse DELETE are lifted for this transaction only and put back
        with their exact text (verify compares it with the migrations)."""
        rows = self.db.query("SELECT id, kind, record_id FROM sync_received WHERE child_uid = ?", (child_uid,))
        rank = {kind: n for n, kind in enumerate(order)}
        rows = sorted(rows, key=lambda r: (-rank.get(r["kind"], -1), -r["record_id"]))
        kinds = sorted({r["kind"] for r in rows})
        triggers = [tuple(t) for kind in kinds for t in self.db.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND sql LIKE '%BEFORE DELETE%'"
            " AND sql LIKE '%RAISE%'", (kind,))]
        for name, _sql in triggers:
            self.db.execute(f'DROP TRIGGER "{name}"')
        removed = 0
        try:
            for r in rows:
                self.db.execute("SAVEPOINT sync_purge")
                try:
                    self.db.execute(f"DELETE FROM {r['kind']} WHERE id = ?", (r["record_id"],))
                    self.db.execute("DELETE FROM sync_received WHERE id = ?", (r["id"],))
                except Exception:  # noqa: BLE001 - still referenced here: it stays
                    self.db.execute("ROLLBACK TO sync_purge")
                    self.db.execute("RELEASE sync_purge")
                    continue
                self.db.execute("RELEASE sync_purge")
                removed += 1
        finally:
            for _name, sql in triggers:
                self.db.execute(sql)
        return removed

    # -- this device's audit chain, anchored on the server ------------------------------------------------
    def audit_rows_after(self, device: str, after_id: int, limit: int) -> list[Any]:
        """This device's audit rows after `after_id`, in chain order, with global references (the v2 hash's)."""
        return self.db.query(
            "SELECT a.id, a.uid, a.at, u.username, a.action, c.uid AS child_uid, a.object, a.detail, a.prev_hash, "
            "a.hash FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN children c ON c.id = a.child_id "
            "WHERE a.origin_device = ? AND a.id > ? ORDER BY a.id LIMIT ?", (device, after_id, limit))

    def audit_id_with_hash(self, device: str, chain_hash: str) -> int | None:
        return self.db.scalar("SELECT id FROM audit_log WHERE origin_device = ? AND hash = ?", (device, chain_hash))

    def audit_row_hash(self, audit_id: int) -> str | None:
        return self.db.scalar("SELECT hash FROM audit_log WHERE id = ?", (audit_id,))

    def has_table(self) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'"))
