"""Synthetic, realistic Danish demo data through the real services; deterministic for a seed and a date."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from behandlerklient.core import cpr as cprmod
from behandlerklient.core.course_rules import eligibility
from behandlerklient.core.models import GeneralPractitioner, Guardian, User
from behandlerklient.services import children, pathway, sessions
from behandlerklient.services import demo_vocabulary as V
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.users import UserRepository

DEMO_PASSPHRASE = "demo-behandler"
DEMO_USERNAME = "demo"
BATCH = 100  # children per transaction: progress can be shown and a kill loses at most one batch

THERAPISTS = (("mkj", "Maria Kjærgaard", "Psykolog"), ("tbo", "Thomas Bøgh", "Psykolog"),
              ("ssl", "Sanne Sløk", "Psykolog"), ("lhv", "Louise Hvid", "Supervisor, psykolog"))


@dataclass
class DemoResult:
    children: int
    courses: int
    sessions: int


class _Clock:
    """A clock the generator moves along the synthetic timeline, so timestamps match the story."""

    def __init__(self) -> None:
        self.now = datetime(2020, 1, 1, tzinfo=timezone.utc)

    def set(self, day: date, minute: int = 0) -> None:
        self.now = datetime.combine(day, time(9, 0), tzinfo=timezone.utc) + timedelta(minutes=minute)

    def __call__(self) -> datetime:
        return self.now


def _cpr_for(rng: random.Random, born: date, sex: str, taken: set[str]) -> str:
    while True:
        seventh = rng.choice((4, 5, 6, 7, 8, 9)) if born.year >= 2000 else rng.choice((0, 1, 2, 3))
        middle = f"{rng.randrange(100):02d}"
        last = rng.randrange(1, 10, 2) if sex == "M" else rng.randrange(0, 10, 2)
        digits = f"{born:%d%m%y}{seventh}{middle}{last}"
        if digits not in taken and cprmod.parse(digits).birth_date == born:
            taken.add(digits)
            return digits


def _gps(rng: random.Random, n: int) -> list[GeneralPractitioner]:
    out = []
    for i in range(n):
        postcode, town = rng.choice(V.TOWNS)
        doctor = f"{rng.choice(V.ADULT_F + V.ADULT_M)} {rng.choice(V.LAST)}"
        out.append(GeneralPractitioner(None, f"{rng.choice(V.CLINIC_PREFIX)} {town}", doctor,
                                       f"{rng.choice(V.STREETS)} {rng.randint(1, 80)}", postcode, town,
                                       f"59 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                                       sor=str(rng.randint(10**14, 10**15 - 1)), ean=str(5790000000000 + i)))
    return out


def _text(rng: random.Random, options: tuple[str, ...], name: str) -> str:
    return rng.choice(options).format(name=name)


def generate(*, ws: Workspace, children_count: int, seed: int = 1, today: date | None = None,
             progress: Callable[[int, int], None] | None = None) -> DemoResult:
    today = today or date.today()
    rng = random.Random(seed)
    clock = _Clock()
    real_clock, ws.clock = ws.clock, clock
    author = ws.user
    tracks = [t for t in ws.catalogue.sorted() if t.sessions_max <= 25]
    result = DemoResult(0, 0, 0)
    try:
        users = UserRepository(ws.db)
        with ws.db.transaction():
            therapists = [users.by_username(u) or users.add(User(None, u, n, "therapist" if "Supervisor" not in t
                                                                else "supervisor", t, "59 66 60 00"), now=clock())
                          for u, n, t in THERAPISTS]
            gps = [ChildRepository(ws.db).add_gp(g) for g in _gps(rng, 40)]
        taken = {r[0] for r in ws.db.query("SELECT cpr FROM children")}
        done = 0
        while done < children_count:
            with ws.db.transaction():
                for _ in range(min(BATCH, children_count - done)):
                    ws.user = rng.choice(therapists)
                    _one_child(ws, rng, clock, today, tracks, gps, taken, result)
                    done += 1
            if progress:
                progress(done, children_count)
    finally:
        ws.clock, ws.user = real_clock, author
    return result


def _one_child(ws: Workspace, rng: random.Random, clock: _Clock, today: date, tracks, gps, taken, result) -> None:
    sex = rng.choice("FM")
    first = rng.choice(V.GIRLS if sex == "F" else V.BOYS)
    last = rng.choice(V.LAST)
    age_days = rng.randint(5 * 365 + 30, 17 * 365 + 300)
    born = today - timedelta(days=age_days)
    contact_day = today - timedelta(days=rng.randint(20, 540))
    if contact_day < born + timedelta(days=5 * 365 + 2):
        contact_day = born + timedelta(days=5 * 365 + 2)
    clock.set(contact_day)
    home = rng.choice(V.MUNICIPALITIES)
    treating = home if rng.random() < 0.85 else rng.choice(V.MUNICIPALITIES)
    guardians = [Guardian(None, f"{rng.choice(V.ADULT_F)} {last}", "mother", True,
                          f"2{rng.randint(0, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}")]
    if rng.random() < 0.8:
        guardians.append(Guardian(None, f"{rng.choice(V.ADULT_M)} {rng.choice((last, rng.choice(V.LAST)))}",
                                  "father", rng.random() < 0.85,
                                  f"4{rng.randint(0, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                                  f"{rng.randint(10, 99)}"))
    reg = children.register_child(ws=ws, first_name=first, last_name=last, cpr=_cpr_for(rng, born, sex, taken),
                                  home_municipality=home, treating_municipality=treating, gp=rng.choice(gps),
                                  guardians=guardians)
    child = reg.child
    result.children += 1
    age = child.age_on(contact_day)
    made_by = "young_person" if age >= 13 and rng.random() < 0.3 else rng.choice(("parent", "parent", "professional"))
    way = "self" if made_by != "professional" else rng.choice(("gp", "school", "ppr", "health_visitor", "social_services"))
    pathway.add_contact(ws=ws, child_id=child.id, contact_date=contact_day, made_by=made_by, way=way,
                        concern=rng.choice(V.CONCERNS), channel=rng.choice(("phone", "phone", "in_person", "digital")),
                        consent_to_share=rng.random() < 0.9)
    if rng.random() > 0.7:
        return
    start = contact_day + timedelta(days=rng.randint(14, 60))
    if start > today:
        return
    eligible = [t for t in tracks if eligibility(t, child.birth_date, start).ok]
    if not eligible:
        return
    track = rng.choice(eligible)
    clock.set(start)
    opened = pathway.open_course(ws=ws, child_id=child.id, track_id=track.id, start_date=start)
    result.courses += 1
    planned = opened.course.planned_sessions
    # Most courses run to plan; some end early (drop-outs) and a few need an extra session or two.
    roll = rng.random()
    if roll < 0.75:
        target = planned
    elif roll < 0.9:
        target = rng.randint(1, planned)
    else:
        target = min(track.sessions_max, planned + rng.randint(1, 2))
    day = start
    unfinished = False
    for n in range(1, target + 1):
        if day > today:
            break
        clock.set(day, minute=n)
        session, _ = sessions.start_session(ws=ws, course_id=opened.course.id, on=day)
        name = first
        session.parts.agenda = _text(rng, V.AGENDA, name)
        session.parts.status = _text(rng, V.STATUS, name) if n > 1 else "Første session; ingen hjemmeopgave endnu."
        session.parts.goals = _text(rng, V.GOALS, name)
        session.parts.exercise = _text(rng, V.EXERCISE, name)
        session.parts.homework = _text(rng, V.HOMEWORK, name)
        session.participants = "parents" if opened.course.format == "parent_group" else rng.choice(
            ("both", "both", "child", "parents"))
        clock.set(day, minute=90)
        recent_last = (n == target or day + timedelta(days=7) > today) and day + timedelta(days=14) > today
        if recent_last and rng.random() < 0.5:
            sessions.save_draft(ws=ws, session=session)  # an unfinished draft, as on any real laptop
            unfinished = True
        else:
            sessions.finish_session(ws=ws, session=session)
        result.sessions += 1
        day += timedelta(days=rng.choice((7, 7, 7, 14)))
    if target >= planned and day <= today and not unfinished:
        pathway.end_course(ws=ws, course_id=opened.course.id, status="completed", end_date=day)
    elif target < planned and day <= today and not unfinished:
        pathway.end_course(ws=ws, course_id=opened.course.id, status="dropped_out", end_date=day)
