"""Group sessions: documented once, linked to each participating child's journal with its own notes and
attendance, and never another child's name in any child's journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core import course_rules, limits, session_rules
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.models import JournalEntry, Session, SessionParts
from behandlerklient.core.pathway_rules import RISK_LEVELS
from behandlerklient.core.vocab import SESSION_PARTS
from behandlerklient.services.accounts.authorship import require_author
from behandlerklient.services.accounts.signing import Proof, confirm_identity
from behandlerklient.services.changes import Changes
from behandlerklient.services.journal.sessions import active_risk
from behandlerklient.services.pathway.records import event_time
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.group_sessions import GroupSessionRepository
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.sessions import JournalRepository, SessionRepository

ATTENDANCE = {"held": "Deltog", "missed": "Udeblev", "cancelled": "Aflyst"}


@dataclass
class Participant:
    session_id: int
    course_id: int
    child_id: int
    child_name: str
    attendance: str
    own_note: str
    risk_level: str | None = None  # the risk check made for this child in the group session
    risk_note: str = ""
    risk: session_rules.ActiveRisk | None = None  # the child's active suicide risk: crisis plan and check shown


def create(*, ws: Workspace, track_id: str, session_date: date, course_ids: list[int]) -> tuple[int, Changes]:
    """One shared draft plus a linked draft session in each participating course (same track, active)."""
    track = ws.catalogue.tracks.get(track_id)
    if track is None:
        raise InvalidInput(f"Ukendt spor {track_id!r}.")
    refused = course_rules.group_format_problem(track, "group")
    if refused:
        raise RuleRefused(refused)
    if len(set(course_ids)) < 2:
        raise InvalidInput("En gruppesession har mindst to deltagende børn.")
    repo = PathwayRepository(ws.db)
    courses = []
    for cid in course_ids:
        c = repo.course(cid)
        if c is None:
            raise NotFound(f"Intet forløb med id {cid}.")
        if c.track_id != track_id or c.status != "active":
            raise RuleRefused(f"Forløb {cid} er ikke et aktivt {track.name}-forløb.")
        courses.append(c)
    sessions = SessionRepository(ws.db)
    now = ws.clock()
    number = max(sessions.next_number(c.id) for c in courses)
    outline = track.outline_for(number)
    groups = GroupSessionRepository(ws.db)
    with ws.db.transaction():
        gid = groups.add({
            "track_id": track_id, "number": number, "session_date": session_date.isoformat(),
            "duration_min": track.session_minutes, **outline.parts, "author_id": ws.user.id,
            "created_at": to_text(now)})
        for c in courses:
            s = Session(None, c.id, sessions.next_number(c.id), session_date, track.session_minutes, "both", "group",
                        SessionParts(**outline.parts), author_id=ws.user.id)
            sessions.add(s, now=now)
            groups.link(s, gid)
            audit.record(ws.db, user_id=ws.user.id, action="create", now=now, child_id=c.child_id,
                         obj=f"group_session:{gid}")
    return gid, Changes(sessions=True)


def candidates(*, ws: Workspace, track_id: str) -> list[tuple[int, str]]:
    """Active courses on a track that a group session can include: (course id, child's name)."""
    return [(r["id"], r["child_name"]) for r in GroupSessionRepository(ws.db).candidates(track_id)]


def participants(*, ws: Workspace, group_id: int) -> list[Participant]:
    return [Participant(session_id=r["session_id"], course_id=r["course_id"], child_id=r["child_id"],
                        child_name=r["child_name"], attendance=r["attendance"], own_note=r["own_note"],
                        risk_level=r["risk_level"], risk_note=r["risk_note"] or "",
                        risk=active_risk(ws=ws, child_id=r["child_id"]))
            for r in GroupSessionRepository(ws.db).participants(group_id)]


def shared(*, ws: Workspace, group_id: int) -> SessionParts:
    g = _group(ws, group_id)
    return SessionParts(agenda=g["agenda"], status=g["status"], goals=g["goals"], exercise=g["exercise"],
                        homework=g["homework"])


def save_shared(*, ws: Workspace, group_id: int, parts: SessionParts) -> Changes:
    limits.check_row("group_sessions", {"agenda": parts.agenda, "status": parts.status, "goals": parts.goals,
                                        "exercise": parts.exercise, "homework": parts.homework})
    with ws.db.transaction():
        require_author(ws=ws, author_id=_group(ws, group_id)["author_id"], what="Gruppesessionen", signing=False)
        if not GroupSessionRepository(ws.db).update_shared(group_id, parts):
            raise RuleRefused("Gruppesessionen er underskrevet eller findes ikke.")
    return Changes(sessions=True)


def save_participant(*, ws: Workspace, session_id: int, attendance: str, own_note: str,
                     risk_level: str | None = None, risk_note: str = "") -> Changes:
    """The child's own part: attendance, notes and, while a suicide risk is active, the risk check."""
    if attendance not in ATTENDANCE:
        raise InvalidInput(f"Ukendt fremmøde {attendance!r}.")
    if risk_level is not None and risk_level not in RISK_LEVELS:
        raise InvalidInput(f"Ukendt risikoniveau {risk_level!r}.")
    limits.check_text("Noten", own_note)
    limits.check_text("Risikotjekkets note", risk_note)
    with ws.db.transaction():
        own = SessionRepository(ws.db).get(session_id)
        require_author(ws=ws, author_id=own.author_id if own else None, what="Gruppesessionen", signing=False)
        if not GroupSessionRepository(ws.db).update_participant(session_id, attendance=attendance, own_note=own_note,
                                                                 risk_level=risk_level, risk_note=risk_note):
            raise RuleRefused("Deltagerens session er underskrevet eller findes ikke.")
    return Changes(sessions=True)


def _names_in(text: str, people: list[Participant]) -> list[str]:
    lowered = text.casefold()
    hits = []
    for p in people:
        first, _, last = p.child_name.partition(" ")
        if p.child_name.casefold() in lowered or (len(last) > 2 and last.casefold() in lowered.split()):
            hits.append(p.child_name)
    return hits


def _group(ws: Workspace, group_id: int):  # noqa: ANN202 - a row
    g = GroupSessionRepository(ws.db).get(group_id)
    if g is None:
        raise NotFound(f"Ingen gruppesession med id {group_id}.")
    return g


def check_signable(*, ws: Workspace, group_id: int) -> None:
    """Raises what `sign` would raise for the group session as saved, without needing the passphrase."""
    g = _group(ws, group_id)
    if g["signed_at"]:
        raise RuleRefused("Gruppesessionen er allerede underskrevet.")
    require_author(ws=ws, author_id=g["author_id"], what="Gruppesessionen")
    track = ws.catalogue.tracks.get(g["track_id"])
    if track is not None:
        problem = (course_rules.group_format_problem(track, "group") or session_rules.own_text_problem(
            {k: g[k] for k in SESSION_PARTS}, track.outline_for(g["number"]).parts))
        if problem:
            raise RuleRefused(problem)
    people = participants(ws=ws, group_id=group_id)
    courses = PathwayRepository(ws.db)
    for p in people:  # a course moved to an individual-only track since the group was planned
        course = courses.course(p.course_id)
        own_track = ws.catalogue.tracks.get(course.track_id) if course else None
        problem = course_rules.group_format_problem(own_track, "group") if own_track else ""
        if problem:
            raise RuleRefused(f"{p.child_name}: {problem}")
    for p in people:  # the individual session's guard-rail holds in the group too (issue 15)
        problem = session_rules.risk_check_problem(p.risk, p.risk_level)
        if problem:
            raise RuleRefused(f"{p.child_name}: {problem}")
    named = _names_in(" ".join(g[k] for k in SESSION_PARTS), people)
    if named:
        raise RuleRefused("Den fælles tekst nævner et deltagende barn ved navn; den kopieres til alle børns "
                          "journaler. Flyt det til barnets egne noter.")
    for p in people:
        others = [q for q in people if q.child_id != p.child_id]
        if _names_in(p.own_note, others):
            raise RuleRefused("Et barns egne noter nævner et andet deltagende barn ved navn.")


def _risk_block(p: Participant) -> str:
    if p.risk_level is None:
        return ""
    return (f"\n\nRisikotjek (kriseplanen gennemgået):\nVurderet niveau: {RISK_LEVELS[p.risk_level]}."
            + (f"\n{p.risk_note.strip()}" if p.risk_note.strip() else ""))


def sign(*, ws: Workspace, group_id: int, passphrase: Proof) -> Changes:
    """Sign once: each child's journal gets the shared content, its own attendance and notes, nothing else."""
    check_signable(ws=ws, group_id=group_id)
    confirm_identity(ws=ws, passphrase=passphrase)
    return sign_confirmed(ws=ws, group_id=group_id)


def sign_confirmed(*, ws: Workspace, group_id: int) -> Changes:
    now = ws.clock()
    sessions = SessionRepository(ws.db)
    groups = GroupSessionRepository(ws.db)
    with ws.db.transaction():
        check_signable(ws=ws, group_id=group_id)
        g = _group(ws, group_id)
        people = participants(ws=ws, group_id=group_id)
        shared = {k: g[k] for k in SESSION_PARTS}
        track = ws.catalogue.tracks.get(g["track_id"])
        day = date.fromisoformat(g["session_date"])
        groups.mark_signed(group_id, signed_at=to_text(now))
        for p in people:
            groups.copy_shared_into(p.session_id, shared, updated_at=to_text(now))
            sessions.mark_signed(p.session_id, now=now)
            number = sessions.get(p.session_id).number
            body = (f"Gruppesession den {day:%d.%m.%Y} ({track.name if track else g['track_id']}). "
                    f"Fremmøde: {ATTENDANCE[p.attendance]}.\n\n"
                    + "\n\n".join(f"{title}:\n{shared[k].strip() or '-'}" for k, title in SESSION_PARTS.items())
                    + f"\n\nEgne noter om barnet:\n{p.own_note.strip() or '-'}"
                    + _risk_block(p))
            JournalRepository(ws.db).add(JournalEntry(
                None, p.child_id, "session", f"{track.name if track else g['track_id']}: gruppesession {number}",
                body, ws.user.id, ws.user.role, event_time(day), now, course_id=p.course_id,
                session_id=p.session_id, signed_at=now, source="group_session", source_id=group_id))
            audit.record(ws.db, user_id=ws.user.id, action="sign", now=now, child_id=p.child_id,
                         obj=f"group_session:{group_id}")
        seal.seal_pending(ws)  # sign what became signed here with the author's key (docs/signatures.md)
    return Changes(sessions=True, journal=True)
