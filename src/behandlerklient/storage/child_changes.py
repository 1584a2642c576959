"""The append-only ledger of master data changes: one row per changed field, the old value kept readable."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from behandlerklient.storage.clock import from_text, to_text
from behandlerklient.storage.database import Database


class ChildChangeRow(NamedTuple):
    id: int
    field: str
    guardian_id: int | None
    guardian_name: str  # the parent's current name, for a parent's change
    old_value: str
    new_value: str
    reason: str
    changed_by: str  # full name
    changed_at: datetime


class ChildChangeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, *, child_id: int, field: str, old_value: str, new_value: str, reason: str, changed_by: int,
            now: datetime, guardian_id: int | None = None) -> int:
        return self.db.insert("child_changes", {
            "child_id": child_id, "guardian_id": guardian_id, "field": field, "old_value": old_value,
            "new_value": new_value, "reason": reason, "changed_by": changed_by, "changed_at": to_text(now)})

    def for_child(self, child_id: int) -> list[ChildChangeRow]:
        """Newest first: the history the dialog shows."""
        rows = self.db.query(
            "SELECT x.id, x.field, x.guardian_id, coalesce(g.name, ''), x.old_value, x.new_value, x.reason, "
            "coalesce(u.full_name, ''), x.changed_at FROM child_changes x LEFT JOIN users u ON u.id = x.changed_by "
            "LEFT JOIN guardians g ON g.id = x.guardian_id WHERE x.child_id = ? ORDER BY x.id DESC", (child_id,))
        return [ChildChangeRow(*r[:8], from_text(r[8])) for r in rows]
