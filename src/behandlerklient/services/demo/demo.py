"""Synthetic, realistic Danish demo data through the real services; deterministic for a seed and a date."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from behandlerklient.core import cpr as cprmod
from behandlerklient.core import identifiers
from behandlerklient.core.course_rules import eligibility
from behandlerklient.core.models import GeneralPractitioner, Guardian, User
from behandlerklient.services.demo import demo_vocabulary as V  # noqa: N812 - the vocabulary reads as V.<word>
from behandlerklient.services.demo.demo_course import (
    StoryClock,
    guided,
    individual_sessions,
    notification,
    run_group,
    sdq,
    sign,
)
from behandlerklient.services.pathway import consent, pathway, records
from behandlerklient.services.registration import children
from behandlerklient.services.signatures import seal
from behandlerklient.services.workspace import settings
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.access import AccessRepository
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.demo_reads import DemoReads
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.users import UserRepository

DEMO_PASSPHRASE = "demo-behandler"
DEMO_USERNAME = "demo"
BATCH = 100  # children per transaction: progress is reported after each commit, and a kill loses at most one batch

THERAPISTS = (("mkj", "Maria Kjærgaard", "Psykolog"), ("tbo", "Thomas Bøgh", "Psykolog"),
              ("ssl", "Sanne Sløk", "Psykolog"), ("lhv", "Louise Hvid", "Supervisor, psykolog"))
# The team's coordinator: registers contacts, keeps master data, writes letters; never reads clinical notes.
COORDINATOR = ("kko", "Karin Koch", "Koordinator")


@dataclass
class DemoResult:
    children: int
    courses: int
    sessions: int
    intakes_by_group: dict[int, int] | None = None
    notifications: int = 0
    group_sessions: int = 0
    corrections: int = 0
    supervisors: list = None  # type: ignore[assignment]


def _cpr_for(rng: random.Random, born: date, sex: str, taken: set[str]) -> str:
    while True:
        seventh = rng.choice((4, 5, 6, 7, 8, 9)) if born.year >= 2000 else rng.choice((0, 1, 2, 3))
        middle = f"{rng.randrange(100):02d}"
        last = rng.randrange(1, 10, 2) if sex == "M" else rng.randrange(0, 10, 2)
        digits = f"{born:%d%m%y}{seventh}{middle}{last}"
        if digits not in taken and cprmod.parse(digits).birth_date == born:
            taken.add(digits)
            return digits


def _gln(first12: int) -> str:
    """A synthetic GLN that passes GS1's modulus-10 check, as dk-core requires of every EAN number."""
    return f"{first12}{identifiers.gln_check_digit(str(first12))}"


