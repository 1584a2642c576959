"""The start screen's work queue: what needs the therapist's hand today, for her own children.

Screenings, follow-ups, courses past their range and the waits are for the children on her caseload or shared with
her, and a supervisor's also for her supervisees' (core/access.py queue_bases); a colleague's child is still one
search away (docs/access.md, basis 'team'), but not on this list. An installation without any caseload yet
(before schema 14) lists every child, as before. A coordinator gets her own drafts only: the rest is clinical
work. Each wait says its age in days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from behandlerklient.core import access as access_rules
from behandlerklient.core.vocab import GP_LETTER_KINDS
from behandlerklient.services.accounts import access
from behandlerklient.services.journal import conflicts
from behandlerklient.services.pathway import records
from behandlerklient.services.supervision import supervision
from behandlerklient.services.workspace import settings
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.work_queue_reads import WorkQueueReads

DUE_SOON_DAYS = 14
# An end letter is looked for this long after the closing; older courses were closed before the letters were kept.
END_LETTER_DAYS = 60


@dataclass(frozen=True)
class Task:
    section: str  # conflicts, supervision, drafts, screenings, follow_ups, over_range
    child_id: int
    child_name: str
    text: str
    day: str
    kind: str = ""
    record_id: int | None = None
    own: bool = False  # the child is on the user's caseload or shared with her
    days: int | None = None  # how long it has waited (a follow-up: days past its date, negative before)
    key: str = ""  # a conflict's key (global): what its resolution dialog opens


SECTIONS = {"conflicts": "Konflikter mellem enheder", "supervision": "Supervision",
            "drafts": "Kladder, der ikke er underskrevet",
            "waiting_intake": "Henvendelser uden forsamtale",
            "screenings": "Screeninger, der venter",
            "waiting_start": "Screenet, forløbet er ikke startet",
            "gp_letters": "Breve til egen læge, der ikke er skrevet",
            "follow_ups": "Opfølgninger, der snart skal holdes", "over_range": "Forløb ud over manualens interval"}
# Decisions that need nothing done: collapsed under one line, with "markér alle som set".
APPROVAL = "approval"


def build(*, ws: Workspace, today: date) -> list[Task]:
    reads = WorkQueueReads(ws.db)
    raw: list[tuple] = []
    for d in records.drafts(ws=ws, author_id=ws.user.id):
        raw.append(("drafts", d["child_id"], d["label"], d["date"] or "", d["kind"], d["id"]))
    for r in reads.session_drafts(ws.user.id):
        raw.append(("drafts", r["child_id"], f"Session {r['number']}", r["session_date"], "session", r["id"]))
    if ws.user.role == "coordinator":
        return _tasks(ws, raw)
    scope = children_in_queue(ws=ws)
    # Offered a course in the intake talk (group 3), but no screening recorded yet.
    for r in reads.offered_without_screening():
        raw.append(("screenings", r["child_id"], "Screening efter forsamtale (gruppe 3)", r["talk_date"], "contact",
                    r["contact_id"]))
    horizon = (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
    for r in reads.follow_ups_due(horizon):
        days = (today - date.fromisoformat(r["due_date"])).days
        late = f" ({days} dage over tiden)" if days > 0 else ""
        raw.append(("follow_ups", r["child_id"], ("Booster" if r["kind"] == "booster" else "Opfølgning") + late,
                    r["due_date"], "follow_up", r["id"], days))
    for r in reads.active_courses(scope):
        track = ws.catalogue.tracks.get(r["track_id"])
        held, planned = r["held"], r["planned_sessions"]
        limit = track.sessions_max if track and not track.flexible else planned
        if held > limit or held > planned:
            name = track.name if track else r["track_id"]
            raw.append(("over_range", r["child_id"], f"{name}: {held} sessioner (plan {planned}, manual "
                        f"{track.range_text if track else '?'})", "", "course", r["id"]))
    if scope is not None:  # the clinical sections for her own children only (drafts are hers by authorship)
        raw = [r for r in raw if r[0] == "drafts" or r[1] in scope]
    raw += _waits(ws, today, scope)
    for review in supervision.queue(ws=ws):
        child_id = reads.child_of_session(review.session_id)
        raw.append(("supervision", child_id, f"Til supervision: {review.track} session {review.number} "
                    f"({review.therapist})", review.session_date, "review", review.review_id))
    for fb in supervision.feedback_for_therapist(ws=ws):
        verdict = supervision.DECISIONS[fb.decision]
        text = f"{verdict} af {fb.supervisor}" + (f": {fb.comment}" if fb.comment else "")
        raw.append(("supervision", fb.child_id, text, (fb.decided_at or "")[:10],
                    APPROVAL if fb.decision == "approved" else "feedback", fb.review_id))
    # Versions from two laptops that disagree, where the user wrote one of them (sync.md: each author is told).
    for c in conflicts.for_user(ws=ws):
        if c.child_id is not None:
            raw.append(("conflicts", c.child_id, c.description, "", "conflict", None, None, c.key))
    return _tasks(ws, raw)


def conflict_count(*, ws: Workspace) -> int:
    """The work list's conflicts section, counted without building the list (the status bar shows it)."""
    if ws.user.role == "coordinator":
        return 0
    return sum(1 for c in conflicts.for_user(ws=ws) if c.child_id is not None)


