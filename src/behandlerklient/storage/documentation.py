"""Which documented steps of a course exist (the Faglig ramme checklist's facts), each a cheap existence check."""

from __future__ import annotations

from behandlerklient.storage.database import Database

# name -> (query, whether it is asked of the child or of the course)
_PRESENT = {
    "contact": ("SELECT 1 FROM contacts WHERE child_id = ? AND signed_at IS NOT NULL AND concern != ''", "child"),
    "intake": ("SELECT 1 FROM intakes WHERE child_id = ? AND signed_at IS NOT NULL AND decision_group IS NOT NULL",
               "child"),
    "screening": ("SELECT 1 FROM screenings WHERE child_id = ? AND signed_at IS NOT NULL AND child_account != '' "
                  "AND symptoms != ''", "child"),
    "baseline_sdq": ("SELECT 1 FROM sdq_responses WHERE child_id = ? AND phase = 'baseline'", "child"),
    "sessions": ("SELECT 1 FROM sessions WHERE course_id = ? AND state = 'signed' AND attendance = 'held'", "course"),
    "coordination": ("SELECT 1 FROM coordination_entries WHERE child_id = ? AND signed_at IS NOT NULL", "child"),
    "closing": ("SELECT 1 FROM closings WHERE course_id = ? AND signed_at IS NOT NULL", "course"),
}


class DocumentationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def present(self, *, child_id: int, course_id: int) -> dict[str, bool]:
        """contact, intake, screening, baseline_sdq, sessions, coordination, closing: is each documented?"""
        ids = {"child": child_id, "course": course_id}
        return {name: bool(self.db.scalar(sql, (ids[of],))) for name, (sql, of) in _PRESENT.items()}
