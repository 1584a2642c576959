"""Fidelity ratings of a session, one row per checklist item and kind of rater ('self' or 'supervisor').

The rows are the fold's cache of the rating events (storage/events.py writes them); here they are only read."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class FidelityRatingRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def for_session(self, session_id: int, rater_kind: str) -> list[Row]:
        """The session's ratings by one kind of rater: item_key, adherence, competence, comment and the rest."""
        return self.db.query("SELECT * FROM fidelity_ratings WHERE session_id = ? AND rater_kind = ?",
                             (session_id, rater_kind))
