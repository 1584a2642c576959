"""Rows of the pathway's record tables (contacts, intakes, screenings, consents, coordination, notifications,
closings, follow-ups): one repository, since services.pathway.records saves and signs every kind the same way.

Table and column names come from the record-kind registry (services.pathway.record_kinds), never from a user."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database

_COLUMNS: dict[str, frozenset[str]] = {}


class PathwayRecordRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, table: str, record_id: int) -> dict[str, Any] | None:
        r = self.db.query_one(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
        return dict(r) if r is not None else None

    def add(self, table: str, row: dict[str, Any]) -> int:
        return self.db.insert(table, row)

    def update(self, table: str, record_id: int, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{c} = ?" for c in values)
        self.db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), record_id))

    def mark_signed(self, table: str, record_id: int, *, signed_at: str, author_column: str | None,
                    author_id: int | None) -> None:
        """A planned record nobody wrote yet (a follow-up) is signed by, and so written by, the one who signs it."""
        author = f", {author_column} = coalesce({author_column}, ?)" if author_column else ""
        self.db.execute(f"UPDATE {table} SET signed_at = ?{author} WHERE id = ? AND signed_at IS NULL",
                        (signed_at, *((author_id,) if author else ()), record_id))

    # -- look-ups the record kinds' rules need --------------------------------------------------
    def sdq_informants(self, course_id: int, child_id: int) -> tuple[set[str], set[str]]:
        """The informants with a closing SDQ of the course, and those with a baseline before it (a baseline
        belongs to the screening, or to the course)."""
        closing = {r[0] for r in self.db.query(
            "SELECT DISTINCT informant FROM sdq_responses WHERE course_id = ? AND phase = 'closing'", (course_id,))}
        baseline = {r[0] for r in self.db.query(
            "SELECT DISTINCT informant FROM sdq_responses WHERE child_id = ? AND phase = 'baseline' "
            "AND (course_id IS NULL OR course_id = ?)", (child_id, course_id))}
        return closing, baseline

    def delivered_sessions(self, course_id: int) -> int:
        return int(self.db.scalar("SELECT count(*) FROM sessions WHERE course_id = ? AND state = 'signed' "
                                  "AND attendance = 'held'", (course_id,)))

    def guardian_name(self, guardian_id: int | None) -> str:
        return self.db.scalar("SELECT name FROM guardians WHERE id = ?", (guardian_id,)) or ""

    def guardian_custody(self, guardian_id: int | None) -> dict[str, Any] | None:
        row = self.db.query_one("SELECT child_id, has_custody FROM guardians WHERE id = ?", (guardian_id,))
        return None if row is None else {"child_id": row["child_id"], "has_custody": row["has_custody"]}

    def birth_date(self, child_id: int | None) -> str | None:
        return self.db.scalar("SELECT birth_date FROM children WHERE id = ?", (child_id,))

    def contact_signed_at(self, contact_id: int | None) -> str | None:
        return self.db.scalar("SELECT signed_at FROM contacts WHERE id = ?", (contact_id,))

    def columns(self, table: str) -> frozenset[str]:
        """The table's column names (cached: the schema does not change while the program runs)."""
        if table not in _COLUMNS:
            _COLUMNS[table] = frozenset(r["name"] for r in self.db.query(f"PRAGMA table_info({table})"))
        return _COLUMNS[table]

    def unsigned(self, table: str, *, date_column: str, author_column: str,
                 author_id: int | None) -> list[dict[str, Any]]:
        """Drafts of one table: of one author, or of anyone (but not the planned ones nobody wrote yet)."""
        where = f"signed_at IS NULL AND {author_column} " + ("= ?" if author_id is not None else "IS NOT NULL")
        params = (author_id,) if author_id is not None else ()
        return [{"id": r["id"], "child_id": r["child_id"], "day": r["day"]} for r in self.db.query(
            f"SELECT id, child_id, {date_column} AS day FROM {table} WHERE {where}", params)]
