"""Contacts and courses: recording a henvendelse and opening a course on a track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from behandlerklient.core import course_rules, limits
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.models import Course, JournalEntry
from behandlerklient.core.vocab import CONTACT_CHANNEL, CONTACT_MADE_BY, CONTACT_WAY, SESSION_FORMAT
from behandlerklient.services.changes import Changes
from behandlerklient.services.pathway import consent as consent_service
from behandlerklient.services.pathway import record_rules, records
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.sessions import JournalRepository

if TYPE_CHECKING:
    from behandlerklient.services.accounts.signing import Proof


def add_contact(*, ws: Workspace, child_id: int, contact_date: date, made_by: str, way: str, concern: str,
                made_by_detail: str = "", channel: str = "phone", consent_to_share: bool = False,
                consent_obtain: bool = False, age_reason: str = "", reasons: str = "") -> tuple[int, Changes]:
    """Records a henvendelse as a draft for its author to sign. A known child keeps one history (open door).

    The offer is for 5-17-year-olds: a child outside that on the contact date needs a reason (refused without).
    """
    for value, vocab, what in ((made_by, CONTACT_MADE_BY, "hvem der henvendte sig"), (way, CONTACT_WAY, "vej"),
                               (channel, CONTACT_CHANNEL, "kanal")):
        if value not in vocab:
            raise InvalidInput(f"Ukendt {what}: {value!r}.")
    child = ChildRepository(ws.db).get(child_id)
    if child is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    outside = course_rules.offer_age_problem(child.birth_date, contact_date)
    if outside and not age_reason.strip():
        raise RuleRefused(outside)
    return records.save(ws=ws, kind="contact", values={
        "child_id": child_id, "contact_date": contact_date, "made_by": made_by, "made_by_detail": made_by_detail,
        "way": way, "channel": channel, "concern": concern, "consent_to_share": consent_to_share,
        "consent_obtain": consent_obtain, "age_reason": age_reason.strip(), "reasons": reasons})


@dataclass
class OpenedCourse:
    course: Course
    warnings: list[str]
    changes: Changes


def open_course(*, ws: Workspace, child_id: int, track_id: str, start_date: date,
                planned_sessions: int | None = None, format: str | None = None, reason: str = "",
                age_reason: str = "", other_way: str | None = None) -> OpenedCourse:
    """Opens a course once the consent the child's age requires is recorded.

    An age outside the track's range needs `age_reason`; planning more sessions than the manual allows needs
    `reason`. Both are recorded with the course. A course started outside the screening pathway ("anden vej")
    passes `other_way`, how it came about (required); it is recorded as such, warned about when the child has
    no signed screening, and counted apart in the activity report.
    """
    child = ChildRepository(ws.db).get(child_id)
    if child is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    track = ws.catalogue.tracks.get(track_id)
    if track is None:
        raise InvalidInput(f"Ukendt spor {track_id!r}.")
    fmt = format or track.formats[0]
    if fmt not in SESSION_FORMAT:
        raise InvalidInput(f"Ukendt format {fmt!r}.")
    refused = course_rules.group_format_problem(track, fmt)
    if refused:
        raise RuleRefused(refused)
    limits.check_text("Beskrivelsen af vejen ind", other_way)
    if other_way is not None and not other_way.strip():
        raise RuleRefused("Et forløb, der starter ad anden vej (uden om screeningen), skal beskrive, hvordan det "
                          "kom i stand (fx henvist af PPR efter aftale).")
    planned = planned_sessions or track.sessions_nominal
    if planned < 1:
        raise InvalidInput("Antal planlagte sessioner skal være mindst 1.")
    consent_status = consent_service.treatment(ws=ws, child_id=child_id, on=start_date)
    if not consent_status.ok:
        raise RuleRefused("Forløbet kan ikke starte: " + " ".join(consent_status.missing))
    if planned > track.sessions_max and not track.flexible and not reason.strip():
        raise RuleRefused(f"{planned} sessioner er flere end manualens maksimum ({track.sessions_max}); "
                          "skriv en begrundelse.")
    misfit = course_rules.track_age_problem(track, child.birth_date, start_date)
    if misfit and not age_reason.strip():
        raise RuleRefused(misfit)
    warnings = list(consent_status.warnings)
    outside = course_rules.planned_outside_range(track, planned)
    if outside:
        warnings.append(outside)
    if fmt not in track.formats:
        warnings.append(f"{track.name} beskriver ikke formatet '{SESSION_FORMAT[fmt].lower()}'.")
    if other_way is not None and not PathwayRepository(ws.db).has_signed_screening(child_id):
        warnings.append("Forløbet starter ad anden vej uden en underskrevet screening: barnets egen fortælling, "
                        "SDQ og vurderingen af selvskade og selvmordsrisiko mangler.")
    course = Course(None, child_id, track_id, start_date, planned, "active", fmt,
                    entry_route="screening" if other_way is None else "other_way",
                    entry_note="" if other_way is None else other_way.strip())
    repo = PathwayRepository(ws.db)
    now = ws.clock()
    with ws.db.transaction():
        repo.add_course(course, created_by=ws.user.id, now=now, age_reason=age_reason.strip() if misfit else "")
        contact_id = repo.latest_contact_id(child_id)
        if contact_id is not None:
            repo.set_field(course.id, "contact_id", contact_id, now=now, author_id=ws.user.id, child_id=child_id)
        if reason.strip():
            repo.add_change(course.id, "planned_sessions", str(track.sessions_nominal), str(planned), reason,
                            on=start_date, author_id=ws.user.id, now=now)
        audit.record(ws.db, user_id=ws.user.id, action="create", now=now, child_id=child_id, obj=f"course:{course.id}")
    return OpenedCourse(course, warnings, Changes(courses=True, child_id=child_id))


def check_track_change(*, ws: Workspace, course_id: int, track_id: str, reason: str) -> Course:
    """Raises what `change_track` would raise, without needing the passphrase; returns the course."""
    course = PathwayRepository(ws.db).course(course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    if ws.catalogue.tracks.get(track_id) is None:
        raise InvalidInput(f"Ukendt spor {track_id!r}.")
    if not reason.strip():
        raise RuleRefused("Skift af spor kræver en begrundelse.")
    if track_id == course.track_id:
        raise InvalidInput("Forløbet er allerede på dette spor.")
    refused = course_rules.group_format_problem(ws.catalogue.tracks[track_id], course.format)
    if refused:
        raise RuleRefused(refused)
    return course


def change_track(*, ws: Workspace, course_id: int, track_id: str, reason: str, on: date,
                 passphrase: Proof) -> Changes:
    """A new track for a running course: the reason is recorded and journalised, signed by the therapist."""
    from behandlerklient.services.accounts.signing import confirm_identity

    check_track_change(ws=ws, course_id=course_id, track_id=track_id, reason=reason)
    confirm_identity(ws=ws, passphrase=passphrase)
    repo = PathwayRepository(ws.db)
    now = ws.clock()
    with ws.db.transaction():
        course = check_track_change(ws=ws, course_id=course_id, track_id=track_id, reason=reason)
        new, old = ws.catalogue.tracks[track_id], ws.catalogue.tracks.get(course.track_id)
        repo.add_change(course_id, "track", course.track_id, track_id, reason, on=on, author_id=ws.user.id, now=now)
        repo.set_field(course_id, "track_id", track_id, now=now, author_id=ws.user.id, child_id=course.child_id,
                       reason=reason.strip())
        JournalRepository(ws.db).add(JournalEntry(
            None, course.child_id, "course_change", "Skift af spor",
            f"Sporet er skiftet fra {old.name if old else course.track_id} til {new.name} den {on:%d.%m.%Y}.\n\n"
            f"Begrundelse:\n{reason.strip()}", ws.user.id, ws.user.role, records.event_time(on), now,
            course_id=course_id, signed_at=now, source="course_change"))
        audit.record(ws.db, user_id=ws.user.id, action="sign", now=now, child_id=course.child_id,
                     obj=f"course:{course_id}", detail="track change")
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return Changes(courses=True, journal=True, child_id=course.child_id)


def end_course(*, ws: Workspace, course_id: int, status: str, end_date: date, effect: str | None = None,
               further_needs: str = "", criteria_reason: str = "", end_reason: str = "") -> Changes:
    """Marks a course completed, dropped out or cancelled without a closing record (a merge, a correction).

    Completed only by the closing rules the closing record keeps (record_rules.closing_problems): `effect` has no
    default, and an unmet criterion (fewer sessions than the manual's minimum, a repeat SDQ without a baseline
    from the same informant, no further needs) needs `criteria_reason`, recorded as the course's closing reason.
    """
    if status not in ("completed", "dropped_out", "cancelled"):
        raise InvalidInput(f"Ukendt slutstatus {status!r}.")
    repo = PathwayRepository(ws.db)
    course = repo.course(course_id)
    if course is None or course.id is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    if status == "completed":
        found = record_rules.closing_problems(ws.db, ws.catalogue, {
            "course_id": course.id, "child_id": course.child_id, "status": status, "effect": effect,
            "further_needs": further_needs, "criteria_reason": criteria_reason, "end_reason": end_reason})
        if found:
            raise RuleRefused("Forløbet kan ikke afsluttes som gennemført: " + " ".join(found))
    now = ws.clock()
    with ws.db.transaction():
        if criteria_reason.strip():
            repo.set_field(course.id, "closing_reason", criteria_reason.strip(), now=now, author_id=ws.user.id,
                           child_id=course.child_id)
        repo.set_status(course.id, status, end_date, now=now, author_id=ws.user.id, child_id=course.child_id)
    return Changes(courses=True, child_id=course.child_id)


def latest_contact_id(*, ws: Workspace, child_id: int) -> int | None:
    """The contact an intake talk or a screening belongs to: the child's newest."""
    return PathwayRepository(ws.db).latest_contact_id(child_id)


def latest_screening_id(*, ws: Workspace, child_id: int) -> int | None:
    return PathwayRepository(ws.db).latest_screening_id(child_id)


def next_open_follow_up_id(*, ws: Workspace, child_id: int) -> int | None:
    """The child's earliest follow-up or booster not yet signed."""
    return PathwayRepository(ws.db).next_open_follow_up_id(child_id)
