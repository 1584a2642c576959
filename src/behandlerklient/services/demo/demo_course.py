"""The demo generator's course-level parts: sessions, fidelity ratings, corrections, coordination,
notifications, closings and group courses, and the helpers the generator shares (a story clock, signing, SDQ).
Synthetic data only; deterministic for a seed."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from behandlerklient.core.models import SessionParts
from behandlerklient.services.demo import demo_vocabulary as V  # noqa: N812 - the vocabulary reads as V.<word>
from behandlerklient.services.journal import group_sessions, journal, sessions
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import records
from behandlerklient.services.signatures import audit
from behandlerklient.services.supervision import supervision
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.access import AccessRepository
from behandlerklient.storage.demo_reads import DemoReads
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.sessions import JournalRepository


class StoryClock:
    """A clock the generator moves along the synthetic timeline, so timestamps match the story."""

    def __init__(self) -> None:
        self.now = datetime(2020, 1, 1, tzinfo=UTC)

    def set(self, day: date, minute: int = 0) -> None:
        self.now = datetime.combine(day, time(9, 0), tzinfo=UTC) + timedelta(minutes=minute)

    def __call__(self) -> datetime:
        return self.now


def _text(rng: random.Random, options: tuple[str, ...], name: str) -> str:
    return rng.choice(options).format(name=name)


def sign(ws: Workspace, kind: str, record_id: int) -> None:
    # The generator acts for therapists who are not typing a passphrase; the services' own rules still apply.
    records.sign_confirmed(ws=ws, kind=kind, record_id=record_id)


def _answers(rng: random.Random, level: float) -> list[int | None]:
    """25 SDQ answers; `level` 0..1 pushes difficulty items up (and prosocial items down)."""
    from behandlerklient.core.sdq import ITEMS

    out: list[int | None] = []
    for item in range(1, 26):
        _name, scale, reverse = ITEMS[item]
        p = level if scale != "P" else 1 - level
        value = 2 if rng.random() < p * 0.6 else (1 if rng.random() < 0.5 else 0)
        if reverse:
            value = 2 - value
        out.append(None if rng.random() < 0.02 else value)
    return out


def sdq(ws, rng, child, day, phase, level, **link) -> None:  # noqa: ANN001
    impact = [rng.choice((1, 2, 2, 3))] + [rng.choice((0, 1, 2, 3)) for _ in range(5)]
    sdq_records.record(ws=ws, child_id=child.id, informant="parent", phase=phase, answered_on=day,
                       answers=_answers(rng, level), impact=impact, **link)
    if child.age_on(day) >= 11 and rng.random() < 0.8:
        sdq_records.record(ws=ws, child_id=child.id, informant="self", phase=phase, answered_on=day,
                           answers=_answers(rng, level * 0.9), **link)


def individual_sessions(ws, rng, clock, today, track, course, child, level, result) -> None:  # noqa: ANN001
    at_risk = sessions.active_risk(ws=ws, child_id=child.id) is not None
    planned = course.planned_sessions
    roll = rng.random()
    target = planned if roll < 0.75 else (rng.randint(1, planned) if roll < 0.9 else planned + 1)
    day, n, unfinished = course.start_date, 0, False
    while n < target:
        if day > today:
            break
        clock.set(day, minute=n)
        if rng.random() < 0.08:
            sessions.record_absence(ws=ws, course_id=course.id, on=day,
                                    attendance=rng.choice(("cancelled", "missed")), note="")
            day += timedelta(days=7)
            continue
        n += 1
        reason = "Barnet er tæt på målet; én ekstra session aftalt." if n > track.sessions_max else ""
        session, _ = sessions.start_session(ws=ws, course_id=course.id, on=day, reason=reason)
        name = child.first_name
        session.parts.agenda = _text(rng, V.AGENDA, name)
        session.parts.status = _text(rng, V.STATUS, name) if n > 1 else "Første session; ingen hjemmeopgave endnu."
        session.parts.goals = _text(rng, V.GOALS, name)
        session.parts.exercise = _text(rng, V.EXERCISE, name)
        session.parts.homework = _text(rng, V.HOMEWORK, name)
        session.participants = "parents" if course.format == "parent_group" else rng.choice(
            ("both", "both", "child", "parents"))
        if at_risk:  # the risk check the editor asks for while the screening's risk is active
            session.risk_level, session.risk_note = "low", "Kriseplanen gennemgået; ingen aktuelle selvmordstanker."
        clock.set(day, minute=90)
        recent_last = (n == target or day + timedelta(days=7) > today) and day + timedelta(days=14) > today
        if recent_last and rng.random() < 0.5:
            sessions.save_draft(ws=ws, session=session)  # an unfinished draft, as on any real laptop
            unfinished = True
        else:
            entry, _ = sessions.finish_confirmed(ws=ws, session=session)
            if rng.random() < 0.03:
                _correct(ws, entry.id, result)
            _fidelity(ws, rng, clock, today, track, session, result)
        result.sessions += 1
        if n == 3 and rng.random() < 0.4:
            _coordination(ws, rng, clock, course, day + timedelta(days=2))
        day += timedelta(days=rng.choice((7, 7, 7, 14)))
    if unfinished or day > today:
        return
    _close(ws, rng, clock, today, course, child, level, dropped=target < planned, day=day)


# How closely each track tends to be followed in the demo (some manuals are followed better than others).
TRACK_FIDELITY = {"cool-kids": 0.9, "chilled": 0.85, "mind-my-mind": 0.85, "pmto": 0.8, "stime-selvskade": 0.8,
                  "stime-bekymring-tristhed": 0.75, "stime-krop-mad": 0.72, "stime-uro": 0.78,
                  "stime-gentagne-tanker": 0.7, "individuelt": 0.6}


def _answers_for(rng: random.Random, items, quality: float) -> list:  # noqa: ANN001
    out = []
    for item in items:
        roll = rng.random()
        value = "yes" if roll < quality else ("partly" if roll < quality + (1 - quality) * 0.6 else "no")
        if item.key == "parents" and rng.random() < 0.1:
            value = "not_relevant"
        out.append(supervision.Rating(item.key, value, rng.randint(3, 6) if rng.random() < 0.5 else None))
    return out


def _fidelity(ws: Workspace, rng: random.Random, clock: StoryClock, today: date, track, session, result) -> None:  # noqa: ANN001
    """Self-ratings are generous; the supervisor, rating the sampled sessions later, is a little stricter."""
    quality = TRACK_FIDELITY.get(track.id, 0.75)
    items = supervision.checklist(ws=ws, session_id=session.id)
    if rng.random() < 0.6:
        supervision.save_ratings(ws=ws, session_id=session.id, kind="self",
                                 items=_answers_for(rng, items, min(0.97, quality + 0.08)))
    review_id = DemoReads(ws.db).review_id(session.id)
    supervisor_user = next((u for u in result.supervisors if u.id != ws.user.id), None)
    if review_id is None or supervisor_user is None or session.session_date > today - timedelta(days=10):
        return
    author = ws.user
    ws.user = supervisor_user
    try:
        supervision.save_ratings(ws=ws, session_id=session.id, kind="supervisor",
                                 items=_answers_for(rng, items, quality - 0.05))
        changes = rng.random() < 0.15
        supervision.decide(ws=ws, review_id=review_id, decision="changes_requested" if changes else "approved",
                           comment="Husk at gennemgå hjemmeopgaven, før dagens øvelse." if changes else "")
        if rng.random() < 0.7:
            supervision.mark_seen(ws=ws, review_id=review_id)
    finally:
        ws.user = author


def _correct(ws: Workspace, entry_id: int, result) -> None:  # noqa: ANN001
    original = JournalRepository(ws.db).get(entry_id)
    journal.correct_confirmed(ws=ws, original=original, text="Rettelse: hjemmeopgaven var tre gange om ugen, "
                              "ikke fem. Resten af notatet står ved magt.")
    result.corrections += 1


def _coordination(ws, rng, clock, course, day) -> None:  # noqa: ANN001
    if day > clock.now.date() + timedelta(days=30):
        return
    clock.set(day)
    partner, kind, text = rng.choice(V.COORDINATION)
    referral = partner == "bup" and _extra(course.id).random() < 0.5
    if referral:  # the sparring found signs of more serious illness: a referral during the course
        kind, text = "coordination", V.BUP_REFERRAL
    rid, _ = records.save(ws=ws, kind="coordination", values={
        "child_id": course.child_id, "course_id": course.id, "entry_date": day, "partner": partner, "kind": kind,
        "summary": text, "bup_referral": referral})
    sign(ws, "coordination", rid)


def guided(rng: random.Random, group: int) -> dict[str, str]:
    if group != 2:
        return {"guided_to": "", "guided_kind": ""}
    i = rng.randrange(len(V.GUIDED_TO))  # one draw, as before the category existed: the demo stays the same
    return {"guided_to": V.GUIDED_TO[i], "guided_kind": V.GUIDED_KINDS[i]}


def _extra(course_id: int) -> random.Random:
    """Draws for what the monitoring data added (end reasons, BUP referrals, follow-up effect), apart from the
    demo's main stream so that every other demo value stays what it was; seeded by the course, so deterministic."""
    return random.Random(f"monitor:{course_id}")


