"""The database's own checks for `verify`: SQLCipher page HMACs, SQLite integrity, foreign keys, and whether the
search index matches the register."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class IntegrityChecks:
    def __init__(self, db: Database) -> None:
        self.db = db

    def cipher_problems(self) -> list[str]:
        """Pages whose HMAC does not match (empty when all are intact)."""
        return [r[0] for r in self.db.query("PRAGMA cipher_integrity_check")]

    def integrity(self) -> list[str]:
        """SQLite's integrity_check lines (["ok"] when intact)."""
        return [r[0] for r in self.db.query("PRAGMA integrity_check")]

    def foreign_key_violations(self) -> list[Any]:
        """Rows whose reference is broken (each with its table first)."""
        return self.db.query("PRAGMA foreign_key_check")

    def stale_search_terms(self) -> int:
        """How many search-index rows differ from what the register's names and CPR numbers give."""
        return int(self.db.scalar(
            "WITH expected AS (SELECT t.value, c.sort_key, c.id FROM children c, "
            "json_each(search_terms(c.first_name, c.last_name, c.cpr)) t), "
            "stored AS (SELECT term, sort_key, child_id FROM child_search_terms) "
            "SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored)) "
            "+ (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected))") or 0)
