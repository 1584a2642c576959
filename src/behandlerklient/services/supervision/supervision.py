"""Supervision: fidelity ratings (self and supervisor stored apart, never merged), the review queue with its
sample, decisions the therapist sees, and supervision meetings. Every supervisor action is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from behandlerklient.core import access as access_rules
from behandlerklient.core import fidelity
from behandlerklient.core.errors import InvalidInput, NotFound, RuleRefused
from behandlerklient.core.vocab import PARTICIPANTS, SESSION_FORMAT, SESSION_PARTS, label
from behandlerklient.services.accounts import access
from behandlerklient.services.changes import Changes
from behandlerklient.services.signatures import audit
from behandlerklient.services.workspace import settings
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.fidelity_ratings import FidelityRatingRepository
from behandlerklient.storage.reviews import ReviewRepository
from behandlerklient.storage.supervision_meetings import SupervisionMeetingRepository
from behandlerklient.storage.sync_removal import RemovalRepository
from behandlerklient.storage.users import UserRepository

SUPERVISING_ROLES = ("supervisor", "admin")
DECISIONS = {"approved": "Godkendt", "changes_requested": "Ændringer ønsket"}


@dataclass(frozen=True)
class Rating:
    item_key: str
    adherence: str
    competence: int | None = None
    comment: str = ""


def _session_row(ws: Workspace, session_id: int):  # noqa: ANN202
    row = ReviewRepository(ws.db).session(session_id)
    if row is None:
        raise NotFound(f"Ingen session med id {session_id}.")
    return row


def checklist(*, ws: Workspace, session_id: int) -> list[fidelity.Item]:
    row = _session_row(ws, session_id)
    return fidelity.checklist(ws.catalogue.tracks.get(row["track_id"]))


def ratings(*, ws: Workspace, session_id: int, kind: str) -> dict[str, Rating]:
    return {r["item_key"]: Rating(r["item_key"], r["adherence"], r["competence"], r["comment"])
            for r in FidelityRatingRepository(ws.db).for_session(session_id, kind)}


def save_ratings(*, ws: Workspace, session_id: int, kind: str, items: list[Rating]) -> Changes:
    """The session's author rates themself ('self'); a supervisor who did not hold the session rates it
    ('supervisor'). Each kind is its own set of rows: the two are never averaged into one."""
    row = _session_row(ws, session_id)
    if row["state"] != "signed":
        raise RuleRefused("Sessionen skal være underskrevet, før den vurderes.")
    if kind not in ("self", "supervisor"):
        raise InvalidInput(f"Ukendt vurderingstype {kind!r}.")
    problem = fidelity.rating_problem(kind, by_session_author=row["author_id"] == ws.user.id,
                                      supervises=ws.user.role in SUPERVISING_ROLES)
    if problem is not None:
        raise RuleRefused(problem)
    known = {i.key: i.label for i in fidelity.checklist(ws.catalogue.tracks.get(row["track_id"]))}
    now = ws.clock()
    for r in items:
        if r.item_key not in known:
            raise InvalidInput(f"Ukendt punkt {r.item_key!r} på tjeklisten.")
        if r.adherence not in fidelity.ADHERENCE:
            raise InvalidInput(f"Ukendt svar {r.adherence!r}; brug ja, delvist, nej eller ikke relevant.")
        if r.competence is not None and not 0 <= r.competence <= 6:
            raise InvalidInput("Kompetencevurderingen går fra 0 til 6.")
    items = list({r.item_key: r for r in items}.values())  # an item named twice: the last answer counts
    if not items:
        return Changes()  # a track without a checklist: nothing rated
    rated_at = to_text(now)
    with ws.db.transaction():
        # One event for the act (schema 27): one signature for the checklist the rater saved, and one record to
        # send and check instead of one per item; the fidelity_ratings rows are the fold's cache.
        EventRepository(ws.db).append(
            aggregate="fidelity", subject=f"{session_id}:{kind}", field="checklist",
            value={"rater_id": ws.user.id, "rated_at": rated_at,
                   "items": [{"key": r.item_key, "label": known[r.item_key], "adherence": r.adherence,
                              "competence": r.competence, "comment": r.comment} for r in items]},
            now=now, author_id=ws.user.id, child_id=row["child_id"])
        audit.record(ws.db, user_id=ws.user.id, action="supervise" if kind == "supervisor" else "create", now=now,
                     child_id=row["child_id"], obj=f"fidelity:{kind}:session:{session_id}")
    return Changes(sessions=True)


def request_review(*, ws: Workspace, session_id: int, reason: str = "requested") -> int:
    row = _session_row(ws, session_id)
    if row["state"] != "signed":
        raise RuleRefused("Kun underskrevne sessioner kan sendes til supervision.")
    reviews = ReviewRepository(ws.db)
    existing = reviews.id_for_session(session_id)
    if existing:
        return existing
    with ws.db.transaction():
        rid = reviews.add(session_id=session_id, reason=reason, requested_by=ws.user.id, now=ws.clock())
        audit.record(ws.db, user_id=ws.user.id, action="supervise", now=ws.clock(), child_id=row["child_id"],
                     obj=f"review:{rid}", detail=reason)
    return rid


def sample_after_signing(*, ws: Workspace, session_id: int, number: int) -> None:
    """Called when a session is signed: the configured sample lands in the supervisors' queue."""
    rule = settings.get(ws=ws, key="review_sample")
    if fidelity.sampled(rule, session_number=number, session_id=session_id):
        request_review(ws=ws, session_id=session_id, reason="sample")


