"""The suicide-risk assessments of a child (signed screenings and sessions' risk checks) and the crisis plan of
the latest elevated one. Rows by field name."""

from __future__ import annotations

from typing import Any

from behandlerklient.storage.database import Database


class RiskRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def assessments(self, child_id: int) -> list[dict[str, Any]]:
        """(day, level, source, id) of every signed assessment of the child, oldest first."""
        rows = self.db.query(
            "SELECT screening_date AS day, risk_level AS level, 'screening' AS source, id FROM screenings "
            "WHERE child_id = ? AND signed_at IS NOT NULL AND risk_level IS NOT NULL "
            "UNION ALL SELECT s.session_date, s.risk_level, 'session', s.id FROM sessions s "
            "JOIN courses c ON c.id = s.course_id WHERE c.child_id = ? AND s.state = 'signed' "
            "AND s.risk_level IS NOT NULL ORDER BY day, id", (child_id, child_id))
        return [dict(r) for r in rows]

    def latest_crisis_plan(self, child_id: int) -> dict[str, str]:
        """The crisis plan of the child's latest signed screening with an elevated risk ({} if none)."""
        r = self.db.query_one(
            "SELECT crisis_warning_signs, crisis_own_coping, crisis_people, crisis_professionals, "
            "crisis_means_safety FROM screenings WHERE child_id = ? AND signed_at IS NOT NULL "
            "AND risk_level IN ('moderate', 'high', 'acute') ORDER BY screening_date DESC, id DESC LIMIT 1",
            (child_id,))
        return {} if r is None else dict(r)
