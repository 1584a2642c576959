"""Whose record a row is: the child it belongs to here, found as the outbox names it in the envelope it signs
(storage/outbox.OutboxRepository.child_uid): its own child column, else its course's child, else its session's.
services/sync/apply.py compares it with the child a pulled record's envelope names, on which the server judged
the author's access, and with the child of every record the row names."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage import identity
from behandlerklient.storage.database import Database

# Tables with a child column of their own.
DIRECT = frozenset(table for table, refs in identity.TABLES if "child_id" in dict(refs))
# Tables whose row names its child through a parent: (column, parent table).
THROUGH = {"sessions": ("course_id", "courses"), "reviews": ("session_id", "sessions"),
           "fidelity_ratings": ("session_id", "sessions"), "course_changes": ("course_id", "courses"),
           "supervision_meeting_courses": ("course_id", "courses")}


class RecordOwner:
    """The child of a row here by (table, id), each read once for the owner's life (a pull page's transaction)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.known: dict[tuple[str, int], int | None] = {}

    def of_row(self, values: dict[str, Any]) -> int | None:
        """The child of a row about to be written (references as ids here), as the outbox would name it."""
        if values.get("child_id") is not None:
            return int(values["child_id"])
        if values.get("course_id") is not None:
            return self.child("courses", int(values["course_id"]))
        if values.get("session_id") is not None:
            return self.child("sessions", int(values["session_id"]))
        return None

    def strays(self, values: dict[str, Any], refs: dict[str, str], child: int) -> list[str]:
        """The columns of a row of `child` that name another child's record (a guardian, a course, a session...)."""
        return [column for column, table in refs.items()
                if table != "users" and values.get(column) is not None
                and self.child(table, int(values[column])) not in (None, child)]

    def child(self, table: str, record_id: int) -> int | None:
        key = (table, record_id)
        if key in self.known:
            return self.known[key]
        found: int | None = None
        if table == "children":
            found = record_id
        elif table in DIRECT:
            found = self.db.scalar(f"SELECT child_id FROM {table} WHERE id = ?", (record_id,))  # noqa: S608
        elif table in THROUGH:
            column, parent = THROUGH[table]
            above = self.db.scalar(f"SELECT {column} FROM {table} WHERE id = ?", (record_id,))  # noqa: S608
            found = None if above is None else self.child(parent, int(above))
        self.known[key] = found
        return found
