"""The facts the next-step rule (core/next_step.py) decides on, for one child: the newest contact and its intake,
screening and course, the active course with its held sessions and closing draft, the open follow-up and the
contact its course came from."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class NextStepReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _one(self, sql: str, params: tuple) -> dict[str, Any] | None:
        row = self.db.query_one(sql, params)
        return None if row is None else dict(row)

    def latest_contact(self, child_id: int) -> dict[str, Any] | None:
        return self._one("SELECT id, signed_at FROM contacts WHERE child_id = ? ORDER BY contact_date DESC, id DESC",
                         (child_id,))

    def latest_intake(self, contact_id: int) -> dict[str, Any] | None:
        return self._one("SELECT id, signed_at, decision_group, talk_number FROM intakes WHERE contact_id = ? "
                         "ORDER BY talk_number DESC, id DESC", (contact_id,))

    def latest_screening(self, contact_id: int) -> dict[str, Any] | None:
        return self._one("SELECT id, signed_at, outcome, outcome_track_id FROM screenings WHERE contact_id = ? "
                         "ORDER BY id DESC", (contact_id,))

    def course_on_contact(self, contact_id: int) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM courses WHERE contact_id = ?", (contact_id,)))

    def active_course(self, child_id: int) -> dict[str, Any] | None:
        return self._one(
            "SELECT c.id, c.start_date, c.planned_sessions, (SELECT count(*) FROM sessions s WHERE s.course_id = c.id "
            "AND s.attendance = 'held' AND s.state = 'signed') AS held, (SELECT cl.id FROM closings cl WHERE "
            "cl.course_id = c.id AND cl.signed_at IS NULL) AS closing_id FROM courses c WHERE c.child_id = ? AND "
            "c.status = 'active' ORDER BY c.start_date DESC, c.id DESC", (child_id,))

    def open_follow_up(self, child_id: int) -> dict[str, Any] | None:
        """The earliest unsigned follow-up, with the contact its course came from (None: the course had none)."""
        return self._one("SELECT f.id, f.kind, f.due_date, c.contact_id FROM follow_ups f "
                         "LEFT JOIN courses c ON c.id = f.course_id WHERE f.child_id = ? AND f.signed_at IS NULL "
                         "ORDER BY f.due_date, f.id", (child_id,))
