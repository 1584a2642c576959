"""Reading a course's recorded changes (status, track, ...); they are appended by PathwayRepository.add_change."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class CourseChangeRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def latest_per_course(self, course_ids: list[int]) -> dict[int, Row]:
        """The newest change of each given course (course_id, kind, old_value, new_value, reason, changed_on)."""
        if not course_ids:
            return {}
        marks = ", ".join("?" for _ in course_ids)
        return {r["course_id"]: r for r in self.db.query(
            "SELECT course_id, kind, old_value, new_value, reason, changed_on FROM course_changes "
            f"WHERE course_id IN ({marks}) ORDER BY id", tuple(course_ids))}