def notification(ws, rng, clock, child, day, course_id, result) -> None:  # noqa: ANN001
    clock.set(day)
    rid, _ = records.save(ws=ws, kind="notification", values={
        "child_id": child.id, "course_id": course_id, "notified_on": day, "grounds": rng.choice(V.NOTIFICATION_GROUNDS),
        "recipient": f"Familieafdelingen, {child.home_municipality}"})
    sign(ws, "notification", rid)
    result.notifications += 1


def _close(ws, rng, clock, today, course, child, level, *, dropped: bool, day: date) -> None:  # noqa: ANN001
    if day > today:
        return
    clock.set(day)
    if not dropped:
        sdq(ws, rng, child, day, "closing", max(0.1, level - rng.uniform(0.1, 0.35)), course_id=course.id)
    effect = "unchanged" if dropped else rng.choices(("improved", "partly_improved", "unchanged", "worsened"),
                                                     weights=(55, 30, 12, 3))[0]
    cid, _ = records.save(ws=ws, kind="closing", values={
        "course_id": course.id, "child_id": child.id, "closing_date": day, "effect": effect,
        "content_summary": "Forløbet fulgte manualens struktur med fokus på gradvis eksponering og forældrestøtte.",
        "further_needs": "Ingen yderligere behov." if effect in ("improved", "partly_improved") else
        "Fortsat støtte i skolen; PPR orienteret.",
        "recommendations": "Fortsæt trappen hjemme; kontakt tilbuddet igen ved tilbagefald.",
        "criteria_reason": "Familien udeblev fra de sidste sessioner." if dropped else "",
        "status": "dropped_out" if dropped else "completed",
        "end_reason": _extra(course.id).choices(("lost_contact", "family_stopped", "referred_bup", "moved"),
                                                weights=(50, 30, 15, 5))[0] if dropped else
        ("goals_reached" if _extra(course.id).random() < 0.15 else "plan_completed")})
    sign(ws, "closing", cid)
    fu = DemoReads(ws.db).follow_up(course.id)
    due = date.fromisoformat(fu["due_date"]) if fu else None
    if fu and due <= today and (due < today - timedelta(days=10) or rng.random() < 0.5):
        clock.set(due)
        records.save(ws=ws, kind="follow_up", record_id=fu["id"], values={
            "done_on": fu["due_date"], "notes": "Telefonopfølgning: bedringen holder; bruger stadig trappen.",
            "relapse": False, "more_needed": False,
            "effect": _extra(course.id).choices(("improved", "partly_improved", "unchanged"), weights=(60, 30, 10))[0]})
        sign(ws, "follow_up", fu["id"])