@dataclass(frozen=True)
class QueueItem:
    review_id: int
    session_id: int
    reason: str
    therapist: str
    track: str
    number: int
    session_date: str
    child_label: str


def queue(*, ws: Workspace) -> list[QueueItem]:
    if ws.user.role not in SUPERVISING_ROLES:
        return []
    rows = ReviewRepository(ws.db).pending(not_by=ws.user.id)
    supervisees = access.supervisee_ids(ws=ws)  # a supervisor sees what she supervises (once pairs exist)
    if supervisees is not None:
        rows = [r for r in rows if r["author_id"] in supervisees]
    tracks = ws.catalogue.tracks
    return [QueueItem(review_id=r["id"], session_id=r["session_id"], reason=r["reason"], therapist=r["full_name"],
                      track=tracks[r["track_id"]].name if r["track_id"] in tracks else r["track_id"],
                      number=r["number"], session_date=r["session_date"],
                      child_label=f"{r['first_name']} {r['last_name'][:1]}.") for r in rows]


@dataclass
class ReviewView:
    review_id: int
    session_id: int
    therapist: str
    track: str
    number: int
    session_date: str
    structure: list[tuple[str, str]]
    clinical_text: dict[str, str] | None  # None when the setting hides it
    items: list[fidelity.Item]
    supervisor: dict[str, Rating] = field(default_factory=dict)


def _sees_clinical_text(ws: Workspace, course_id: int) -> bool:
    mode = settings.get(ws=ws, key="supervisor_sees_clinical_text")
    if mode != "supervised":  # the policy switch itself is core/access.py's
        return access_rules.clinical_text_visible(mode, in_supervision=False)
    # 'supervised': a course with a session in review or discussed at a supervision meeting.
    return ReviewRepository(ws.db).course_in_supervision(course_id)


def open_review(*, ws: Workspace, review_id: int) -> ReviewView:
    if ws.user.role not in SUPERVISING_ROLES:
        raise RuleRefused("Kun en supervisor kan åbne en supervision.")
    r = ReviewRepository(ws.db).get(review_id)
    if r is None:
        raise NotFound(f"Ingen supervision med id {review_id}.")
    s = _session_row(ws, r["session_id"])
    track = ws.catalogue.tracks.get(s["track_id"])
    author_user = UserRepository(ws.db).get(s["author_id"])
    author = author_user.full_name if author_user else ""  # sessions.author_id references users: never empty
    day = date.fromisoformat(s["session_date"]).strftime("%d.%m.%Y")
    structure = [("Dato", day), ("Varighed", f"{s['duration_min']} min"),
                 ("Deltagere", label(PARTICIPANTS, s["participants"])), ("Format", label(SESSION_FORMAT, s["format"]))]
    frame = RemovalRepository(ws.db).frame_of(s["id"])
    if frame is not None:
        # Only the session's frame is here (the server's clinical-text switch is off): which parts were written,
        # never the text.
        filled = frame.get("filled") or {}
        structure += [(title, "udfyldt" if filled.get(key) else "tom") for key, title in SESSION_PARTS.items()]
        if filled.get("over_range_reason"):
            structure.append(("Ud over manualens interval", "begrundet (teksten vises ikke)"))
        text = None
    else:
        structure += [(title, "udfyldt" if s[key].strip() else "tom") for key, title in SESSION_PARTS.items()]
        if s["over_range_reason"]:
            structure.append(("Ud over manualens interval", s["over_range_reason"]))
        text = ({title: s[key] for key, title in SESSION_PARTS.items()} if _sees_clinical_text(ws, s["course_id"])
                else None)
    with ws.db.transaction():
        audit.record(ws.db, user_id=ws.user.id, action="supervise", now=ws.clock(), child_id=s["child_id"],
                     obj=f"review:{review_id}", detail="view")
    return ReviewView(review_id, s["id"], author, track.name if track else s["track_id"], s["number"],
                      day, structure, text, fidelity.checklist(track),
                      ratings(ws=ws, session_id=s["id"], kind="supervisor"))


