"""Questionnaire responses other than the SDQ: stored signed when recorded."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class QuestionnaireRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, values: dict[str, Any]) -> int:
        return self.db.insert("questionnaire_responses", values)
