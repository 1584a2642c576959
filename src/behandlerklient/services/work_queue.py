"""The start screen's work queue: what needs the therapist's hand today, her own caseload first.

On a laptop the team's other children stay in the list (docs/access.md, basis 'team'), after her own: a
colleague's follow-up is still someone's to hold. A coordinator gets her own drafts only: the other sections
are clinical work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from behandlerklient.services import access, conflicts, records, supervision
from behandlerklient.services.workspace import Workspace

DUE_SOON_DAYS = 14


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
    key: str = ""  # a conflict's key (global): what its resolution dialog opens


SECTIONS = {"conflicts": "Konflikter mellem enheder", "supervision": "Supervision",
            "drafts": "Kladder, der ikke er underskrevet",
            "screenings": "Screeninger, der venter",
            "follow_ups": "Opfølgninger, der snart skal holdes", "over_range": "Forløb ud over manualens interval"}


def _names(ws: Workspace, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    return {r[0]: f"{r[1]} {r[2]}" for r in ws.db.query(
        f"SELECT id, first_name, last_name FROM children WHERE id IN ({marks})", tuple(ids))}


def build(*, ws: Workspace, today: date) -> list[Task]:
    raw: list[tuple] = []
    for d in records.drafts(ws=ws, author_id=ws.user.id):
        raw.append(("drafts", d["child_id"], d["label"], d["date"] or "", d["kind"], d["id"]))
    for r in ws.db.query("SELECT s.id, c.child_id, s.number, s.session_date FROM sessions s JOIN courses c "
                         "ON c.id = s.course_id WHERE s.state = 'draft' AND s.author_id = ? "
                         "AND s.group_session_id IS NULL", (ws.user.id,)):
        raw.append(("drafts", r[1], f"Session {r[2]}", r[3], "session", r[0]))
    if ws.user.role == "coordinator":
        return _tasks(ws, raw)
    # Offered a course in the intake talk (group 3), but no screening recorded yet.
    for r in ws.db.query(
            "SELECT i.child_id, i.talk_date, i.contact_id FROM intakes i WHERE i.decision_group = 3 "
            "AND i.signed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM screenings s WHERE s.contact_id = i.contact_id)"):
        raw.append(("screenings", r[0], "Screening efter forsamtale (gruppe 3)", r[1], "contact", r[2]))
    horizon = (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
    for r in ws.db.query("SELECT id, child_id, kind, due_date FROM follow_ups WHERE done_on IS NULL AND due_date <= ? "
                         "ORDER BY due_date", (horizon,)):
        late = " (overskredet)" if r[3] < today.isoformat() else ""
        raw.append(("follow_ups", r[1], ("Booster" if r[2] == "booster" else "Opfølgning") + late, r[3],
                    "follow_up", r[0]))
    for r in ws.db.query(
            "SELECT c.id, c.child_id, c.track_id, c.planned_sessions, (SELECT count(*) FROM sessions s WHERE "
            "s.course_id = c.id AND s.attendance = 'held' AND s.state = 'signed') FROM courses c WHERE c.status = 'active'"):
        track = ws.catalogue.tracks.get(r[2])
        limit = track.sessions_max if track and not track.flexible else r[3]
        if r[4] > limit or r[4] > r[3]:
            name = track.name if track else r[2]
            raw.append(("over_range", r[1], f"{name}: {r[4]} sessioner (plan {r[3]}, manual {track.range_text if track else '?'})",
                        "", "course", r[0]))
    for review in supervision.queue(ws=ws):
        child_id = ws.db.scalar("SELECT c.child_id FROM sessions s JOIN courses c ON c.id = s.course_id "
                                "WHERE s.id = ?", (review.session_id,))
        raw.append(("supervision", child_id, f"Til supervision: {review.track} session {review.number} "
                    f"({review.therapist})", review.session_date, "review", review.review_id))
    for fb in supervision.feedback_for_therapist(ws=ws):
        verdict = supervision.DECISIONS[fb.decision]
        raw.append(("supervision", fb.child_id, f"{verdict} af {fb.supervisor}" + (f": {fb.comment}" if fb.comment else ""),
                    (fb.decided_at or "")[:10], "feedback", fb.review_id))
    # Versions from two laptops that disagree, where the user wrote one of them (sync.md: each author is told).
    for c in conflicts.for_user(ws=ws):
        if c.child_id is not None:
            raw.append(("conflicts", c.child_id, c.description, "", "conflict", None, c.key))
    return _tasks(ws, raw)


def _tasks(ws: Workspace, raw: list[tuple]) -> list[Task]:
    """Named tasks, the user's own children first within each section (then by date, as before)."""
    children = {t[1] for t in raw}
    names = _names(ws, children)
    own = access.own_first(ws=ws, child_ids=sorted(c for c in children if c is not None))
    tasks = [Task(s, cid, names.get(cid, "?"), text, day, kind, rid, cid in own, *key)
             for s, cid, text, day, kind, rid, *key in raw]
    return sorted(tasks, key=lambda t: not t.own)  # stable: sections and dates keep their order
