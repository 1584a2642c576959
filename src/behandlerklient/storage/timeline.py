"""The rows a child's timeline is drawn from: each pathway step's date, state and author, read by field name."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class TimelineRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def contacts(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT id, contact_date, concern, signed_at, created_by FROM contacts "
                             "WHERE child_id = ? ORDER BY contact_date", (child_id,))

    def intakes(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT talk_date, talk_number, decision_group, signed_at, author_id FROM intakes "
                             "WHERE child_id = ?", (child_id,))

    def screenings(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT screening_date, outcome, risk_level, signed_at, author_id FROM screenings "
                             "WHERE child_id = ?", (child_id,))

    def sdq_responses(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT answered_on, informant, phase, signed_at, author_id FROM sdq_responses "
                             "WHERE child_id = ?", (child_id,))

    def consents(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT given_on, kind, party, withdraws_id, signed_at, author_id FROM consents "
                             "WHERE child_id = ?", (child_id,))

    def courses(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT id, start_date, end_date, track_id, status FROM courses WHERE child_id = ?",
                             (child_id,))

    def sessions(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT s.session_date, s.number, s.attendance, s.signed_at, s.author_id "
                             "FROM sessions s JOIN courses c ON c.id = s.course_id WHERE c.child_id = ?", (child_id,))

    def coordination(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT entry_date, partner, kind, signed_at, author_id FROM coordination_entries "
                             "WHERE child_id = ?", (child_id,))

    def notifications(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT notified_on, recipient, signed_at, author_id FROM notifications "
                             "WHERE child_id = ?", (child_id,))

    def closings(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT closing_date, effect, signed_at, author_id FROM closings WHERE child_id = ?",
                             (child_id,))

    def follow_ups(self, child_id: int) -> list[Row]:
        return self.db.query("SELECT due_date, done_on, kind, signed_at, author_id FROM follow_ups "
                             "WHERE child_id = ?", (child_id,))

    def first_steps(self, contact_id: int) -> dict[str, str | None]:
        """The first intake talk, screening and course start that followed one contact (ISO dates or None)."""
        return {"intake": self.db.scalar("SELECT min(talk_date) FROM intakes WHERE contact_id = ?", (contact_id,)),
                "screening": self.db.scalar("SELECT min(screening_date) FROM screenings WHERE contact_id = ?",
                                            (contact_id,)),
                "start": self.db.scalar("SELECT min(start_date) FROM courses WHERE contact_id = ?", (contact_id,))}
