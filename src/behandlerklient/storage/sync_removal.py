"""Removing what another author wrote about a child from this laptop, once the server no longer gives it (access
revoked, supervision ended; docs/sync.md "Removal"), and the session frames a supervisor holds (migration
0024_access14.sql). Removal takes every received row and frame of the child whose author is not this user, children
first in reverse dependency order; a row still referenced by something this user wrote (a review her decision folds
into, a session she rated) stays with what it needs. The child's own row, when nothing but the audit log names it,
becomes a tombstone: its uid and id stay (the audit chain hashes the child's uid), everything else about the child
is blanked, and sync_tombstones lists it so lists and verify pass it by."""

from __future__ import annotations

import json
from typing import Any

from behandlerklient.storage.database import Database

# What a tombstone keeps of a child: its id and uid (and origin_device). The CPR column is unique and ten long.
_BLANK_CHILD = ("first_name = '', last_name = '', sort_key = '', birth_date = '', sex = '', home_municipality = '', "
                "treating_municipality = '', gp_id = NULL, address = '', school = ''")


class RemovalRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- session frames ---------------------------------------------------------------------------------
    def add_frame(self, *, record_id: int, uid: str, child_uid: str, seq: int, author: str, frame: str) -> None:
        self.db.execute("INSERT INTO sync_frames (record_id, uid, child_uid, seq, author, frame) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (record_id, uid, child_uid, seq, author, frame))
        # The frame is not this device's to sign or to send.
        self.db.execute("DELETE FROM signatures_pending WHERE kind = 'sessions' AND record_id = ?", (record_id,))
        self.db.execute("DELETE FROM sync_pending WHERE kind = 'sessions' AND record_id = ?", (record_id,))

    def insert_session(self, values: dict[str, Any]) -> int:
        return self.db.insert("sessions", values)

    def add_frames(self, frames: list[tuple[Any, ...]]) -> None:
        """A page's frames at once, once their sessions rows are written (SyncRepository.insert_many): each frame
        (record_id, uid, child_uid, seq, author, frame), then the work lists' rows of those sessions off, a statement
        each. An IntegrityError leaves the rows before the refused one written: the caller undoes them
        (FrameApplier.frames)."""
        self.db.executemany("INSERT INTO sync_frames (record_id, uid, child_uid, seq, author, frame) "
                            "VALUES (?, ?, ?, ?, ?, ?)", frames)
        ids = [(frame[0],) for frame in frames]
        self.db.executemany("DELETE FROM signatures_pending WHERE kind = 'sessions' AND record_id = ?", ids)
        self.db.executemany("DELETE FROM sync_pending WHERE kind = 'sessions' AND record_id = ?", ids)

    def frame_of(self, session_id: int) -> dict[str, Any] | None:
        """The frame a session row was made from, or None for a session held whole (own or signed record)."""
        text = self.db.scalar("SELECT frame FROM sync_frames WHERE record_id = ?", (session_id,))
        return None if text is None else dict(json.loads(text))

    def frames_without_course(self) -> list[Any]:
        """Frames quarantined because their course had not arrived (services/sync/frames.py retries them)."""
        return self.db.query("SELECT id, item FROM sync_quarantine WHERE kind = 'session_frames' "
                             "AND reason = 'frame_without_course' ORDER BY id")

    def release_quarantined(self, quarantine_ids: list[int]) -> None:
        """Takes records that have since been applied out of the quarantine (its DELETE-refusing trigger lifted for
        this transaction only and put back with its exact text, which verify compares with the migrations); the
        caller logs each release in the audit, and what was quarantined is held applied (a frame in sync_frames)."""
        if not quarantine_ids:
            return
        sql = self.db.scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'sync_quarantine_kept'")
        if sql is not None:
            self.db.execute("DROP TRIGGER sync_quarantine_kept")
        try:
            self.db.executemany("DELETE FROM sync_quarantine WHERE id = ?", [(i,) for i in quarantine_ids])
        finally:
            if sql is not None:
                self.db.execute(sql)

    def has_frames(self) -> bool:
        """Whether the schema has sync_frames (verify runs on older databases too)."""
        return bool(self.db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_frames'"))

    def child_of_course(self, course_id: int) -> int | None:
        return self.db.scalar("SELECT child_id FROM courses WHERE id = ?", (course_id,))

    def frames(self) -> list[Any]:
        return self.db.query("SELECT f.record_id, f.frame, s.* FROM sync_frames f "
                             "JOIN sessions s ON s.id = f.record_id ORDER BY f.id")

    def held_children(self, me: str) -> list[str]:
        """Children with received rows or frames of other authors here."""
        return [r[0] for r in self.db.query(
            "SELECT child_uid FROM sync_received WHERE child_uid IS NOT NULL AND author <> ? "
            "UNION SELECT child_uid FROM sync_frames WHERE author <> ?", (me, me))]

    def is_tombstone(self, kind: str, record_id: int) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM sync_tombstones WHERE kind = ? AND record_id = ?", (kind, record_id)))

    # -- removal ----------------------------------------------------------------------------------------
    def purge_child(self, child_uid: str, *, me: str, my_id: int, order: list[str], reason: str, at: str) -> int:
        """Removes the child's received rows and frames by other authors; returns how many. See the module text."""
        rows = [(r["id"], r["kind"], r["record_id"], "sync_received") for r in self.db.query(
            "SELECT id, kind, record_id FROM sync_received WHERE child_uid = ? AND author <> ?", (child_uid, me))]
        rows += [(r["id"], "sessions", r["record_id"], "sync_frames") for r in self.db.query(
            "SELECT id, record_id FROM sync_frames WHERE child_uid = ? AND author <> ?", (child_uid, me))]
        # A group session names no child: it came for the child's sessions in it, and goes after them (it is earlier
        # in `order`); while a session of another child held here still names it, its reference keeps it.
        rows += [(r["id"], "group_sessions", r["record_id"], "sync_received") for r in self.db.query(
            "SELECT r.id, r.record_id FROM sync_received r WHERE r.kind = 'group_sessions' AND r.author <> ? "
            "AND r.record_id IN (SELECT s.group_session_id FROM sessions s JOIN courses c ON c.id = s.course_id "
            "JOIN children ch ON ch.id = c.child_id WHERE ch.uid = ?)", (me, child_uid))]
        # A review this user decided: her decision folds into it, so it stays with her events.
        mine = {int(s) for (s,) in self.db.query(
            "SELECT DISTINCT subject FROM events WHERE aggregate = 'review' AND author_id = ?", (my_id,))
            if str(s).isdigit()}
        rows = [r for r in rows if not (r[1] == "reviews" and r[2] in mine)]
        rank = {kind: n for n, kind in enumerate(order)}
        rows.sort(key=lambda r: (-rank.get(r[1], -1), -r[2]))
        triggers = [tuple(t) for kind in sorted({r[1] for r in rows}) for t in self.db.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND sql LIKE '%BEFORE DELETE%'"
            " AND sql LIKE '%RAISE%'", (kind,))]
        for name, _sql in triggers:
            self.db.execute(f'DROP TRIGGER "{name}"')
        removed = 0
        try:
            for book_id, kind, record_id, book in rows:
                self.db.execute("SAVEPOINT sync_purge")
                try:
                    self.db.execute(f"DELETE FROM {book} WHERE id = ?", (book_id,))  # sync_frames references it
                    if kind == "children":
                        self._child(record_id, child_uid, reason=reason, at=at)
                    else:
                        self.db.execute(f"DELETE FROM {kind} WHERE id = ?", (record_id,))
                except Exception:  # noqa: BLE001 - still referenced by this user's own records: it stays
                    self.db.execute("ROLLBACK TO sync_purge")
                    self.db.execute("RELEASE sync_purge")
                    continue
                self.db.execute("RELEASE sync_purge")
                removed += 1
        finally:
            for _name, sql in triggers:
                self.db.execute(sql)
        return removed

    def _child(self, child_id: int, uid: str, *, reason: str, at: str) -> None:
        """Deletes the child's row, or, when only the audit log names it, blanks it to a tombstone. Raises when
        something else still references it (this user's own records: the child stays as it is)."""
        if self._referenced(child_id, ignore={"audit_log"}):
            raise LookupError("still referenced")
        if not self._referenced(child_id, ignore=set()):
            self.db.execute("DELETE FROM children WHERE id = ?", (child_id,))
            return
        self.db.execute(f"UPDATE children SET {_BLANK_CHILD}, cpr = ? WHERE id = ?", (f"X{child_id:09d}", child_id))
        self.db.execute("INSERT OR IGNORE INTO sync_tombstones (kind, record_id, uid, removed_at, reason) "
                        "VALUES ('children', ?, ?, ?, ?)", (child_id, uid, at, reason))

    def _referenced(self, child_id: int, *, ignore: set[str]) -> bool:
        tables = [r[0] for r in self.db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in ignore or table == "children":
                continue
            for fk in self.db.query(f'PRAGMA foreign_key_list("{table}")'):
                if fk["table"] == "children" and self.db.scalar(
                        f'SELECT 1 FROM "{table}" WHERE "{fk["from"]}" = ? LIMIT 1', (child_id,)):
                    return True
        return False