def _share_group(ws: Workspace, course_ids: list[int], now: datetime) -> None:
    """The group's children held by other clinicians are shared with the one who runs the group, from its start:
    she signs every child's session, and the server accepts a record only from someone with access to its child
    when it was signed (a caseload is only the registering clinician's)."""
    repo, courses = AccessRepository(ws.db), PathwayRepository(ws.db)
    user_id = ws.user.id
    if user_id is None:
        return
    for course_id in course_ids:
        course = courses.course(course_id)
        if course is None or repo.kinds_held(child_id=course.child_id, user_id=user_id):
            continue
        with ws.db.transaction():
            repo.grant(child_id=course.child_id, user_id=user_id, kind="shared", granted_by=None, now=now,
                       note="gruppeforløb")
            audit.record(ws.db, user_id=user_id, action="user", now=now, child_id=course.child_id,
                         obj=f"shared:user:{user_id}", detail="grant")


def run_group(ws, rng, clock, today, track, waiting, result) -> None:  # noqa: ANN001
    start = max(d for _c, d in waiting)
    ids = [c for c, _d in waiting]
    if start <= today:
        clock.set(start)
        _share_group(ws, ids, clock())
    day = start
    for _n in range(1, track.sessions_nominal + 1):
        if day > today:
            break
        clock.set(day)
        gid, _ = group_sessions.create(ws=ws, track_id=track.id, session_date=day, course_ids=ids)
        group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(
            agenda="Dagsorden aftalt i gruppen.", status="Hjemmeopgaverne gennemgået i runden.",
            goals="Dagens mål: næste trin på trappen.", exercise="Øvelse i par med tankefælder.",
            homework="Ét trin på trappen inden næste gang."))
        for p in group_sessions.participants(ws=ws, group_id=gid):
            attendance = "held" if rng.random() > 0.08 else "missed"
            checked = ("low", "Kriseplanen gennemgået; ingen aktuelle selvmordstanker.") if p.risk else (None, "")
            group_sessions.save_participant(ws=ws, session_id=p.session_id, attendance=attendance,
                                            own_note=rng.choice(V.GROUP_NOTES), risk_level=checked[0],
                                            risk_note=checked[1])
        if day + timedelta(days=7) > today and rng.random() < 0.5:
            break  # the newest group session is still a draft
        with ws.db.transaction():
            group_sessions.sign_confirmed(ws=ws, group_id=gid)
        result.group_sessions += 1
        result.sessions += len(ids)
        day += timedelta(days=7)
