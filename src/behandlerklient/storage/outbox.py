"""The sync outbox (schema 13): one signed envelope per record signed on this device, written in the signing
transaction (services/signatures/seal.py), so the record and its envelope land together or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from behandlerklient.storage import identity, transfer_rows
from behandlerklient.storage.database import Database

_REFS = dict(identity.TABLES)


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def global_row(self, kind: str, record_id: int) -> dict[str, Any]:
        """The record as the export writes it: no local id, references as uids, users as user names."""
        columns = list(transfer_rows.column_types(self.db, kind))
        return next(transfer_rows.global_rows(self.db, kind, columns, _REFS[kind],
                                              identity.SOURCE_TABLES if kind == "journal_entries" else None,
                                              record_id=record_id))

    def child_uid(self, kind: str, row: Any) -> str | None:
        keys = row.keys()
        if kind == "children":
            return str(row["uid"])
        if "child_id" in keys and row["child_id"] is not None:
            return identity.uid_of(self.db, "children", row["child_id"])
        if "course_id" in keys and row["course_id"] is not None:
            return self.db.scalar("SELECT ch.uid FROM courses c JOIN children ch ON ch.id = c.child_id "
                                  "WHERE c.id = ?", (row["course_id"],))
        if "session_id" in keys and row["session_id"] is not None:
            return self.db.scalar("SELECT ch.uid FROM sessions s JOIN courses c ON c.id = s.course_id "
                                  "JOIN children ch ON ch.id = c.child_id WHERE s.id = ?", (row["session_id"],))
        return None  # a group session: its children are named by their own sessions

    def add(self, *, uid: str, kind: str, record_id: int, child_uid: str | None, author: str, sealed_at: str,
            envelope: str, content_hash: str, signature: str) -> None:
        self.db.execute(
            "INSERT INTO sync_outbox (uid, kind, record_id, child_uid, author, sealed_at, envelope, content_hash, "
            "signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, kind, record_id, child_uid, author, sealed_at, envelope, content_hash, signature))

    def _has_work_list(self) -> bool:
        # Asked at every commit: sqlite_master is read once per connection (a migration adds the table only once).
        known = getattr(self.db, "_sync_pending_exists", None)
        if not known:
            known = bool(self.db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_pending'"))
            setattr(self.db, "_sync_pending_exists", known)  # noqa: B010 - a cache on the connection object
        return known

    def has_pending_shared(self) -> bool:
        return self._has_work_list() and bool(self.db.scalar("SELECT EXISTS (SELECT 1 FROM sync_pending)"))

    def pending_shared(self, page: int = 500) -> Iterator[tuple[str, int]]:
        """Unsigned shared rows inserted and not yet in the outbox (schema 17's work list), events last (they name
        records). Read a page at a time: rows whose author has no key here stay on the list, and an import can
        leave thousands of them, which must not all be held at once."""
        if not self._has_work_list():
            return
        for events in (0, 1):
            after: tuple[str, int] = ("", -1)
            while rows := self.db.query(
                    "SELECT kind, record_id FROM sync_pending WHERE (kind = 'events') = ? "
                    "AND (kind, record_id) > (?, ?) ORDER BY kind, record_id LIMIT ?",
                    (events, after[0], after[1], page)):
                after = (rows[-1][0], rows[-1][1])
                yield from ((r[0], r[1]) for r in rows)

    def done_shared(self, kind: str, record_id: int) -> None:
        self.db.execute("DELETE FROM sync_pending WHERE kind = ? AND record_id = ?", (kind, record_id))

    def row(self, kind: str, record_id: int) -> Any:
        return self.db.query_one(f"SELECT * FROM {kind} WHERE id = ?", (record_id,))

    def all(self) -> list[Any]:
        return self.db.query("SELECT * FROM sync_outbox ORDER BY id")
