"""Reviews (supervision of a session): the look-ups the decision and "seen" events need."""

from __future__ import annotations

from behandlerklient.storage.database import Database


class ReviewRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def child_id(self, review_id: int) -> int | None:
        """Whose session the review is of (events carry the child, so conflicts can be listed per child)."""
        return self.db.scalar("SELECT c.child_id FROM reviews r JOIN sessions s ON s.id = r.session_id "
                              "JOIN courses c ON c.id = s.course_id WHERE r.id = ?", (review_id,))
