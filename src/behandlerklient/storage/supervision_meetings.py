"""Supervision meetings (group or individual) and the courses discussed at each."""

from __future__ import annotations

from datetime import date, datetime

from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database


class SupervisionMeetingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, *, meeting_date: date, kind: str, supervisor_id: int | None, notes: str, now: datetime) -> int:
        return self.db.insert("supervision_meetings", {"meeting_date": meeting_date.isoformat(), "kind": kind,
                                                       "supervisor_id": supervisor_id, "notes": notes,
                                                       "created_at": to_text(now)})

    def add_course(self, meeting_id: int, course_id: int) -> None:
        self.db.insert("supervision_meeting_courses", {"meeting_id": meeting_id, "course_id": course_id})

    def child_of_course(self, course_id: int) -> int | None:
        """Whose course was discussed (each course's audit row names the child); None for an unknown course."""
        return self.db.scalar("SELECT child_id FROM courses WHERE id = ?", (course_id,))
