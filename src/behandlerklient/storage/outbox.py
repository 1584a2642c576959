"""The sync outbox (schema 13): one signed envelope per record signed on this device, written in the signing
transaction (services/seal.py), so the record and its envelope land together or not at all."""

from __future__ import annotations

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
        if "child_id" in keys and row["child_id"] is not None:
            return identity.uid_of(self.db, "children", row["child_id"])
        if "course_id" in keys and row["course_id"] is not None:
            return self.db.scalar("SELECT ch.uid FROM courses c JOIN children ch ON ch.id = c.child_id "
                                  "WHERE c.id = ?", (row["course_id"],))
        return None  # a group session: its children are named by their own sessions

    def add(self, *, uid: str, kind: str, record_id: int, child_uid: str | None, author: str, sealed_at: str,
            envelope: str, content_hash: str, signature: str) -> None:
        self.db.execute(
            "INSERT INTO sync_outbox (uid, kind, record_id, child_uid, author, sealed_at, envelope, content_hash, "
            "signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (uid, kind, record_id, child_uid, author, sealed_at, envelope, content_hash, signature))

    def all(self) -> list[Any]:
        return self.db.query("SELECT * FROM sync_outbox ORDER BY id")
