"""Group sessions: the shared draft, and the participants' linked sessions in their own courses."""

from __future__ import annotations

from typing import Any

from behandlerklient.core.models import Session, SessionParts
from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class GroupSessionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, values: dict[str, Any]) -> int:
        return self.db.insert("group_sessions", values)

    def get(self, group_id: int) -> Row | None:
        return self.db.query_one("SELECT * FROM group_sessions WHERE id = ?", (group_id,))

    def link(self, session: Session, group_id: int) -> None:
        """Make a course's draft session one participant's part of the group session."""
        self.db.execute("UPDATE sessions SET group_session_id = ? WHERE id = ?", (group_id, session.id))

    def candidates(self, track_id: str) -> list[Row]:
        """Active courses on the track (id, child_name), in the child list's order."""
        return self.db.query("SELECT c.id, ch.first_name || ' ' || ch.last_name AS child_name FROM courses c "
                             "JOIN children ch ON ch.id = c.child_id WHERE c.track_id = ? AND c.status = 'active' "
                             "ORDER BY ch.sort_key", (track_id,))

    def participants(self, group_id: int) -> list[Row]:
        return self.db.query(
            "SELECT s.id AS session_id, s.course_id, c.child_id, ch.first_name || ' ' || ch.last_name AS child_name, "
            "s.attendance, s.own_note, s.risk_level, s.risk_note FROM sessions s JOIN courses c ON c.id = s.course_id "
            "JOIN children ch ON ch.id = c.child_id WHERE s.group_session_id = ? ORDER BY ch.sort_key", (group_id,))

    def update_shared(self, group_id: int, parts: SessionParts) -> bool:
        """False when no unsigned group session has that id."""
        cur = self.db.execute(
            "UPDATE group_sessions SET agenda = ?, status = ?, goals = ?, exercise = ?, homework = ? "
            "WHERE id = ? AND signed_at IS NULL",
            (parts.agenda, parts.status, parts.goals, parts.exercise, parts.homework, group_id))
        return cur.rowcount == 1

    def update_participant(self, session_id: int, *, attendance: str, own_note: str, risk_level: str | None,
                           risk_note: str) -> bool:
        """False when the participant's session is signed, gone or not part of a group."""
        cur = self.db.execute("UPDATE sessions SET attendance = ?, own_note = ?, risk_level = ?, risk_note = ? "
                              "WHERE id = ? AND state = 'draft' AND group_session_id IS NOT NULL",
                              (attendance, own_note, risk_level, risk_note, session_id))
        return cur.rowcount == 1

    def mark_signed(self, group_id: int, *, signed_at: str) -> None:
        self.db.execute("UPDATE group_sessions SET signed_at = ? WHERE id = ?", (signed_at, group_id))

    def copy_shared_into(self, session_id: int, shared: dict[str, str], *, updated_at: str) -> None:
        """The shared text becomes the participant's session text, as signed."""
        self.db.execute("UPDATE sessions SET agenda = ?, status = ?, goals = ?, exercise = ?, homework = ?, "
                        "updated_at = ? WHERE id = ?",
                        (shared["agenda"], shared["status"], shared["goals"], shared["exercise"], shared["homework"],
                         updated_at, session_id))
