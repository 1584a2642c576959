"""Consents as signed records (drafts count for nothing), read by field name."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name


class ConsentRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def signed(self, child_id: int) -> list[Row]:
        """The child's signed consents and withdrawals, oldest first."""
        return self.db.query("SELECT * FROM consents WHERE child_id = ? AND signed_at IS NOT NULL "
                             "ORDER BY given_on, id", (child_id,))
