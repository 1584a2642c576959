"""What is in quarantine, row by row, for the list a person goes through (services/sync/quarantine.py): received
records refused here and this laptop's records the server holds in its quarantine. Only the columns the list shows
(and the received item's signing time): never a record's content."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class QuarantineListRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def has_tables(self) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_quarantine'"))

    def received(self) -> list[Any]:
        """Refused here, newest first, with the envelope's signed_at (json_extract: the item's content stays in
        the database)."""
        return self.db.query(
            "SELECT id, kind, author, reason, received_at, "
            "CASE WHEN json_valid(item) THEN json_extract(item, '$.signed_at') END AS signed_at "
            "FROM sync_quarantine ORDER BY id DESC")

    def held_by_server(self) -> list[Any]:
        """This laptop's records the server answered 'quarantined' or 'conflict', newest first."""
        return self.db.query(
            "SELECT o.id, o.kind, o.author, o.sealed_at, a.status, a.acked_at FROM sync_outbox o "
            "JOIN sync_acks a ON a.outbox_id = o.id WHERE a.status IN ('quarantined', 'conflict') ORDER BY o.id DESC")

    def full_names(self) -> dict[str, str]:
        return {r["username"]: r["full_name"] for r in self.db.query("SELECT username, full_name FROM users")}
