"""Reviews (supervision of a session): the queue, a review with the session it is of, and the decisions the therapist
has not seen yet. Rows are read by field name; the decision and "seen" are events (storage/events.py folds them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class ReviewRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def child_id(self, review_id: int) -> int | None:
        """Whose session the review is of (events carry the child, so conflicts can be listed per child)."""
        return self.db.scalar("SELECT c.child_id FROM reviews r JOIN sessions s ON s.id = r.session_id "
                              "JOIN courses c ON c.id = s.course_id WHERE r.id = ?", (review_id,))

    def session(self, session_id: int) -> Row | None:
        """The session under review: every column of it, with its course's child_id and track_id."""
        return self.db.query_one("SELECT s.*, c.child_id, c.track_id FROM sessions s JOIN courses c "
                                 "ON c.id = s.course_id WHERE s.id = ?", (session_id,))

    def id_for_session(self, session_id: int) -> int | None:
        """The session's review, if it was ever sent (a session has at most one)."""
        return self.db.scalar("SELECT id FROM reviews WHERE session_id = ?", (session_id,))

    def add(self, *, session_id: int, reason: str, requested_by: int | None, now: datetime) -> int:
        return self.db.insert("reviews", {"session_id": session_id, "reason": reason, "requested_by": requested_by,
                                          "requested_at": to_text(now)})

    def get(self, review_id: int) -> Row | None:
        return self.db.query_one("SELECT * FROM reviews WHERE id = ?", (review_id,))

    def with_session_author(self, review_id: int) -> Row | None:
        """The review's columns with the reviewed session's author_id and the child_id of its course."""
        return self.db.query_one(
            "SELECT r.*, s.author_id, c.child_id FROM reviews r JOIN sessions s ON s.id = r.session_id "
            "JOIN courses c ON c.id = s.course_id WHERE r.id = ?", (review_id,))

    def pending(self, *, not_by: int | None) -> list[Row]:
        """Pending reviews of sessions someone else held, oldest request first: id, session_id, reason, full_name
        (the therapist), track_id, number, session_date, first_name, last_name (the child's), author_id."""
        return self.db.query(
            "SELECT r.id, r.session_id, r.reason, u.full_name, c.track_id, s.number, s.session_date, ch.first_name, "
            "ch.last_name, s.author_id FROM reviews r JOIN sessions s ON s.id = r.session_id "
            "JOIN courses c ON c.id = s.course_id "
            "JOIN children ch ON ch.id = c.child_id JOIN users u ON u.id = s.author_id "
            "WHERE r.status = 'pending' AND s.author_id != ? ORDER BY r.requested_at", (not_by,))

    def course_in_supervision(self, course_id: int) -> bool:
        """A session of the course was sent for review, or the course was discussed at a supervision meeting."""
        return bool(self.db.scalar(
            "SELECT 1 FROM reviews r JOIN sessions s ON s.id = r.session_id WHERE s.course_id = ? "
            "UNION SELECT 1 FROM supervision_meeting_courses WHERE course_id = ?", (course_id, course_id)))

    def unseen_decisions(self, author_id: int | None) -> list[Row]:
        """Decided reviews of the author's sessions she has not marked as seen, oldest decision first: id,
        session_id, child_id, status, comment, full_name (the supervisor), decided_at."""
        # CROSS JOIN keeps the unseen decisions (a partial index, a handful of rows) as the outer loop, whatever
        # the planner guesses about the size of the sessions table.
        return self.db.query(
            "SELECT r.id, r.session_id, c.child_id, r.status, r.comment, u.full_name, r.decided_at FROM reviews r "
            "CROSS JOIN sessions s ON s.id = r.session_id JOIN courses c ON c.id = s.course_id JOIN users u ON "
            "u.id = r.supervisor_id WHERE s.author_id = ? AND r.status != 'pending' AND r.seen_at IS NULL "
            "ORDER BY r.decided_at", (author_id,))