def decide(*, ws: Workspace, review_id: int, decision: str, comment: str = "") -> Changes:
    if ws.user.role not in SUPERVISING_ROLES:
        raise RuleRefused("Kun en supervisor kan godkende eller bede om ændringer.")
    if decision not in DECISIONS:
        raise InvalidInput(f"Ukendt afgørelse {decision!r}.")
    if decision == "changes_requested" and not comment.strip():
        raise InvalidInput("Skriv, hvilke ændringer du ønsker.")
    r = ReviewRepository(ws.db).with_session_author(review_id)
    if r is None:
        raise NotFound(f"Ingen supervision med id {review_id}.")
    if r["author_id"] == ws.user.id:
        raise RuleRefused("En supervisor kan ikke supervisere sin egen session.")
    if r["status"] != "pending":
        raise RuleRefused("Supervisionen er allerede afgjort.")
    now = ws.clock()
    with ws.db.transaction():
        EventRepository(ws.db).append(
            aggregate="review", subject=review_id, field="decision", now=now, author_id=ws.user.id,
            child_id=r["child_id"], value={"status": decision, "supervisor_id": ws.user.id, "decided_at": to_text(now),
                                           "comment": comment.strip()})
        audit.record(ws.db, user_id=ws.user.id, action="supervise", now=now, child_id=r["child_id"],
                     obj=f"review:{review_id}", detail=decision)
    return Changes(sessions=True)


@dataclass(frozen=True)
class Feedback:
    review_id: int
    session_id: int
    child_id: int
    decision: str
    comment: str
    supervisor: str
    decided_at: str


def feedback_for_therapist(*, ws: Workspace) -> list[Feedback]:
    """Decided reviews of the logged-in therapist's sessions not yet marked as read."""
    return [Feedback(review_id=r["id"], session_id=r["session_id"], child_id=r["child_id"], decision=r["status"],
                     comment=r["comment"], supervisor=r["full_name"], decided_at=r["decided_at"])
            for r in ReviewRepository(ws.db).unseen_decisions(ws.user.id)]


def mark_seen(*, ws: Workspace, review_id: int) -> None:
    """The therapist's "seen" is its own event kind, apart from the decision: the two never conflict."""
    now = ws.clock()
    with ws.db.transaction():
        events = EventRepository(ws.db)
        if events.field_events("review", str(review_id), "seen"):
            return  # seen once is seen (the first time is what counts)
        child_id = ReviewRepository(ws.db).child_id(review_id)
        if child_id is None:
            return
        events.append(aggregate="review", subject=review_id, field="seen", value=to_text(now), now=now,
                      author_id=ws.user.id, child_id=child_id)


def mark_approvals_seen(*, ws: Workspace) -> int:
    """The work queue's "markér alle som set": every approval of the user's sessions she has not seen yet (a request
    for changes stays until she opens it). Returns how many."""
    approvals = [fb for fb in feedback_for_therapist(ws=ws) if fb.decision == "approved"]
    for fb in approvals:
        mark_seen(ws=ws, review_id=fb.review_id)
    return len(approvals)


def log_meeting(*, ws: Workspace, meeting_date: date, kind: str, course_ids: list[int], notes: str = "") -> int:
    if ws.user.role not in SUPERVISING_ROLES:
        raise RuleRefused("Kun en supervisor kan registrere supervisionsmøder.")
    if kind not in ("group", "individual"):
        raise InvalidInput("Et supervisionsmøde er 'group' eller 'individual'.")
    now = ws.clock()
    with ws.db.transaction():
        meetings = SupervisionMeetingRepository(ws.db)
        mid = meetings.add(meeting_date=meeting_date, kind=kind, supervisor_id=ws.user.id, notes=notes, now=now)
        for cid in sorted(set(course_ids)):
            child_id = meetings.child_of_course(cid)
            if child_id is None:
                raise NotFound(f"Intet forløb med id {cid}.")
            meetings.add_course(mid, cid)
            audit.record(ws.db, user_id=ws.user.id, action="supervise", now=now, child_id=child_id,
                         obj=f"meeting:{mid}")
    return mid
