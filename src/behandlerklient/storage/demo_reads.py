"""The few reads the demo builder (services/demo/demo.py) needs between the use cases it calls."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class DemoReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    def taken_cprs(self) -> set[str]:
        return {r["cpr"] for r in self.db.query("SELECT cpr FROM children")}

    def review_id(self, session_id: int) -> int | None:
        """The supervision review a session was sampled for, if any."""
        return self.db.scalar("SELECT id FROM reviews WHERE session_id = ?", (session_id,))

    def follow_up(self, course_id: int) -> Row | None:
        """The follow-up planned when the course closed (id, due_date)."""
        return self.db.query_one("SELECT id, due_date FROM follow_ups WHERE course_id = ?", (course_id,))