def _gps(rng: random.Random, n: int) -> list[GeneralPractitioner]:
    out = []
    for i in range(n):
        postcode, town = rng.choice(V.TOWNS)
        doctor = f"{rng.choice(V.ADULT_F + V.ADULT_M)} {rng.choice(V.LAST)}"
        out.append(GeneralPractitioner(None, f"{rng.choice(V.CLINIC_PREFIX)} {town}", doctor,
                                       f"{rng.choice(V.STREETS)} {rng.randint(1, 80)}", postcode, town,
                                       f"59 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                                       sor=str(rng.randint(10**14, 10**15 - 1)), ean=_gln(579000000000 + i)))
    return out


def generate(*, ws: Workspace, children_count: int, seed: int = 1, today: date | None = None,
             progress: Callable[[int, int], None] | None = None, bulk: bool = True) -> DemoResult:
    """`bulk`: each batch of children is one flat transaction whose audit rows are chained in memory and written
    at its end (see Database.transaction); bulk=False runs every service call as the app does, one savepoint and
    one audit statement each. Both give the same rows (tests/services/test_demo.py compares them)."""
    today = today or date.today()
    rng = random.Random(seed)
    clock = StoryClock()
    real_clock, ws.clock = ws.clock, clock
    author = ws.user
    tracks = [t for t in ws.catalogue.sorted() if t.sessions_max <= 25]
    result = DemoResult(0, 0, 0, {1: 0, 2: 0, 3: 0, 4: 0})
    groups: dict[str, list[tuple[int, date]]] = {}
    try:
        users = UserRepository(ws.db)
        with ws.db.transaction():
            therapists = [users.by_username(u) or users.add(User(None, u, n, "therapist" if "Supervisor" not in t
                                                                else "supervisor", t, "59 66 60 00",
                                                                "psychologist"), now=clock())
                          for u, n, t in THERAPISTS]
            gps = [ChildRepository(ws.db).add_gp(g) for g in _gps(rng, 40)]
            coordinator = users.by_username(COORDINATOR[0]) or users.add(
                User(None, *COORDINATOR[:2], "coordinator", COORDINATOR[2], "59 66 60 09", "other"),
                now=clock())
            _supervision_pairs(ws, therapists + [author], clock())
            if not settings.get(ws=ws, key="delivering_unit"):  # the demo municipality's team (monitoring data)
                EventRepository(ws.db).append(aggregate="setting", subject="delivering_unit", field="value",
                                              value=V.DELIVERING_UNIT, now=clock(), author_id=author.id)
        result.supervisors = [u for u in therapists if u.role == "supervisor"]
        seal.give_keys(ws=ws, users=therapists + [coordinator])
        taken = DemoReads(ws.db).taken_cprs()
        done = 0
        while done < children_count:
            with ws.db.transaction(bulk=bulk):
                for _ in range(min(BATCH, children_count - done)):
                    ws.user = rng.choice(therapists + [author])
                    _one_child(ws, rng, clock, today, tracks, gps, taken, result, groups)
                    # The child's shared rows that no signing step sealed (a course waiting for its group, the last
                    # session's self-rating) would leave at the next seal: the next child's, whose story may be dated
                    # a year earlier, before this child was registered (the server refuses such a record). Seal them
                    # at this child's own time.
                    seal.flush(ws.db, at=to_text(clock()), records=False)
                    done += 1
            if progress:
                progress(done, children_count)  # committed: a kill from here on keeps these children
    finally:
        ws.clock, ws.user = real_clock, author
    return result


def _supervision_pairs(ws: Workspace, team: list[User], now: datetime) -> None:
    """The demo's supervisor supervises every other clinician of the team (once). Each child's caseload is
    whoever registered it (services.accounts.access.on_registered)."""
    repo = AccessRepository(ws.db)
    ids = {u.id: u for u in team if u.id is not None}
    for sup_id in (i for i, u in ids.items() if u.role == "supervisor"):
        known = repo.supervisee_ids(supervisor_id=sup_id)
        for ther_id, ther in ids.items():
            if ther_id != sup_id and ther_id not in known and ther.role != "coordinator":
                repo.add_pair(supervisor_id=sup_id, therapist_id=ther_id, granted_by=None, now=now)
                known.add(ther_id)


def enable_demo_logins(*, ws: Workspace, passphrase: str) -> list[str]:
    """The demo database lets a reviewer log in as its supervisor too, with the same demo passphrase."""
    from behandlerklient.security import keyfile as kf

    # The key the workspace was opened with: unwrapping it again would cost a second KDF run for nothing.
    data_key = ws.data_key or ws.keys.unwrap(kf.user_wrap_id(ws.user.username), passphrase)
    added = []
    for username, _name, title in (*THERAPISTS, COORDINATOR):
        if ("Supervisor" in title or title == COORDINATOR[2]) and not ws.keys.find(kf.user_wrap_id(username)):
            user = UserRepository(ws.db).by_username(username)
            ws.keys.add_wrap(kf.user_wrap_id(username), passphrase, data_key,
                             signing_key=seal.private_bytes(ws.db, user.id) if user else None)
            added.append(username)
    ws.keys.save(kf.keyfile_path(ws.path))
    for username in added:  # a key made now (not by `generate` in this session) is vouched for by the admin
        user = UserRepository(ws.db).by_username(username)
        if user and seal.private_bytes(ws.db, user.id) is None:
            seal.register_wrap_key(ws=ws, username=username)
    return added


def _one_child(ws: Workspace, rng: random.Random, clock: StoryClock, today: date, tracks, gps, taken, result,
               groups) -> None:
    sex = rng.choice("FF" + "M")  # most contacts are about girls (Copenhagen 2025: 64%)
    first = rng.choice(V.GIRLS if sex == "F" else V.BOYS)
    last = rng.choice(V.LAST)
    age_days = rng.choice((rng.randint(9 * 365, 13 * 365), rng.randint(5 * 365 + 30, 17 * 365 + 300)))
    born = today - timedelta(days=age_days)
    contact_day = today - timedelta(days=rng.randint(10, 540))
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
    concern = rng.choice(V.CONCERNS)
    contact_id, _ = pathway.add_contact(
        ws=ws, child_id=child.id, contact_date=contact_day, made_by=made_by, way=way, concern=concern,
        reasons=V.CONCERN_REASONS[V.CONCERNS.index(concern)],
        made_by_detail="lærer" if way == "school" else "", channel=rng.choice(("phone", "phone", "in_person", "digital")),
        consent_to_share=rng.random() < 0.9, consent_obtain=rng.random() < 0.9)
    sign(ws, "contact", contact_id)

    # Intake talk(s) ending in one of the four groups.
    intake_day = contact_day + timedelta(days=rng.randint(3, 21))
    if intake_day > today:
        return
    clock.set(intake_day)
    if rng.random() < 0.1:
        first_talk, _ = records.save(ws=ws, kind="intake", values={
            "contact_id": contact_id, "child_id": child.id, "talk_number": 1, "talk_date": intake_day,
            "notes": "Første samtale; familien ønsker en samtale mere, før der besluttes."})
        sign(ws, "intake", first_talk)
        intake_day += timedelta(days=rng.randint(5, 12))
        if intake_day > today:
            return
        clock.set(intake_day)
        talk = 2
    else:
        talk = 1
    group = rng.choices((1, 2, 3, 4), weights=(15, 20, 55, 10))[0]
    result.intakes_by_group[group] += 1
    intake_id, _ = records.save(ws=ws, kind="intake", values={
        "contact_id": contact_id, "child_id": child.id, "talk_number": talk, "talk_date": intake_day,
        "channel": rng.choice(("phone", "in_person")), "notes": V.INTAKE_NOTES[group - 1].format(name=first),
        "decision_group": group, "reasoning": V.INTAKE_REASONS[group - 1],
        **guided(rng, group),
        "bup_referral": "Henvist til BUP via egen læge; sparring med BUP forud." if group == 4 else ""})
    sign(ws, "intake", intake_id)
    if group != 3:
        if group == 2 and rng.random() < 0.1:
            notification(ws, rng, clock, child, intake_day, None, result)
        return

    # Consent as the age requires, then screening with SDQ and a risk assessment.
    consent_day = intake_day + timedelta(days=rng.randint(0, 5))
    screening_day = consent_day + timedelta(days=rng.randint(5, 25))
    if screening_day > today:
        return
    clock.set(consent_day)
    own = child.age_on(consent_day) >= 15
    giver = {"given_by": "young_person", "guardian_id": None} if own else {
        "given_by": "custody_holder", "guardian_id": child.guardians[0].id}
    for kind, party in (("treatment", ""), ("share", "gp"), ("share", "school")):
        if kind == "share" and rng.random() < (0.1 if party == "gp" else 0.5):
            continue
        cid, _ = records.save(ws=ws, kind="consent", values={"child_id": child.id, "kind": kind, "party": party,
                                                             "given_on": consent_day, **giver})
        sign(ws, "consent", cid)
    level = rng.uniform(0.35, 0.8)
    clock.set(screening_day)
    born_on = child.birth_date  # parsed from the CPR on each access
    track_choices = [t for t in tracks if eligibility(t, born_on, screening_day + timedelta(days=30)).ok]
    risk = rng.choices(("none", "low", "moderate", "high"), weights=(60, 30, 8, 2))[0]
    outcome = rng.choices(("course", "bup_referral", "guidance", "notification", "no_course"),
                          weights=(85, 5, 5, 2, 3))[0] if track_choices else "guidance"
    track = rng.choice(track_choices) if track_choices else None
    values = {"contact_id": contact_id, "child_id": child.id, "screening_date": screening_day,
              "child_account": V.ACCOUNTS[rng.randrange(len(V.ACCOUNTS))].format(name=first),
              "symptoms": rng.choice(V.SYMPTOMS), "self_harm_asked": True,
              "self_harm_answers": "Ingen selvskade." if risk in ("none", "low") else "Har ridset sig enkelte gange.",
              "suicidal_thoughts": "Ingen." if risk == "none" else "Passive tanker om at forsvinde.",
              "suicide_plans": "Ingen planer.", "earlier_attempts": "Ingen.",
              "protective_factors": "Tæt kontakt til mor; glæder sig til fodbold.", "risk_level": risk,
              "outcome": outcome, "outcome_track_id": track.id if outcome == "course" and track else "",
              "outcome_reason": V.OUTCOME_REASONS.get(outcome, "")}
    if risk in ("moderate", "high"):
        values.update(V.CRISIS_PLAN)
    screening_id, _ = records.save(ws=ws, kind="screening", values=values)
    sdq(ws, rng, child, screening_day - timedelta(days=2), "baseline", level, screening_id=screening_id)
    if screening_day + timedelta(days=3) > today and rng.random() < 0.5:
        return  # still a draft: it waits in the therapist's queue
    sign(ws, "screening", screening_id)
    if outcome == "notification":
        notification(ws, rng, clock, child, screening_day, None, result)
    if outcome != "course" or track is None:
        return

    start = screening_day + timedelta(days=rng.randint(7, 35))
    if start > today:
        return
    clock.set(start)
    if not consent.treatment(ws=ws, child_id=child.id, on=start).ok:
        # Turned 15 since the parents consented: the young person now consents personally (§17).
        cid, _ = records.save(ws=ws, kind="consent", values={"child_id": child.id, "kind": "treatment",
                                                             "given_by": "young_person", "given_on": start})
        sign(ws, "consent", cid)
    in_group = track.id == "cool-kids" and "group" in track.formats and rng.random() < 0.5
    opened = pathway.open_course(ws=ws, child_id=child.id, track_id=track.id, start_date=start,
                                 age_reason="Sporet passer bedst, selv om alderen ligger ved grænsen.",
                                 format="group" if in_group else ("individual" if "individual" in track.formats
                                                                  else track.formats[0]))
    result.courses += 1
    course_id = opened.course.id
    if in_group:
        waiting = groups.setdefault(track.id, [])
        waiting.append((course_id, start))
        if len(waiting) >= 4:
            run_group(ws, rng, clock, today, track, waiting, result)
            groups[track.id] = []
        return
    individual_sessions(ws, rng, clock, today, track, opened.course, child, level, result)

