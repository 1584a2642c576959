"""The sync backlog (schema 0025_outbox14): shared records written before the outbox existed, listed once per
laptop and turned into outbox envelopes a page at a time (services/sync/backlog.py)."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class BacklogRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def has_table(self) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_backlog'"))

    def queued_at(self) -> str | None:
        return self.db.scalar("SELECT backlog_queued_at FROM sync_state WHERE singleton = 1")

    def mark_queued(self, at: str) -> None:
        self.db.execute("UPDATE sync_state SET backlog_queued_at = ? WHERE singleton = 1", (at,))

    def list_table(self, kind: str, *, device: str, only: str | None) -> int:
        """This device's rows of `kind` that neither the outbox, the work list nor the received records know
        (`only`: an SQL condition on `t`, such as a signed record's flag). Returns how many were listed."""
        where = f" AND ({only})" if only else ""
        cursor = self.db.execute(
            f"INSERT OR IGNORE INTO sync_backlog (kind, record_id) SELECT ?, t.id FROM {kind} t "
            f"WHERE t.origin_device = ?{where} "
            "AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.kind = ? AND o.record_id = t.id) "
            "AND NOT EXISTS (SELECT 1 FROM sync_pending p WHERE p.kind = ? AND p.record_id = t.id) "
            "AND NOT EXISTS (SELECT 1 FROM sync_received r WHERE r.kind = ? AND r.record_id = t.id) "
            "ORDER BY t.id", (kind, device, kind, kind, kind))
        return int(cursor.rowcount)

    def list_events(self, aggregates: list[str], *, device: str) -> int:
        """This device's shared events (not a setting's) that the outbox, the work list and the received records
        do not know."""
        marks = ", ".join("?" for _ in aggregates)
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO sync_backlog (kind, record_id) SELECT 'events', e.id FROM events e "
            f"WHERE e.device = ? AND e.aggregate IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.uid = e.uid) "
            "AND NOT EXISTS (SELECT 1 FROM sync_pending p WHERE p.kind = 'events' AND p.record_id = e.id) "
            "AND NOT EXISTS (SELECT 1 FROM sync_received r WHERE r.kind = 'events' AND r.record_id = e.id) "
            "ORDER BY e.id", (device, *aggregates))
        return int(cursor.rowcount)

    def page(self, after: int, limit: int) -> list[Any]:
        return self.db.query("SELECT id, kind, record_id FROM sync_backlog WHERE id > ? ORDER BY id LIMIT ?",
                             (after, limit))

    def done(self, backlog_id: int) -> None:
        self.db.execute("DELETE FROM sync_backlog WHERE id = ?", (backlog_id,))

    def in_outbox(self, kind: str, record_id: int, uid: str | None) -> bool:
        if kind == "events":
            return bool(self.db.scalar("SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE uid = ?)", (uid,)))
        return bool(self.db.scalar("SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE kind = ? AND record_id = ?)",
                                   (kind, record_id)))

    def waiting(self) -> int:
        """Listed records still waiting (their author's key has not been unlocked here)."""
        if not self.has_table():
            return 0
        return int(self.db.scalar("SELECT count(*) FROM sync_backlog"))
