"""The municipality's activity report for a period (domain.md §1; Copenhagen's memo is the model).

Definitions (docs/reports.md): the cohort is the contacts received in the period, and every later step
is counted for that cohort, so the figures add up: the four intake groups sum to the intakes, courses
started <= referred to screening <= contacts. Notifications are counted by the date they were made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from behandlerklient.core import sdq
from behandlerklient.core.ages import age_on
from behandlerklient.core.manuals import Catalogue
from behandlerklient.reports.pseudonymise import pseudonymise, quarter, wait_band
from behandlerklient.reports.stats import age_band, summary
from behandlerklient.storage.database import Database


@dataclass
class _Contact:
    id: int
    child_id: int
    day: date
    made_by: str
    way: str
    birth: date
    sex: str
    group: int | None = None
    intake_day: date | None = None
    screening_day: date | None = None
    outcome: str | None = None
    course_id: int | None = None
    start: date | None = None
    track: str | None = None
    status: str | None = None


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _cohort(db: Database, start: date, end: date) -> list[_Contact]:
    rows = db.query(
        "SELECT c.id, c.child_id, c.contact_date, c.made_by, c.way, ch.birth_date, ch.sex FROM contacts c "
        "JOIN children ch ON ch.id = c.child_id WHERE c.contact_date BETWEEN ? AND ? ORDER BY c.id",
        (start.isoformat(), end.isoformat()))
    cohort = {r[0]: _Contact(r[0], r[1], _d(r[2]), r[3], r[4], _d(r[5]), r[6]) for r in rows}
    if not cohort:
        return []
    lo, hi = min(cohort), max(cohort)
    # One pass per step over the id range of the cohort's contacts; later steps keep the first of each.
    for cid, talk_day, group in db.query(
            "SELECT contact_id, talk_date, decision_group FROM intakes WHERE contact_id BETWEEN ? AND ? "
            "AND signed_at IS NOT NULL ORDER BY talk_number", (lo, hi)):
        c = cohort.get(cid)
        if c is None:
            continue
        c.intake_day = c.intake_day or _d(talk_day)
        if group is not None:
            c.group = group
    for cid, day, outcome in db.query(
            "SELECT contact_id, screening_date, outcome FROM screenings WHERE contact_id BETWEEN ? AND ? "
            "AND signed_at IS NOT NULL ORDER BY screening_date", (lo, hi)):
        c = cohort.get(cid)
        if c is not None and c.screening_day is None and c.group == 3:
            c.screening_day, c.outcome = _d(day), outcome
    for course_id, cid, day, track, status in db.query(
            "SELECT id, contact_id, start_date, track_id, status FROM courses WHERE contact_id BETWEEN ? AND ? "
            "AND entry_route = 'screening' ORDER BY start_date", (lo, hi)):
        c = cohort.get(cid)
        if c is not None and c.course_id is None and c.group == 3:
            c.course_id, c.start, c.track, c.status = course_id, _d(day), track, status
    return list(cohort.values())


def _sdq_change(db: Database, courses: list[_Contact]) -> dict[str, dict[str, dict]]:
    """Total difficulties from the latest baseline to the closing of completed courses, per track and informant:
    a parent's and the young person's own rating each count, and never against each other's baseline."""
    done = [c for c in courses if c.status == "completed"]
    if not done:
        return {}
    by_child: dict[int, list] = {}
    ids = sorted({c.child_id for c in done})
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" for _ in chunk)
        for r in db.query(f"SELECT child_id, course_id, phase, answered_on, answers, impact, informant "
                          f"FROM sdq_responses WHERE child_id IN ({marks}) AND signed_at IS NOT NULL "
                          f"ORDER BY answered_on, id", tuple(chunk)):
            by_child.setdefault(r[0], []).append(r)
    changes: dict[str, dict[str, list[int]]] = {}
    for c in done:
        for informant in sdq.INFORMANTS:
            rows = [r for r in by_child.get(c.child_id, []) if r[6] == informant]
            base = [r for r in rows if r[2] == "baseline" and r[1] in (None, c.course_id)]
            close = [r for r in rows if r[2] == "closing" and r[1] == c.course_id]
            if not base or not close:
                continue
            totals = [sdq.score(informant, [None if ch == "." else int(ch) for ch in r[4]]).total_difficulties
                      for r in (base[-1], close[-1])]
            if totals[0] is not None and totals[1] is not None:
                changes.setdefault(c.track or "", {}).setdefault(informant, []).append(totals[1] - totals[0])
    return {track: {informant: {"n": len(v), "mean_change": round(sum(v) / len(v), 2),
                                "median_change": summary(v)["median"]}
                    for informant, v in by_informant.items()}
            for track, by_informant in sorted(changes.items())}


