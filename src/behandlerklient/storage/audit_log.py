"""The audit log's rows and the head of this device's chain (schema 0002; one chain per device from schema 13).
The chain's rules (what is hashed, what links to what) live in services/signatures/audit.py; this is only where rows
go."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from behandlerklient.storage.database import Database


class NewRow(NamedTuple):
    """One row of a bulk append, in the column order of `_INSERT` (a tuple: the demo build writes ~200,000)."""

    id: int
    at: str
    user_id: int | None
    action: str
    child_id: int | None
    object: str
    detail: str
    prev_hash: str
    hash: str
    uid: str
    origin_device: str


class ChainRow(NamedTuple):
    """One row as `verify` rehashes it, with the global names the schema-13 hash uses (a tuple with named
    fields: verify reads ~220,000 of them at 10,000 children)."""

    id: int
    at: str
    user_id: int | None
    action: str
    child_id: int | None
    object: str
    detail: str
    prev_hash: str
    hash: str
    uid: str
    origin_device: str
    username: str | None
    child_uid: str | None


_INSERT = ("INSERT INTO audit_log (id, at, user_id, action, child_id, object, detail, prev_hash, hash, uid, "
           "origin_device) VALUES ")
_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
# Rows a statement: 500 x 11 parameters, well under SQLite's 32,766.
CHUNK = 500
_MOVE_HEAD = "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1"


class AuditLogRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def head(self) -> tuple[int, str]:
        """(id, hash) of this device's last row: where the next row links."""
        r = self.db.query_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
        return r["last_id"], r["last_hash"]

    def append(self, values: dict[str, Any]) -> int:
        """One new row, and the head moved to it."""
        row_id = self.db.insert("audit_log", values)
        self.db.execute(_MOVE_HEAD, (row_id, values["hash"]))
        return row_id

    def last_id(self) -> int:
        """The log's last row id of any device (rows of other devices live here too)."""
        return int(self.db.scalar("SELECT coalesce(max(id), 0) FROM audit_log"))

    def append_many(self, rows: list[NewRow], *, last_id: int, last_hash: str) -> None:
        """Rows already chained (a bulk build, an import, a pull page), a statement per CHUNK rows, and the head moved
        to the last.

        Not one statement a row (executemany): record_many runs under a savepoint, and inside a savepoint SQLite
        truncates its in-memory sub-journal at the end of each statement by walking it from the start, so each row
        cost a walk over every page the savepoint had journaled so far: 117 us a row after a 4,000-record pull page
        (docs/sync.md "Speed, measured"). A statement of CHUNK rows walks it once."""
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            self.db.execute(_INSERT + ", ".join([_ROW] * len(chunk)), [v for row in chunk for v in row])
        self.db.execute(_MOVE_HEAD, (last_id, last_hash))

    def chain(self) -> Iterator[ChainRow]:
        """Every row in id order, with its user's name and its child's global id (named as the reader goes)."""
        cursor = self.db.execute(
            "SELECT a.id, a.at, a.user_id, a.action, a.child_id, a.object, a.detail, a.prev_hash, a.hash, "
            "a.uid, a.origin_device, u.username, c.uid FROM audit_log a "
            "LEFT JOIN users u ON u.id = a.user_id LEFT JOIN children c ON c.id = a.child_id ORDER BY a.id")
        cursor.row_factory = None  # plain tuples, named once: a Row made and then copied would double the cost
        return map(ChainRow._make, cursor.fetchall())

    def for_child(self, child_id: int) -> list[Any]:
        """The child's rows in id order: id, at, username, full_name, action, object, detail."""
        return self.db.query(
            "SELECT a.id, a.at, u.username, u.full_name, a.action, a.object, a.detail FROM audit_log a "
            "LEFT JOIN users u ON u.id = a.user_id WHERE a.child_id = ? ORDER BY a.id", (child_id,))
