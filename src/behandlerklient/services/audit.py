"""The append-only, hash-chained audit log: who viewed, created, signed, corrected, exported or imported what."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database

ACTIONS = {"view": "Visning", "create": "Oprettelse", "update": "Ændring af kladde", "sign": "Underskrift",
           "correct": "Rettelse", "export": "Udlevering/eksport", "import": "Import", "user": "Brugeradministration",
           "supervise": "Supervision", "master_data": "Ændring af stamdata"}


def _hash(prev: str, row_id: int, at: str, user_id: int | None, action: str, child_id: int | None,
          obj: str, detail: str) -> str:
    payload = json.dumps([prev, row_id, at, user_id, action, child_id, obj, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(db: Database, *, user_id: int | None, action: str, now: datetime, child_id: int | None = None,
           obj: str = "", detail: str = "") -> None:
    """Append one row; call inside the transaction of the change it records, so both or neither land."""
    if db.bulk:
        # A bulk build chains its rows in memory and writes them all just before its one COMMIT.
        db.defer("audit", lambda: _Chain(db)).add(user_id, action, to_text(now), child_id, obj, detail)
        return
    with db.transaction():
        last_id, last_hash = db.query_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
        row_id, at = last_id + 1, to_text(now)
        digest = _hash(last_hash, row_id, at, user_id, action, child_id, obj, detail)
        db.insert("audit_log", {"id": row_id, "at": at, "user_id": user_id, "action": action, "child_id": child_id,
                                "object": obj, "detail": detail, "prev_hash": last_hash, "hash": digest})
        db.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1", (row_id, digest))
        if user_id is not None:  # signed with the user's next seal at commit (services.seal.flush)
            db.unsealed_audit.append((row_id, user_id, digest))


class _Chain:
    """Rows chained exactly as `record` chains them one by one, kept until the bulk transaction commits."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.last_id, self.last_hash = db.query_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
        self.rows: list[tuple] = []

    def add(self, user_id: int | None, action: str, at: str, child_id: int | None, obj: str, detail: str) -> None:
        self.last_id += 1
        digest = _hash(self.last_hash, self.last_id, at, user_id, action, child_id, obj, detail)
        self.rows.append((self.last_id, at, user_id, action, child_id, obj, detail, self.last_hash, digest))
        self.last_hash = digest
        if user_id is not None:  # signed with the user's next seal at commit, once the row is written
            self.db.unsealed_audit.append((self.last_id, user_id, digest))

    def flush(self) -> None:
        if self.rows:
            _insert(self.db, self.rows, self.last_id, self.last_hash)
            self.rows = []

    def discard(self) -> None:
        self.rows = []


def _insert(db: Database, rows: list[tuple], last_id: int, last_hash: str) -> None:
    db.executemany("INSERT INTO audit_log (id, at, user_id, action, child_id, object, detail, prev_hash, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1", (last_id, last_hash))


def record_many(db: Database, *, user_id: int | None, action: str, now: datetime,
                entries: list[tuple[int | None, str, str]]) -> None:
    """Many rows (child_id, object, detail) of one action, chained exactly as `record` chains them one by one
    (an import audits each record it writes: one statement for all instead of three each)."""
    if not entries:
        return
    with db.transaction():
        chain = db.defer("audit", lambda: _Chain(db)) if db.bulk else _Chain(db)
        at = to_text(now)
        for child_id, obj, detail in entries:
            chain.add(user_id, action, at, child_id, obj, detail)
        if not db.bulk:
            chain.flush()


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    rows: int
    detail: str


def verify_chain(db: Database) -> ChainCheck:
    prev, expected_id, count = "", 1, 0
    for r in db.query("SELECT id, at, user_id, action, child_id, object, detail, prev_hash, hash FROM audit_log ORDER BY id"):
        if r[0] != expected_id:
            return ChainCheck(False, count, f"række {expected_id} mangler i revisionssporet")
        if r[7] != prev or _hash(prev, *r[:7]) != r[8]:
            return ChainCheck(False, count, f"række {r[0]} i revisionssporet er ændret")
        prev, expected_id, count = r[8], expected_id + 1, count + 1
    last_id, last_hash = db.query_one("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
    if last_id != count or last_hash != prev:
        return ChainCheck(False, count, "de seneste rækker i revisionssporet mangler eller er ændret")
    return ChainCheck(True, count, f"{count} rækker, kæden er intakt")


def export_for_child(*, ws, child_id: int) -> list[dict]:  # noqa: ANN001 - a Workspace
    """The child's access log, itself an export that is logged (after the rows it returns)."""
    from behandlerklient.core.errors import NotFound

    if ws.db.scalar("SELECT 1 FROM children WHERE id = ?", (child_id,)) is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    rows = for_child(ws.db, child_id)
    with ws.db.transaction():
        record(ws.db, user_id=ws.user.id, action="export", now=ws.clock(), child_id=child_id, obj="audit-log")
    return rows


def for_child(db: Database, child_id: int) -> list[dict]:
    rows = db.query(
        "SELECT a.id, a.at, u.username, u.full_name, a.action, a.object, a.detail FROM audit_log a "
        "LEFT JOIN users u ON u.id = a.user_id WHERE a.child_id = ? ORDER BY a.id", (child_id,))
    return [{"id": r[0], "at": r[1], "user": r[2], "user_name": r[3], "action": r[4],
             "action_label": ACTIONS.get(r[4], r[4]), "object": r[5], "detail": r[6]} for r in rows]