def _session_counts(db: Database, courses: list[_Contact], catalogue: Catalogue) -> dict:
    ids = [c.course_id for c in courses]
    counts: dict[int, Counter] = {cid: Counter() for cid in ids}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" for _ in chunk)
        for course_id, attendance, state, n in db.query(
                f"SELECT course_id, attendance, state, count(*) FROM sessions WHERE course_id IN ({marks}) "
                f"GROUP BY course_id, attendance, state", tuple(chunk)):
            key = "delivered" if attendance == "held" and state == "signed" else attendance
            if attendance == "held" and state != "signed":
                continue
            counts[course_id][key] += n
    totals = Counter()
    against = Counter()
    for c in courses:
        k = counts[c.course_id]
        totals.update(k)
        track = catalogue.tracks.get(c.track)
        if c.status in ("completed", "dropped_out") and track is not None:
            held = k["delivered"]
            against["below_range" if held < track.sessions_min else
                    "above_range" if held > track.sessions_max else "within_range"] += 1
    return {"delivered": totals["delivered"], "cancelled": totals["cancelled"], "missed": totals["missed"],
            "ended_courses_against_manual_range": {k: against[k] for k in ("below_range", "within_range", "above_range")}}


def build(db: Database, catalogue: Catalogue, *, start: date, end: date) -> dict:
    if end < start:
        raise ValueError("slutdatoen ligger før startdatoen")
    cohort = _cohort(db, start, end)
    decided = [c for c in cohort if c.group is not None]
    referred = [c for c in decided if c.group == 3]
    screened = [c for c in referred if c.screening_day is not None]
    started = [c for c in referred if c.course_id is not None]
    children = {}
    for c in cohort:
        children.setdefault(c.child_id, c)
    # A course started outside the screening pathway ("anden vej") is no step of a contact: its own row, by the
    # date it started, kept out of the cohort so that started <= referred <= contacts still holds.
    other_way = db.query("SELECT track_id FROM courses WHERE entry_route = 'other_way' AND start_date BETWEEN ? AND ?",
                         (start.isoformat(), end.isoformat()))
    notifications = db.scalar("SELECT count(*) FROM notifications WHERE notified_on BETWEEN ? AND ? "
                              "AND signed_at IS NOT NULL", (start.isoformat(), end.isoformat()))
    track_names = {t.id: t.name for t in catalogue.tracks.values()}
    status = Counter(c.status for c in started)
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "definitions": "Kohorte: henvendelser modtaget i perioden; senere trin tælles for den kohorte.",
        "contacts": {"total": len(cohort), "by_made_by": dict(Counter(c.made_by for c in cohort)),
                     "by_way": dict(Counter(c.way for c in cohort))},
        "intakes": {"total": len(decided), "by_group": {str(g): sum(1 for c in decided if c.group == g)
                                                        for g in (1, 2, 3, 4)}},
        "referred_to_screening": len(referred),
        "screenings": {"total": len(screened), "by_outcome": dict(Counter(c.outcome for c in screened))},
        "courses": {"started": len(started),
                    "started_by_track": {track_names.get(t, t): n for t, n in sorted(Counter(c.track for c in started).items())},
                    "completed": status["completed"], "dropped_out": status["dropped_out"],
                    "ongoing": status["active"] + status["planned"], "cancelled": status["cancelled"],
                    "started_other_way": len(other_way),
                    "started_other_way_by_track": {track_names.get(t, t): n
                                                   for t, n in sorted(Counter(r[0] for r in other_way).items())}},
        "children": {"total": len(children), "by_sex": dict(Counter(c.sex for c in children.values())),
                     "by_age_band": dict(sorted(Counter(age_band(age_on(c.birth, c.day))
                                                        for c in children.values()).items(),
                                                key=lambda kv: int(kv[0].split("-")[0]) if kv[0][0].isdigit() else 99))},
        "waiting_days": {
            "contact_to_intake": summary([(c.intake_day - c.day).days for c in cohort if c.intake_day]),
            "contact_to_screening": summary([(c.screening_day - c.day).days for c in screened]),
            "contact_to_start": summary([(c.start - c.day).days for c in started])},
        "sessions": _session_counts(db, started, catalogue),
        "notifications": notifications,
        "sdq_change_by_track": {track_names.get(t, t): v for t, v in _sdq_change(db, started).items()},
    }


CSV_COLUMNS = ("pseudonym", "contact_quarter", "sex", "age_band", "made_by", "way", "intake_group",
               "screening_outcome", "track", "course_status", "days_to_intake_band", "days_to_screening_band",
               "days_to_start_band")


def pseudonymised_rows(db: Database, *, start: date, end: date,
                       new_pseudonym: Callable[[int], str] | None = None) -> list[dict]:
    """One row per contact, no names, CPR, exact dates or exact waits, in a random order, with a random
    pseudonym per child made for this export; rare combinations withheld (reports/pseudonymise.py)."""
    rows = []
    for c in _cohort(db, start, end):
        rows.append((c.child_id, {
            "contact_quarter": quarter(c.day), "sex": c.sex, "age_band": age_band(age_on(c.birth, c.day)),
            "made_by": c.made_by, "way": c.way, "intake_group": str(c.group or ""),
            "screening_outcome": c.outcome or "", "track": c.track or "", "course_status": c.status or "",
            "days_to_intake_band": wait_band((c.intake_day - c.day).days if c.intake_day else None),
            "days_to_screening_band": wait_band((c.screening_day - c.day).days if c.screening_day else None),
            "days_to_start_band": wait_band((c.start - c.day).days if c.start else None)}))
    return pseudonymise(rows, new_pseudonym=new_pseudonym)
