"""Documenting a session: a draft pre-filled from the manual, autosaved, then finished as a journal entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core import course_rules, limits, session_rules
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.manuals import Track
from behandlerklient.core.models import Course, JournalEntry, Session, SessionParts
from behandlerklient.core.pathway_rules import RISK_LEVELS
from behandlerklient.core.vocab import PARTICIPANTS, SESSION_FORMAT, SESSION_PARTS, label
from behandlerklient.services.accounts import access
from behandlerklient.services.accounts.authorship import author_name, require_author
from behandlerklient.services.accounts.signing import Proof, confirm_identity
from behandlerklient.services.changes import Changes
from behandlerklient.services.pathway.records import event_time
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.supervision import supervision
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.risk import RiskRepository
from behandlerklient.storage.sessions import JournalRepository, SessionRepository


@dataclass
class SessionContext:
    """Everything the guided editor shows around a session."""

    session: Session
    track: Track
    position: course_rules.SessionPosition
    theme: str
    guidance: dict[str, str]
    warnings: list[str]
    child_name: str
    risk: session_rules.ActiveRisk | None = None  # shown with the crisis plan and a risk check while active


def active_risk(*, ws: Workspace, child_id: int) -> session_rules.ActiveRisk | None:
    """The child's suicide risk while its latest assessment (screening or session risk check) is moderate or
    higher, with the crisis plan."""
    repo = RiskRepository(ws.db)
    found = [session_rules.Assessment(date.fromisoformat(a["day"]), a["level"], a["source"], a["id"])
             for a in repo.assessments(child_id)]
    return session_rules.active_risk(found, repo.latest_crisis_plan(child_id))


def _track_of(ws: Workspace, track_id: str) -> Track:
    track = ws.catalogue.tracks.get(track_id)
    if track is None:
        raise InvalidInput(f"Sporet {track_id!r} findes ikke i manualkataloget.")
    return track


def context(*, ws: Workspace, session: Session) -> SessionContext:
    course = PathwayRepository(ws.db).course(session.course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {session.course_id}.")
    child = ChildRepository(ws.db).get(course.child_id)
    track = _track_of(ws, course.track_id)
    position = course_rules.session_position(track, course.planned_sessions, session.number)
    outline = track.outline_for(session.number)
    warnings = [w for w in (position.warning,) if w]
    elig = course_rules.eligibility(track, child.birth_date, session.session_date)
    if not elig.ok:
        warnings.append(elig.message)
    if session.author_id is not None and session.author_id != ws.user.id:
        warnings.append(f"Kladden er skrevet af {author_name(ws, session.author_id)}; kun forfatteren kan "
                        "ændre og underskrive den.")
    for number, name in SessionRepository(ws.db).others_drafts_in_course(session.course_id, ws.user.id):
        if number != session.number:
            warnings.append(f"Session {number} i forløbet er en kladde, som {name} endnu ikke har underskrevet.")
    risk = active_risk(ws=ws, child_id=course.child_id)
    return SessionContext(session, track, position, outline.theme, outline.parts, warnings, child.full_name, risk)


def start_session(*, ws: Workspace, course_id: int, on: date, reason: str = "") -> tuple[Session, Changes]:
    """A new draft with the next number and the five parts pre-filled from the manual's outline.

    If the user already has an unsigned draft in the course, that draft is returned instead: one course never
    collects several half-written sessions because someone pressed "Ny session" twice. Another clinician's
    draft is never reopened (only its author may write and sign it): the user gets a draft of their own with
    the next number, because the session they just held must be documented now whatever a colleague has
    left unsigned, and the editor names the colleague's open draft so it is not forgotten.
    """
    course = PathwayRepository(ws.db).course(course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    access.require_write(ws=ws, child_id=course.child_id, kind="sessions")
    if course.status not in ("active", "planned"):
        raise RuleRefused("Forløbet er afsluttet; der kan ikke oprettes nye sessioner.")
    track = _track_of(ws, course.track_id)
    repo = SessionRepository(ws.db)
    existing = repo.draft_in_course(course_id, ws.user.id)
    if existing is not None:
        return existing, Changes()
    number = repo.next_number(course_id)
    if number > track.sessions_max and not track.flexible and not reason.strip():
        raise RuleRefused(f"Session {number} ligger over manualens interval ({track.range_text}); "
                          "skriv en begrundelse for den ekstra session.")
    with ws.db.transaction():
        outline = track.outline_for(number)
        participants = "parents" if course.format == "parent_group" else "both"
        session = Session(None, course_id, number, on, track.session_minutes, participants, course.format,
                          SessionParts(**outline.parts), author_id=ws.user.id)
        repo.add(session, now=ws.clock())
        if reason.strip():
            limits.check_text("Begrundelsen", reason)
            repo.set_over_range_reason(session, reason.strip())
        audit.record(ws.db, user_id=ws.user.id, action="create", now=ws.clock(), child_id=course.child_id,
                     obj=f"session:{session.id}")
    return session, Changes(sessions=True, child_id=course.child_id)


def record_absence(*, ws: Workspace, course_id: int, on: date, attendance: str, note: str = "") -> Changes:
    """A cancelled or missed session is counted apart and does not use up a session number."""
    if attendance not in ("cancelled", "missed"):
        raise InvalidInput("Fravær er 'cancelled' (aflyst) eller 'missed' (udeblevet).")
    course = PathwayRepository(ws.db).course(course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    limits.check_text("Noten", note)
    repo = SessionRepository(ws.db)
    now = ws.clock()
    with ws.db.transaction():
        s = Session(None, course_id, repo.next_number(course_id), on, 0, "both", course.format,
                    SessionParts(), author_id=ws.user.id)
        repo.add(s, now=now)
        repo.set_attendance(s, attendance=attendance, own_note=note)
        repo.mark_signed(s.id, now=now)
        what = "Aflyst session" if attendance == "cancelled" else "Udeblevet fra session"
        JournalRepository(ws.db).add(JournalEntry(
            None, course.child_id, "absence", what, f"{what} den {on:%d.%m.%Y}." + (f"\n{note}" if note else ""),
            ws.user.id, ws.user.role, event_time(on), now, course_id=course_id, session_id=s.id, signed_at=now,
            source="session", source_id=s.id))
        audit.record(ws.db, user_id=ws.user.id, action="sign", now=now, child_id=course.child_id,
                     obj=f"session:{s.id}", detail=attendance)
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return Changes(sessions=True, journal=True, child_id=course.child_id)


def _validate(session: Session) -> None:
    if session.participants not in PARTICIPANTS:
        raise InvalidInput(f"Ukendte deltagere {session.participants!r}.")
    if session.format not in SESSION_FORMAT:
        raise InvalidInput(f"Ukendt format {session.format!r}.")
    if not 0 <= session.duration_min <= 600:
        raise InvalidInput("Varigheden skal være 0-600 minutter.")
    if session.risk_level is not None and session.risk_level not in RISK_LEVELS:
        raise InvalidInput(f"Ukendt risikoniveau {session.risk_level!r}.")


def _check_format(ws: Workspace, session: Session) -> None:
    course = PathwayRepository(ws.db).course(session.course_id)
    track = ws.catalogue.tracks.get(course.track_id) if course else None
    problem = course_rules.group_format_problem(track, session.format) if track else ""
    if problem:
        raise RuleRefused(problem)


def save_draft(*, ws: Workspace, session: Session) -> Changes:
    _validate(session)
    _check_format(ws, session)
    with ws.db.transaction():
        _require_own_draft(ws, session.id, signing=False)
        if not SessionRepository(ws.db).update_draft(session, now=ws.clock()):
            raise RuleRefused("Sessionen er allerede underskrevet og kan ikke ændres.")
    return Changes(sessions=True)


def render_body(session: Session) -> str:
    """The journal text of a session: its facts and the five parts under their Danish headings."""
    head = (f"Dato: {session.session_date:%d.%m.%Y}. Varighed: {session.duration_min} min. "
            f"Deltagere: {label(PARTICIPANTS, session.participants)}. Format: {label(SESSION_FORMAT, session.format)}.")
    parts = session.parts.as_dict()
    blocks = [head] + [f"{title}:\n{parts[key].strip() or '-'}" for key, title in SESSION_PARTS.items()]
    if session.risk_level is not None:
        blocks.append(f"Risikotjek (kriseplanen gennemgået):\nVurderet niveau: {RISK_LEVELS[session.risk_level]}."
                      + (f"\n{session.risk_note.strip()}" if session.risk_note.strip() else ""))
    return "\n\n".join(blocks)


def _require_own_draft(ws: Workspace, session_id: int | None, *, signing: bool) -> None:
    stored = SessionRepository(ws.db).get(session_id) if session_id is not None else None
    if stored is None:
        raise NotFound(f"Ingen session med id {session_id}.")
    if stored.state == "signed":
        raise RuleRefused("Sessionen er allerede underskrevet og kan ikke ændres.")
    require_author(ws=ws, author_id=stored.author_id, what=f"Session {stored.number}", signing=signing)


def check_finishable(*, ws: Workspace, session: Session) -> Course:
    """Raises what `finish_session` would raise for the session as typed, without needing the passphrase
    (the editor asks this first); returns the course."""
    _validate(session)
    _require_own_draft(ws, session.id, signing=True)
    course = PathwayRepository(ws.db).course(session.course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {session.course_id}.")
    track = _track_of(ws, course.track_id)
    parts = session.parts.as_dict()
    if not any(v.strip() for v in parts.values()):
        raise InvalidInput(session_rules.EMPTY)
    problem = session_rules.own_text_problem(parts, track.outline_for(session.number).parts)
    if problem:
        raise RuleRefused(problem)
    _check_format(ws, session)
    problem = session_rules.risk_check_problem(active_risk(ws=ws, child_id=course.child_id), session.risk_level)
    if problem:
        raise RuleRefused(problem)
    return course


def finish_session(*, ws: Workspace, session: Session, passphrase: Proof) -> tuple[JournalEntry, Changes]:
    """Save and sign the session (the passphrase confirms the signer); it becomes a journal entry."""
    check_finishable(ws=ws, session=session)
    confirm_identity(ws=ws, passphrase=passphrase)
    return finish_confirmed(ws=ws, session=session)


def finish_confirmed(*, ws: Workspace, session: Session) -> tuple[JournalEntry, Changes]:
    """Save and sign after the identity was confirmed; it becomes a journal entry with author, role,
    event time and write time."""
    repo = SessionRepository(ws.db)
    now = ws.clock()
    with ws.db.transaction():
        course = check_finishable(ws=ws, session=session)
        track = _track_of(ws, course.track_id)
        if not repo.update_draft(session, now=now):
            raise RuleRefused("Sessionen er allerede underskrevet.")
        repo.mark_signed(session.id, now=now)
        entry = JournalEntry(None, course.child_id, "session", f"{track.name}: session {session.number}",
                             render_body(session), ws.user.id, ws.user.role,
                             event_time(session.session_date), now, course_id=course.id, session_id=session.id,
                             signed_at=now, source="session", source_id=session.id)
        JournalRepository(ws.db).add(entry)
        audit.record(ws.db, user_id=ws.user.id, action="sign", now=now, child_id=course.child_id,
                     obj=f"session:{session.id}")
        supervision.sample_after_signing(ws=ws, session_id=session.id, number=session.number)
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    session.state, session.signed_at = "signed", now
    return entry, Changes(sessions=True, journal=True, child_id=course.child_id)


def get(*, ws: Workspace, session_id: int) -> Session:
    s = SessionRepository(ws.db).get(session_id)
    if s is None:
        raise NotFound(f"Ingen session med id {session_id}.")
    course = PathwayRepository(ws.db).course(s.course_id)
    if course is not None:
        access.require_read(ws=ws, child_id=course.child_id, kind="sessions")
    return s


def drafts(*, ws: Workspace) -> list[Session]:
    return SessionRepository(ws.db).drafts_of(ws.user.id)


def journal_of(*, ws: Workspace, session_id: int) -> list[JournalEntry]:
    access.require_clinical_role(ws=ws, kind="journal_entries")
    return JournalRepository(ws.db).for_session(session_id)
