"""SDQ responses: stored signed when recorded (a filled-in form is a fact), read back by child."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class SdqRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, values: dict[str, Any]) -> int:
        return self.db.insert("sdq_responses", values)

    def for_child(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT * FROM sdq_responses WHERE child_id = ? ORDER BY answered_on, id", (child_id,))

    def child_birth_date(self, child_id: int) -> str | None:
        """The child's birth date (ISO), for the self-report's age rule; one column, not the whole child."""
        return self.db.scalar("SELECT birth_date FROM children WHERE id = ?", (child_id,))

    def courses_with_closing(self, child_id: int) -> set[int]:
        """The child's courses whose closing is begun (a draft or signed), for the SDQ's time point."""
        return {r["course_id"] for r in self.db.query("SELECT course_id FROM closings WHERE child_id = ?", (child_id,))}
