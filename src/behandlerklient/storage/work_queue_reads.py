"""What the work queue reads about the user's own children: her caseload (and her supervisees'), and the waits that
matter for them. Every read is by child (indexed), so the queue costs what a caseload holds, not the register."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from behandlerklient.storage.database import Database

CHUNK = 500  # ids per IN (...) list


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i:i + CHUNK]


class WorkQueueReads:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _by_children(self, sql: str, child_ids: Iterable[int], params: tuple = ()) -> list[dict[str, Any]]:
        """`sql` has one `{ids}` for the child ids' placeholders, before `params`."""
        out: list[dict[str, Any]] = []
        for chunk in _chunks(child_ids):
            marks = ",".join("?" for _ in chunk)
            out += [dict(r) for r in self.db.query(sql.format(ids=marks), (*chunk, *params))]
        return out

    # -- whose children --------------------------------------------------------------------------
    def held_by(self, user_ids: Iterable[int]) -> set[int]:
        """Children on the caseload of, or shared with, any of these users now."""
        users = sorted(set(user_ids))
        if not users:
            return set()
        marks = ",".join("?" for _ in users)
        return {r[0] for r in self.db.query(
            f"SELECT DISTINCT child_id FROM caseloads WHERE user_id IN ({marks}) AND revoked_at IS NULL", tuple(users))}

    def any_caseload(self) -> bool:
        return self.db.scalar("SELECT 1 FROM caseloads WHERE revoked_at IS NULL LIMIT 1") is not None

    # -- the waits -------------------------------------------------------------------------------
    def newest_contacts(self, child_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Each child's newest signed contact, with whether it has an intake talk."""
        rows = self._by_children(
            "SELECT c.id, c.child_id, c.contact_date, EXISTS (SELECT 1 FROM intakes i WHERE i.contact_id = c.id) "
            "AS has_intake FROM contacts c WHERE c.child_id IN ({ids}) AND c.signed_at IS NOT NULL", child_ids)
        newest: dict[int, dict[str, Any]] = {}
        for r in rows:
            best = newest.get(r["child_id"])
            if best is None or (r["contact_date"], r["id"]) > (best["contact_date"], best["id"]):
                newest[r["child_id"]] = r
        return list(newest.values())

    def screened_without_course(self, child_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Signed screenings that offered a course, with no course opened on their contact."""
        return self._by_children(
            "SELECT s.id, s.child_id, s.screening_date, s.outcome_track_id FROM screenings s WHERE s.child_id IN "
            "({ids}) AND s.signed_at IS NOT NULL AND s.outcome = 'course' AND NOT EXISTS (SELECT 1 FROM courses c "
            "WHERE c.contact_id = s.contact_id)", child_ids)

    def courses_and_closings(self, child_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Every course of these children with its signed closing's date (None while open)."""
        return self._by_children(
            "SELECT c.id, c.child_id, c.track_id, c.status, c.start_date, (SELECT cl.closing_date FROM closings cl "
            "WHERE cl.course_id = c.id AND cl.signed_at IS NOT NULL) AS closing_date FROM courses c "
            "WHERE c.child_id IN ({ids})", child_ids)

    def disclosures(self, child_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Letters written to the GP (journalised disclosures): course and what the letter was."""
        return self._by_children(
            "SELECT course_id, body FROM journal_entries WHERE child_id IN ({ids}) AND source = 'disclosure' "
            "AND course_id IS NOT NULL", child_ids)
