"""Contacts (henvendelser) and courses (forløb) of a child."""

from __future__ import annotations

from datetime import datetime

from behandlerklient.core.models import Contact, Course
from behandlerklient.storage.clock import date_text, parse_date, to_text
from behandlerklient.storage.database import Database
from behandlerklient.storage.events import EventRepository


def _contact(r) -> Contact:
    return Contact(id=r["id"], child_id=r["child_id"], contact_date=parse_date(r["contact_date"]),
                   made_by=r["made_by"], made_by_detail=r["made_by_detail"], way=r["way"], channel=r["channel"],
                   concern=r["concern"], consent_to_share=bool(r["consent_to_share"]))


def _course(r) -> Course:
    return Course(id=r["id"], child_id=r["child_id"], track_id=r["track_id"], status=r["status"],
                  format=r["format"], start_date=parse_date(r["start_date"]), end_date=parse_date(r["end_date"]),
                  planned_sessions=r["planned_sessions"], contact_id=r["contact_id"], entry_route=r["entry_route"],
                  entry_note=r["entry_note"])


class PathwayRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_contact(self, c: Contact, *, created_by: int | None, now: datetime) -> Contact:
        c.id = self.db.insert("contacts", {
            "child_id": c.child_id, "contact_date": date_text(c.contact_date), "made_by": c.made_by,
            "made_by_detail": c.made_by_detail, "way": c.way, "channel": c.channel, "concern": c.concern,
            "consent_to_share": int(c.consent_to_share), "created_at": to_text(now), "created_by": created_by})
        return c

    def contacts(self, child_id: int) -> list[Contact]:
        return [_contact(r) for r in self.db.query(
            "SELECT * FROM contacts WHERE child_id = ? ORDER BY contact_date, id", (child_id,))]

    def add_course(self, c: Course, *, created_by: int | None, now: datetime, age_reason: str = "") -> Course:
        c.id = self.db.insert("courses", {
            "child_id": c.child_id, "track_id": c.track_id, "status": c.status, "format": c.format,
            "start_date": date_text(c.start_date), "end_date": date_text(c.end_date),
            "planned_sessions": c.planned_sessions, "created_at": to_text(now), "created_by": created_by,
            "age_reason": age_reason, "entry_route": c.entry_route, "entry_note": c.entry_note})
        return c

    def set_status(self, course_id: int, status: str, end_date, *, now: datetime, author_id: int | None,
                   child_id: int) -> None:
        """A status/end-date event; the courses columns follow the fold (schema 13)."""
        EventRepository(self.db).append(aggregate="course", subject=course_id, field="status", child_id=child_id,
                                        value={"status": status, "end_date": date_text(end_date)}, now=now,
                                        author_id=author_id)

    def set_field(self, course_id: int, field: str, value, *, now: datetime, author_id: int | None,
                  child_id: int, reason: str = "") -> None:
        """An event for the course's track_id, contact_id or closing_reason; the column follows the fold."""
        EventRepository(self.db).append(aggregate="course", subject=course_id, field=field, value=value, now=now,
                                        author_id=author_id, child_id=child_id, reason=reason)

    def latest_contact_id(self, child_id: int) -> int | None:
        return self.db.scalar("SELECT id FROM contacts WHERE child_id = ? ORDER BY contact_date DESC, id DESC LIMIT 1",
                              (child_id,))

    def latest_screening_id(self, child_id: int) -> int | None:
        return self.db.scalar("SELECT id FROM screenings WHERE child_id = ? ORDER BY id DESC LIMIT 1", (child_id,))

    def next_open_follow_up_id(self, child_id: int) -> int | None:
        return self.db.scalar("SELECT id FROM follow_ups WHERE child_id = ? AND signed_at IS NULL "
                              "ORDER BY due_date, id LIMIT 1", (child_id,))

    def has_signed_screening(self, child_id: int) -> bool:
        return self.db.scalar("SELECT 1 FROM screenings WHERE child_id = ? AND signed_at IS NOT NULL LIMIT 1",
                              (child_id,)) is not None

    def add_change(self, course_id: int, kind: str, old: str, new: str, reason: str, *, on, author_id: int,
                   now: datetime) -> None:
        self.db.insert("course_changes", {"course_id": course_id, "changed_on": date_text(on), "kind": kind,
                                          "old_value": old, "new_value": new, "reason": reason.strip(),
                                          "author_id": author_id, "created_at": to_text(now)})

    def closing(self, closing_id: int) -> dict:
        return dict(self.db.query_one("SELECT * FROM closings WHERE id = ?", (closing_id,)))

    def course(self, course_id: int) -> Course | None:
        r = self.db.query_one("SELECT * FROM courses WHERE id = ?", (course_id,))
        return _course(r) if r else None

    def courses(self, child_id: int) -> list[Course]:
        return [_course(r) for r in self.db.query(
            "SELECT * FROM courses WHERE child_id = ? ORDER BY start_date, id", (child_id,))]

    def course_summaries(self) -> list[dict]:
        """Every course with its count of signed sessions (for listings and reports)."""
        rows = self.db.query(
            "SELECT c.id, c.child_id, c.track_id, c.status, c.start_date, c.planned_sessions, "
            "(SELECT count(*) FROM sessions s WHERE s.course_id = c.id AND s.state = 'signed' "
            " AND s.attendance = 'held') AS delivered, "
            "(SELECT count(*) FROM sessions s WHERE s.course_id = c.id AND s.attendance = 'cancelled') AS cancelled, "
            "(SELECT count(*) FROM sessions s WHERE s.course_id = c.id AND s.attendance = 'missed') AS missed "
            "FROM courses c ORDER BY c.id")
        return [dict(r) for r in rows]
