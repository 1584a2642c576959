"""Contacts and courses: recording a henvendelse and opening a course on a track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core import course_rules
from behandlerklient.core.errors import InvalidInput, NotFound
from behandlerklient.core.models import Contact, Course
from behandlerklient.core.vocab import CONTACT_CHANNEL, CONTACT_MADE_BY, CONTACT_WAY, SESSION_FORMAT
from behandlerklient.services.changes import Changes
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.pathway import PathwayRepository


def add_contact(*, ws: Workspace, child_id: int, contact_date: date, made_by: str, way: str, concern: str,
                made_by_detail: str = "", channel: str = "phone", consent_to_share: bool = False) -> Changes:
    for value, vocab, what in ((made_by, CONTACT_MADE_BY, "hvem der henvendte sig"), (way, CONTACT_WAY, "vej"),
                               (channel, CONTACT_CHANNEL, "kanal")):
        if value not in vocab:
            raise InvalidInput(f"Ukendt {what}: {value!r}.")
    if ChildRepository(ws.db).get(child_id) is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    contact = Contact(None, child_id, contact_date, made_by, way, concern, made_by_detail, channel, consent_to_share)
    with ws.db.transaction():
        PathwayRepository(ws.db).add_contact(contact, created_by=ws.user.id, now=ws.clock())
    return Changes(contacts=True, child_id=child_id)


@dataclass
class OpenedCourse:
    course: Course
    warnings: list[str]
    changes: Changes


def open_course(*, ws: Workspace, child_id: int, track_id: str, start_date: date,
                planned_sessions: int | None = None, format: str | None = None) -> OpenedCourse:
    """Opens a course; an age outside the track's or a planned count outside its range is a warning."""
    child = ChildRepository(ws.db).get(child_id)
    if child is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    track = ws.catalogue.tracks.get(track_id)
    if track is None:
        raise InvalidInput(f"Ukendt spor {track_id!r}.")
    fmt = format or track.formats[0]
    if fmt not in SESSION_FORMAT:
        raise InvalidInput(f"Ukendt format {fmt!r}.")
    planned = planned_sessions or track.sessions_nominal
    if planned < 1:
        raise InvalidInput("Antal planlagte sessioner skal være mindst 1.")
    warnings = []
    elig = course_rules.eligibility(track, child.birth_date, start_date)
    if not elig.ok:
        warnings.append(elig.message)
    outside = course_rules.planned_outside_range(track, planned)
    if outside:
        warnings.append(outside)
    if fmt not in track.formats:
        warnings.append(f"{track.name} beskriver ikke formatet '{SESSION_FORMAT[fmt].lower()}'.")
    course = Course(None, child_id, track_id, start_date, planned, "active", fmt)
    with ws.db.transaction():
        PathwayRepository(ws.db).add_course(course, created_by=ws.user.id, now=ws.clock())
    return OpenedCourse(course, warnings, Changes(courses=True, child_id=child_id))


def end_course(*, ws: Workspace, course_id: int, status: str, end_date: date) -> Changes:
    """Marks a course completed or dropped out. (The closing assessment itself belongs to the pathway issue.)"""
    if status not in ("completed", "dropped_out", "cancelled"):
        raise InvalidInput(f"Ukendt slutstatus {status!r}.")
    repo = PathwayRepository(ws.db)
    course = repo.course(course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    with ws.db.transaction():
        repo.set_status(course_id, status, end_date)
    return Changes(courses=True, child_id=course.child_id)
