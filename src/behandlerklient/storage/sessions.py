"""Sessions of a course (drafts until signed) and the journal entries they become."""

from __future__ import annotations

from datetime import datetime

from behandlerklient.core import limits
from behandlerklient.core.models import JournalEntry, Session, SessionParts
from behandlerklient.storage.clock import date_text, from_text, parse_date, to_text
from behandlerklient.storage.database import Database


def _session(r) -> Session:
    return Session(id=r["id"], course_id=r["course_id"], number=r["number"],
                   session_date=parse_date(r["session_date"]), duration_min=r["duration_min"],
                   participants=r["participants"], format=r["format"],
                   parts=SessionParts(agenda=r["agenda"], status=r["status"], goals=r["goals"],
                                      exercise=r["exercise"], homework=r["homework"]),
                   state=r["state"], author_id=r["author_id"], signed_at=from_text(r["signed_at"]),
                   attendance=r["attendance"], own_note=r["own_note"], group_session_id=r["group_session_id"],
                   risk_level=r["risk_level"], risk_note=r["risk_note"])


def _entry(r) -> JournalEntry:
    return JournalEntry(id=r["id"], child_id=r["child_id"], course_id=r["course_id"], session_id=r["session_id"],
                        kind=r["kind"], title=r["title"], body=r["body"], author_id=r["author_id"],
                        author_role=r["author_role"], event_time=from_text(r["event_time"]),
                        written_at=from_text(r["written_at"]), signed_at=from_text(r["signed_at"]),
                        supersedes_id=r["supersedes_id"], source=r["source"], source_id=r["source_id"])


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, s: Session, *, now: datetime) -> Session:
        p = s.parts
        s.id = self.db.insert("sessions", {
            "course_id": s.course_id, "number": s.number, "session_date": date_text(s.session_date),
            "duration_min": s.duration_min, "participants": s.participants, "format": s.format,
            "agenda": p.agenda, "status": p.status, "goals": p.goals, "exercise": p.exercise,
            "homework": p.homework, "state": "draft", "author_id": s.author_id,
            "created_at": to_text(now), "updated_at": to_text(now), "signed_at": None})
        return s

    def update_draft(self, s: Session, *, now: datetime) -> bool:
        """Returns False when no draft with that id exists (e.g. it was signed meanwhile)."""
        p = s.parts
        limits.check_row("sessions", {"participants": s.participants, "agenda": p.agenda, "status": p.status,
                                      "goals": p.goals, "exercise": p.exercise, "homework": p.homework,
                                      "risk_note": s.risk_note})
        cur = self.db.execute(
            "UPDATE sessions SET session_date = ?, duration_min = ?, participants = ?, format = ?, agenda = ?, "
            "status = ?, goals = ?, exercise = ?, homework = ?, risk_level = ?, risk_note = ?, updated_at = ? "
            "WHERE id = ? AND state = 'draft'",
            (date_text(s.session_date), s.duration_min, s.participants, s.format, p.agenda, p.status, p.goals,
             p.exercise, p.homework, s.risk_level, s.risk_note, to_text(now), s.id))
        return cur.rowcount == 1

    def mark_signed(self, session_id: int, *, now: datetime) -> None:
        self.db.execute("UPDATE sessions SET state = 'signed', signed_at = ? WHERE id = ? AND state = 'draft'",
                        (to_text(now), session_id))

    def set_over_range_reason(self, s: Session, reason: str) -> None:
        self.db.execute("UPDATE sessions SET over_range_reason = ? WHERE id = ?", (reason, s.id))

    def set_attendance(self, s: Session, *, attendance: str, own_note: str) -> None:
        self.db.execute("UPDATE sessions SET attendance = ?, own_note = ? WHERE id = ?", (attendance, own_note, s.id))

    def get(self, session_id: int) -> Session | None:
        r = self.db.query_one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return _session(r) if r else None

    def for_course(self, course_id: int) -> list[Session]:
        return [_session(r) for r in self.db.query(
            "SELECT * FROM sessions WHERE course_id = ? ORDER BY number, id", (course_id,))]

    def signed_count(self, course_id: int) -> int:
        return int(self.db.scalar("SELECT count(*) FROM sessions WHERE course_id = ? AND state = 'signed' "
                                  "AND attendance = 'held'", (course_id,)))

    def next_number(self, course_id: int) -> int:
        """Held sessions count; a cancelled or missed one does not use up a number."""
        return int(self.db.scalar("SELECT coalesce(max(number), 0) + 1 FROM sessions WHERE course_id = ? "
                                  "AND attendance = 'held'", (course_id,)))

    def draft_in_course(self, course_id: int, author_id: int) -> Session | None:
        """The author's own unsigned individual session in the course (a group session's drafts are the group's)."""
        r = self.db.query_one("SELECT * FROM sessions WHERE course_id = ? AND state = 'draft' AND author_id = ? "
                              "AND group_session_id IS NULL ORDER BY number LIMIT 1", (course_id, author_id))
        return _session(r) if r else None

    def others_drafts_in_course(self, course_id: int, author_id: int) -> list[tuple[int, str]]:
        """(number, author's full name) of unsigned sessions other clinicians have open in the course."""
        return [(r["number"], r["full_name"]) for r in self.db.query(
            "SELECT s.number, u.full_name FROM sessions s JOIN users u ON u.id = s.author_id WHERE s.course_id = ? "
            "AND s.state = 'draft' AND s.author_id != ? ORDER BY s.number", (course_id, author_id))]

    def drafts_of(self, author_id: int) -> list[Session]:
        return [_session(r) for r in self.db.query(
            "SELECT * FROM sessions WHERE author_id = ? AND state = 'draft' ORDER BY updated_at DESC", (author_id,))]


class JournalRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, e: JournalEntry) -> JournalEntry:
        e.id = self.db.insert("journal_entries", {
            "child_id": e.child_id, "course_id": e.course_id, "session_id": e.session_id, "kind": e.kind,
            "title": e.title, "body": e.body, "author_id": e.author_id, "author_role": e.author_role,
            "event_time": to_text(e.event_time), "written_at": to_text(e.written_at),
            "signed_at": to_text(e.signed_at) if e.signed_at else None, "supersedes_id": e.supersedes_id,
            "source": e.source, "source_id": e.source_id})
        return e

    def get(self, entry_id: int) -> JournalEntry | None:
        r = self.db.query_one("SELECT * FROM journal_entries WHERE id = ?", (entry_id,))
        return _entry(r) if r else None

    def uid_of(self, entry_id: int) -> str:
        return str(self.db.scalar("SELECT uid FROM journal_entries WHERE id = ?", (entry_id,)))

    def is_corrected(self, entry_id: int) -> bool:
        """Whether a later entry supersedes this one."""
        return bool(self.db.scalar("SELECT 1 FROM journal_entries WHERE supersedes_id = ?", (entry_id,)))

    def for_child(self, child_id: int) -> list[JournalEntry]:
        return [_entry(r) for r in self.db.query(
            "SELECT * FROM journal_entries WHERE child_id = ? ORDER BY event_time, id", (child_id,))]

    def for_session(self, session_id: int) -> list[JournalEntry]:
        return [_entry(r) for r in self.db.query(
            "SELECT * FROM journal_entries WHERE session_id = ? ORDER BY id", (session_id,))]
