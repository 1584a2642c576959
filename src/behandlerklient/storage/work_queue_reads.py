"""What the work queue reads: the user's drafts, the clinical tasks that are due, her caseload (and her supervisees'),
and the waits that matter for her children. The waits are read by child (indexed), so they cost what a caseload
holds, not the register. Rows are read by field name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from behandlerklient.storage.database import Database

Row = Any  # a sqlite Row: fields by name

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

    # -- the queue's sections ---------------------------------------------------------------------
    def session_drafts(self, author_id: int | None) -> list[Row]:
        """The author's unsigned sessions of a course (a group session's are the group's): id, child_id, number,
        session_date."""
        return self.db.query("SELECT s.id, c.child_id, s.number, s.session_date FROM sessions s JOIN courses c "
                             "ON c.id = s.course_id WHERE s.state = 'draft' AND s.author_id = ? "
                             "AND s.group_session_id IS NULL", (author_id,))

    def offered_without_screening(self) -> list[Row]:
        """Signed intake talks that offered a course (group 3) with no screening on their contact yet: child_id,
        talk_date, contact_id."""
        return self.db.query(
            "SELECT i.child_id, i.talk_date, i.contact_id FROM intakes i WHERE i.decision_group = 3 "
            "AND i.signed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM screenings s WHERE s.contact_id = i.contact_id)")

    def follow_ups_due(self, by: str) -> list[Row]:
        """Follow-ups not yet held that fall due on or before `by` (an ISO date), earliest first: id, child_id, kind,
        due_date."""
        return self.db.query("SELECT id, child_id, kind, due_date FROM follow_ups WHERE done_on IS NULL "
                             "AND due_date <= ? ORDER BY due_date", (by,))

    def active_courses(self, child_ids: Iterable[int] | None = None) -> list[Any]:
        """Every active course (of these children, when given) with its count of held, signed sessions: id,
        child_id, track_id, planned_sessions, held. The children are tested on the active courses' own index, so
        only the user's courses have their sessions counted."""
        sql = ("SELECT c.id, c.child_id, c.track_id, c.planned_sessions, (SELECT count(*) FROM sessions s WHERE "
               "s.course_id = c.id AND s.attendance = 'held' AND s.state = 'signed') AS held FROM courses c "
               "INDEXED BY courses_active WHERE c.status = 'active'")
        if child_ids is None:
            return self.db.query(sql)
        return self._by_children(sql + " AND c.child_id IN ({ids})", child_ids)

    def child_of_session(self, session_id: int) -> int | None:
        return self.db.scalar("SELECT c.child_id FROM sessions s JOIN courses c ON c.id = s.course_id "
                              "WHERE s.id = ?", (session_id,))

    def child_names(self, child_ids: set[int]) -> list[Row]:
        """id, first_name and last_name of each of these children (one statement, however many)."""
        if not child_ids:
            return []
        marks = ",".join("?" for _ in child_ids)
        return self.db.query(f"SELECT id, first_name, last_name FROM children WHERE id IN ({marks})",
                             tuple(child_ids))

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

    def courses_and_closings(self, child_ids: Iterable[int], *, closed_since: str) -> list[dict[str, Any]]:
        """The courses of these children that are active or were closed (signed) on or after `closed_since`, with
        the closing's date (None while open): the ones a GP letter can still be waiting for."""
        return self._by_children(
            "SELECT c.id, c.child_id, c.track_id, c.status, c.start_date, (SELECT cl.closing_date FROM closings cl "
            "WHERE cl.course_id = c.id AND cl.signed_at IS NOT NULL) AS closing_date FROM courses c "
            "WHERE c.child_id IN ({ids}) AND (c.status = 'active' OR EXISTS (SELECT 1 FROM closings cl "
            "WHERE cl.course_id = c.id AND cl.signed_at IS NOT NULL AND cl.closing_date >= ?))", child_ids,
            (closed_since,))

    def disclosures(self, child_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Letters written to the GP (journalised disclosures): course and what the letter was."""
        return self._by_children(
            "SELECT course_id, body FROM journal_entries WHERE child_id IN ({ids}) AND source = 'disclosure' "
            "AND course_id IS NOT NULL", child_ids)