def children_in_queue(*, ws: Workspace) -> set[int] | None:
    """The children whose clinical tasks fill the user's queue; None when the installation has no caseloads yet."""
    reads = WorkQueueReads(ws.db)
    if not reads.any_caseload():
        return None
    bases = access_rules.queue_bases(ws.user.role)
    users = {ws.user.id} if ws.user.id is not None else set()
    if "supervision" in bases:
        users |= access.supervisee_ids(ws=ws) or set()
    return reads.held_by(users)


def _waits(ws: Workspace, today: date, scope: set[int] | None) -> list[tuple]:
    """Contacts without an intake talk after N days (the setting intake_wait_days), screened children whose course
    has not started, and GP letters not yet written; each with its age in days. Only for the user's children."""
    if not scope:
        return []  # without caseloads there is no one's list to put them on (and no scan of the register)
    reads = WorkQueueReads(ws.db)
    raw: list[tuple] = []
    limit = int(settings.get(ws=ws, key="intake_wait_days"))
    for c in reads.newest_contacts(scope):
        days = (today - date.fromisoformat(c["contact_date"])).days
        if not c["has_intake"] and days >= limit:
            raw.append(("waiting_intake", c["child_id"], f"Ingen forsamtale {days} dage efter henvendelsen",
                        c["contact_date"], "intake", None, days))
    for s in reads.screened_without_course(scope):
        days = (today - date.fromisoformat(s["screening_date"])).days
        track = ws.catalogue.tracks.get(s["outcome_track_id"] or "")
        raw.append(("waiting_start", s["child_id"], f"Tilbudt {track.name if track else 'forløb'}; "
                    f"ikke startet efter {days} dage", s["screening_date"], "course", None, days))
    # Only courses a letter can still be missing for, and the letters of their children (journals are long).
    courses = reads.courses_and_closings(scope, closed_since=(today - timedelta(days=END_LETTER_DAYS)).isoformat())
    written: dict[int, set[str]] = {}
    for d in reads.disclosures({c["child_id"] for c in courses}):
        for kind, name in GP_LETTER_KINDS.items():
            if d["body"].startswith(f"Hvad: {name}"):
                written.setdefault(d["course_id"], set()).add(kind)
    for c in courses:
        track = ws.catalogue.tracks.get(c["track_id"])
        name = track.name if track else c["track_id"]
        has = written.get(c["id"], set())
        if c["status"] == "active" and "start" not in has:
            days = (today - date.fromisoformat(c["start_date"])).days
            raw.append(("gp_letters", c["child_id"], f"Orientering om {name} til egen læge, {days} dage efter start",
                        c["start_date"], "gp_letter_start", c["id"], days))
        elif c["closing_date"] and "end" not in has:
            days = (today - date.fromisoformat(c["closing_date"])).days
            if days <= END_LETTER_DAYS:
                raw.append(("gp_letters", c["child_id"], f"Tilbagemelding om {name} til egen læge, {days} dage "
                            "efter afslutningen", c["closing_date"], "gp_letter_end", c["id"], days))
    return raw


def _tasks(ws: Workspace, raw: list[tuple]) -> list[Task]:
    """Named tasks, the user's own children first within each section (then by date, as before)."""
    children = {t[1] for t in raw}
    names = {r["id"]: f"{r['first_name']} {r['last_name']}" for r in WorkQueueReads(ws.db).child_names(children)}
    own = access.own_first(ws=ws, child_ids=sorted(c for c in children if c is not None))
    tasks = [Task(s, cid, names.get(cid, "?"), text, day, kind, rid, cid in own, *rest)
             for s, cid, text, day, kind, rid, *rest in raw]
    return sorted(tasks, key=lambda t: not t.own)  # stable: sections and dates keep their order
