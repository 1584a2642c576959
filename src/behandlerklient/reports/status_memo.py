"""The figures of Copenhagen's 2026 status memo on the offer, for any period (docs/reports.md, "Status memo"):
contacts, referred to screening, started, the share about girls, ages (9-12-year-olds and 15-year-olds stand
out), the development by month, what the contacts are about, where children were guided, and who delivers.

Counted on the activity report's cohort (reports/activity.py) with its definitions, so the two never disagree.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from behandlerklient.core.ages import age_on
from behandlerklient.core.monitoring import GUIDED_TO, split_codes
from behandlerklient.reports.activity import _cohort
from behandlerklient.reports.monitoring import _who_delivered
from behandlerklient.storage.database import Database
from behandlerklient.storage.monitoring import MemoReads, MonitoringReads, user_professions

NOT_RECORDED = "(ikke registreret)"


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 3)


def _months(start: date, end: date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def build(db: Database, *, start: date, end: date, reason_labels: dict[str, str]) -> dict:
    cohort = _cohort(db, start, end)
    total = len(cohort)
    referred = [c for c in cohort if c.group == 3]
    started = [c for c in referred if c.course_id is not None]
    memo = MemoReads(db)
    fields = {r["id"]: r for r in memo.contact_fields(c.id for c in cohort)}
    guided = {r["contact_id"]: r["guided_kind"] for r in memo.guided_kinds(c.id for c in cohort)}
    ages = Counter(age_on(c.birth, c.day) for c in cohort)
    by_month = {m: {"contacts": 0, "referred_to_screening": 0, "started": 0} for m in _months(start, end)}
    for c in cohort:
        month = f"{c.day.year}-{c.day.month:02d}"
        by_month[month]["contacts"] += 1
        by_month[month]["referred_to_screening"] += c.group == 3
        by_month[month]["started"] += c.course_id is not None and c.group == 3
    reasons: Counter = Counter()
    for c in cohort:
        codes = split_codes(fields[c.id]["reasons"]) if c.id in fields else []
        reasons.update(codes or [""])
    where: Counter[str] = Counter()
    for c in cohort:
        if c.group == 1:
            where["closed_after_intake"] += 1
        elif c.group == 2:
            where["guided:" + (guided.get(c.id) or "")] += 1
        elif c.group == 4:
            where["bup_after_intake"] += 1
        elif c.group == 3 and c.outcome in ("bup_referral", "guidance", "notification", "no_course"):
            where["screening:" + c.outcome] += 1
    return {
        "contacts": total,
        "referred_to_screening": len(referred),
        "started": len(started),
        "share_girls": _share(sum(1 for c in cohort if c.sex == "F"), total),
        "contacts_by_made_by": dict(Counter(c.made_by for c in cohort).most_common()),
        "ages": {str(a): ages[a] for a in sorted(ages)},
        "age_9_12": {"contacts": sum(ages[a] for a in range(9, 13)),
                     "share": _share(sum(ages[a] for a in range(9, 13)), total)},
        "age_15": {"contacts": ages[15], "share": _share(ages[15], total)},
        "by_month": by_month,
        "about": {_label(code, reason_labels): {"contacts": n, "share": _share(n, total)}
                  for code, n in reasons.most_common()},
        "guided_to": {_where_label(key): n for key, n in where.most_common()},
        "delivered_by": _delivered_by(db, cohort, fields, started),
    }


def _label(code: str, labels: dict[str, str]) -> str:
    return labels.get(code, code) if code else NOT_RECORDED


_OUTCOMES = {"bup_referral": "Henvist til BUP efter screening", "guidance": "Vejledt videre efter screening",
             "notification": "Underretning efter screening", "no_course": "Intet forløb efter screening"}


def _where_label(key: str) -> str:
    if key == "closed_after_intake":
        return "Afsluttet efter forsamtalen (gruppe 1)"
    if key == "bup_after_intake":
        return "Henvist til BUP efter forsamtalen (gruppe 4)"
    kind, _, code = key.partition(":")
    if kind == "guided":
        return "Vejledt videre (gruppe 2): " + (GUIDED_TO.get(code, code) if code else NOT_RECORDED)
    return _OUTCOMES.get(code, code)


def _delivered_by(db: Database, cohort: list, fields: dict, started: list) -> dict:
    """Contacts by the delivering unit stamped on them; started courses by the profession of who held most of
    their sessions (else who started the course); professions empty where the database records none."""
    units = Counter((fields[c.id]["delivering_unit"] if c.id in fields else "") or NOT_RECORDED for c in cohort)
    professions = user_professions(db)
    ids = [c.course_id for c in started]
    creators = {r["id"]: r["created_by"] for r in MemoReads(db).course_creators(ids)}
    sessions: dict[int, list] = {}
    for r in MonitoringReads(db).session_counts(ids):
        sessions.setdefault(r["course_id"], []).append(r)
    by_profession: Counter[str] = Counter()
    for course_id in ids:
        who = _who_delivered(sessions.get(course_id, []), creators.get(course_id))
        by_profession[(professions.get(who, "") if who is not None else "") or NOT_RECORDED] += 1
    return {"contacts_by_unit": dict(units.most_common()), "courses_by_profession": dict(by_profession.most_common())}
