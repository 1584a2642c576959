"""The rows the conflict checks read: signed records that should be one per course, entry, session or group
meeting but are several (after a merge of two laptops), and events of one field written on several devices."""

from __future__ import annotations

import json

from behandlerklient.core.conflicts import SignedRecord
from behandlerklient.core.events import Event
from behandlerklient.storage.database import Database
from behandlerklient.storage.events import event_from_row


def _child_filter(column: str, child_id: int | None) -> tuple[str, tuple]:
    return ("", ()) if child_id is None else (f" AND {column} = ?", (child_id,))


def _records(rows) -> list[SignedRecord]:
    return [SignedRecord(id=r["id"], uid=r["uid"], group=str(r["grp"]), child_id=r["child_id"],
                         author=r["author"] or "?", signed_at=r["signed_at"] or "", author_id=r["author_id"],
                         decision=r["decision"] or "")
            for r in rows]


_KIND_TABLES = {"correction": "journal_entries", "closing": "closings", "review": "reviews",
                "group_session": "group_sessions"}


class ConflictRecordRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def contested_events(self, child_id: int | None = None) -> list[Event]:
        """Events of fields that more than one device has written (the only ones that can disagree)."""
        devices = self.db.query_one("SELECT (SELECT min(device) FROM events), (SELECT max(device) FROM events)")
        if devices[0] == devices[1]:
            return []  # one device wrote everything (every laptop before its first sync): nothing to compare
        where, params = _child_filter("e.child_id", child_id)
        return [event_from_row(r) for r in self.db.query(
            "SELECT e.* FROM events e WHERE e.aggregate != 'resolution' AND EXISTS (SELECT 1 FROM events o "
            "WHERE o.aggregate = e.aggregate AND o.subject_uid = e.subject_uid AND o.field = e.field "
            "AND o.device != e.device)"
            f"{where} ORDER BY e.hlc, e.device, e.uid", params)]

    def double_closings(self, child_id: int | None = None) -> list[SignedRecord]:
        where, params = _child_filter("c.child_id", child_id)
        return _records(self.db.query(
            "SELECT c.id, c.uid, (SELECT uid FROM courses WHERE id = c.course_id) AS grp, c.child_id, "
            "u.full_name AS author, c.author_id, c.signed_at, c.status AS decision FROM closings c "
            "LEFT JOIN users u ON u.id = c.author_id "
            "WHERE c.signed_at IS NOT NULL AND c.course_id IN (SELECT course_id FROM closings "
            f"WHERE signed_at IS NOT NULL GROUP BY course_id HAVING count(*) > 1){where} ORDER BY c.id", params))

    def double_corrections(self, child_id: int | None = None) -> list[SignedRecord]:
        where, params = _child_filter("j.child_id", child_id)
        return _records(self.db.query(
            "SELECT j.id, j.uid, (SELECT uid FROM journal_entries WHERE id = j.supersedes_id) AS grp, j.child_id, "
            "u.full_name AS author, j.author_id, j.signed_at, NULL AS decision FROM journal_entries j "
            "LEFT JOIN users u ON u.id = j.author_id "
            "WHERE j.signed_at IS NOT NULL AND j.supersedes_id IN (SELECT supersedes_id FROM journal_entries "
            "WHERE supersedes_id IS NOT NULL AND signed_at IS NOT NULL GROUP BY supersedes_id HAVING count(*) > 1)"
            f"{where} ORDER BY j.id", params))

    def double_review_decisions(self, child_id: int | None = None) -> list[SignedRecord]:
        """Decided reviews of one session (two laptops each sampled and decided it)."""
        where, params = _child_filter("c.child_id", child_id)
        return _records(self.db.query(
            "SELECT r.id, r.uid, s.uid AS grp, c.child_id, u.full_name AS author, r.supervisor_id AS author_id, "
            "r.decided_at AS signed_at, r.status AS decision FROM reviews r JOIN sessions s ON s.id = r.session_id "
            "JOIN courses c ON c.id = s.course_id LEFT JOIN users u ON u.id = r.supervisor_id "
            "WHERE r.status != 'pending' AND r.session_id IN (SELECT session_id FROM reviews WHERE status != 'pending' "
            f"GROUP BY session_id HAVING count(*) > 1){where} ORDER BY r.id", params))

    def double_group_sessions(self, child_id: int | None = None) -> list[SignedRecord]:
        """Signed group sessions of one track, number and date sharing a participating course, by two authors."""
        where, params = ("", ()) if child_id is None else (
            " AND EXISTS (SELECT 1 FROM sessions s JOIN courses c ON c.id = s.course_id "
            "WHERE s.group_session_id = g.id AND c.child_id = ?)", (child_id,))
        return _records(self.db.query(
            "SELECT g.id, g.uid, g.track_id || ':' || g.number || ':' || g.session_date AS grp, NULL AS child_id, "
            "u.full_name AS author, g.author_id, g.signed_at, NULL AS decision FROM group_sessions g "
            "LEFT JOIN users u ON u.id = g.author_id WHERE g.signed_at IS NOT NULL "
            "AND (g.track_id, g.number, g.session_date) IN (SELECT track_id, number, session_date FROM group_sessions "
            "WHERE signed_at IS NOT NULL GROUP BY track_id, number, session_date HAVING count(DISTINCT author_id) > 1) "
            "AND EXISTS ("
            "SELECT 1 FROM group_sessions o JOIN sessions so ON so.group_session_id = o.id "
            "JOIN sessions sg ON sg.group_session_id = g.id AND sg.course_id = so.course_id "
            "WHERE o.id != g.id AND o.signed_at IS NOT NULL AND o.track_id = g.track_id AND o.number = g.number "
            f"AND o.session_date = g.session_date AND o.author_id != g.author_id){where} ORDER BY g.id", params))

    def rejected(self, kind: str, child_id: int) -> set[int]:
        """Ids here of the `kind` records that a resolution of the child's set aside (its versions but not the
        one it keeps). Resolutions are few: the child's are read through the events' child index."""
        uids: set[str] = set()
        for (value,) in self.db.query("SELECT value FROM events WHERE child_id = ? AND aggregate = 'resolution'",
                                      (child_id,)):
            choice = json.loads(value)
            if choice.get("kind") == kind:
                uids |= set(choice.get("versions") or ()) - {choice.get("keep")}
        if not uids:
            return set()
        marks = ",".join("?" for _ in uids)
        return {r[0] for r in self.db.query(f"SELECT id FROM {_KIND_TABLES[kind]} WHERE uid IN ({marks})",
                                            tuple(sorted(uids)))}

    def group_session_children(self, group_session_id: int) -> list[int]:
        return [r[0] for r in self.db.query(
            "SELECT DISTINCT c.child_id FROM sessions s JOIN courses c ON c.id = s.course_id "
            "WHERE s.group_session_id = ? ORDER BY c.child_id", (group_session_id,))]
