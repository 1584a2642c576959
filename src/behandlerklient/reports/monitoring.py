"""The national monitoring data set (docs/monitoring.md is its data dictionary): one row per contact and its
course (or per course that began without a contact), with the child behind a keyed pseudonym.

The pseudonym is an HMAC-SHA256 of the CPR number under a random key that lives only in this installation's
encrypted database (storage: monitoring_key): stable across this installation's exports, so a recipient can
follow a child over time, but neither the CPR number nor a plain hash of it, so nobody without the key can
compute a child's pseudonym from a CPR number. The CPR-keyed variant adds the `cpr` column and is only ever
written encrypted to a recipient (services/reports/monitoring.py).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from behandlerklient.core import municipalities, sdq
from behandlerklient.core.ages import age_on
from behandlerklient.core.monitoring import split_codes
from behandlerklient.storage.database import Database
from behandlerklient.storage.monitoring import MonitoringReads, pseudonym_key, user_professions

FORMAT = "behandlerklient-monitorering-1"
PSEUDONYM_LETTERS = "bcdfghjkmnpqrstvwxz"  # no digits or vowels: a pseudonym can never look like a CPR number
SDQ_PHASES = {"baseline": "screening", "closing": "closing", "follow_up": "follow_up"}  # stored -> exported
SDQ_INFORMANTS = ("parent", "teacher", "self")
BASELINE_WINDOW_DAYS = 90  # a baseline SDQ up to this long before the contact belongs to it

BASE_COLUMNS = (
    "row_id", "row_kind", "child_pseudonym", "sex", "age", "home_municipality_code", "treating_municipality_code",
    "delivering_unit", "contact_date", "contact_made_by", "contact_way", "contact_channel", "contact_reasons",
    "contact_staff_profession", "intake_date", "intake_group", "guided_to", "screening_date", "screening_outcome",
    "screening_track", "referred_bup_before_course", "course_track", "course_format", "course_start", "course_end",
    "course_status", "course_end_reason", "course_effect", "sessions_delivered", "sessions_cancelled",
    "sessions_missed", "course_staff_profession", "bup_referrals_during_course", "first_bup_referral_date",
    "follow_up_kind", "follow_up_due", "follow_up_done", "follow_up_effect", "follow_up_relapse",
    "follow_up_more_needed")


def sdq_columns() -> tuple[str, ...]:
    out: list[str] = []
    for phase in SDQ_PHASES.values():
        for informant in SDQ_INFORMANTS:
            stem = f"sdq_{phase}_{informant}"
            out += [f"{stem}_date", *(f"{stem}_item{n:02d}" for n in range(1, 26)), f"{stem}_impact",
                    f"{stem}_total"]
    return tuple(out)


COLUMNS = BASE_COLUMNS + sdq_columns()
CPR_COLUMNS = ("row_id", "cpr") + COLUMNS[1:]


def pseudonym(key: bytes, kind: str, value: str, length: int = 16) -> str:
    """`length` letters of HMAC-SHA256(key, kind + NUL + value); 16 letters carry 68 bits."""
    n = int.from_bytes(hmac.new(key, f"{kind}\0{value}".encode(), hashlib.sha256).digest(), "big")
    letters = []
    for _ in range(length):
        n, r = divmod(n, len(PSEUDONYM_LETTERS))
        letters.append(PSEUDONYM_LETTERS[r])
    return "".join(letters)


def _flag(value: Any) -> str:
    return "" if value is None else str(int(value))


def _group(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def _sdq_fields(responses: list[Any], row: dict[str, str]) -> None:
    """The latest response per exported phase and informant, item by item (0-2, '' when not answered)."""
    latest: dict[tuple[str, str], Any] = {}
    for r in responses:  # ordered by date: the later one wins
        latest[(SDQ_PHASES[r["phase"]], r["informant"])] = r
    for (phase, informant), r in latest.items():
        stem = f"sdq_{phase}_{informant}"
        answers = [None if ch == "." else int(ch) for ch in r["answers"]]
        row[f"{stem}_date"] = r["answered_on"]
        for n, a in enumerate(answers, start=1):
            row[f"{stem}_item{n:02d}"] = "" if a is None else str(a)
        row[f"{stem}_impact"] = r["impact"] or ""
        total = sdq.score(informant, answers).total_difficulties
        row[f"{stem}_total"] = "" if total is None else str(total)


def build(db: Database, *, start: date, end: date, with_cpr: bool = False,
          delivering_unit: str = "") -> list[tuple[int, dict[str, str]]]:
    """(child id, row) for each signed contact dated in [start, end] (one per course it led to) and each course
    begun then without a contact.
    `delivering_unit` is the installation's current setting, for courses that began without a contact."""
    reads = MonitoringReads(db)
    key = pseudonym_key(db)
    professions = user_professions(db)
    contacts = reads.contacts(start, end)
    courses_by_contact = _group(reads.courses_of_contacts(r["id"] for r in contacts), "contact_id")
    loose = reads.courses_without_contact(start, end)
    pairs: list[tuple[Any, Any, Any]] = []  # (contact or None, course or None, the child's row)
    for c in contacts:
        for course in courses_by_contact.get(c["id"]) or [None]:
            pairs.append((c, course, c))
    pairs += [(None, course, course) for course in loose]
    course_ids = [co["id"] for _, co, _ in pairs if co is not None]
    intakes = _group(reads.intakes(c["id"] for c in contacts), "contact_id")
    screenings = _group(reads.screenings(c["id"] for c in contacts), "contact_id")
    closings = {r["course_id"]: r for r in reads.closings(course_ids)}
    follow_ups = _group(reads.follow_ups(course_ids), "course_id")
    referrals = _group(reads.bup_referrals(course_ids), "course_id")
    sessions = _group(reads.session_counts(course_ids), "course_id")
    sdq_rows = _group(reads.sdq({child["child_id"]
                                 for _, _, child in pairs}), "child_id")
    out = []
    for contact, course, child in pairs:
        row = dict.fromkeys(CPR_COLUMNS if with_cpr else COLUMNS, "")
        day = date.fromisoformat(contact["contact_date"] if contact else course["start_date"])
        row["row_id"] = pseudonym(key, "contact" if contact else "course",
                                  f"{(contact or course)['uid'] or (contact or course)['id']}"
                                  + (f"/{course['uid'] or course['id']}" if contact and course else ""))
        row["row_kind"] = "contact" if contact else "course"
        row["child_pseudonym"] = pseudonym(key, "child", child["cpr"])
        if with_cpr:
            row["cpr"] = child["cpr"]
        row["sex"] = child["sex"]
        row["age"] = str(age_on(date.fromisoformat(child["birth_date"]), day))
        row["home_municipality_code"] = municipalities.code_of(child["home_municipality"])
        row["treating_municipality_code"] = municipalities.code_of(child["treating_municipality"])
        row["delivering_unit"] = contact["delivering_unit"] if contact else delivering_unit
        if contact is not None:
            row.update(contact_date=contact["contact_date"], contact_made_by=contact["made_by"],
                       contact_way=contact["way"], contact_channel=contact["channel"],
                       contact_reasons="|".join(split_codes(contact["reasons"])),
                       contact_staff_profession=professions.get(contact["created_by"], ""))
            talks = intakes.get(contact["id"], [])
            if talks:
                decided = [t for t in talks if t["decision_group"] is not None]
                row["intake_date"] = talks[0]["talk_date"]
                if decided:
                    row["intake_group"] = str(decided[-1]["decision_group"])
                    row["guided_to"] = decided[-1]["guided_kind"]
            found = screenings.get(contact["id"], [])
            if found:
                s = found[0]
                row.update(screening_date=s["screening_date"], screening_outcome=s["outcome"] or "",
                           screening_track=s["outcome_track_id"])
            row["referred_bup_before_course"] = str(int(row["intake_group"] == "4"
                                                        or row["screening_outcome"] == "bup_referral"))
        responses = [r for r in sdq_rows.get(child["child_id"], []) if r["phase"] in SDQ_PHASES]
        if course is not None:
            _course_fields(row, course, closings.get(course["id"]), follow_ups.get(course["id"], []),
                           referrals.get(course["id"], []), sessions.get(course["id"], []), professions)
            mine = [r for r in responses if r["course_id"] == course["id"]
                    or (r["course_id"] is None and r["phase"] == "baseline"
                        and day - timedelta(days=BASELINE_WINDOW_DAYS) <= date.fromisoformat(r["answered_on"])
                        <= date.fromisoformat(course["start_date"]))]
        else:
            mine = [r for r in responses if r["course_id"] is None and r["phase"] == "baseline"
                    and day - timedelta(days=BASELINE_WINDOW_DAYS) <= date.fromisoformat(r["answered_on"])]
        _sdq_fields(mine, row)
        out.append((child["child_id"], row))
    return out


def _who_delivered(sessions: list[Any], fallback: int | None) -> int | None:
    """The author of most held sessions of a course; before any is held, who started the course."""
    held: Counter[int] = Counter()
    for s in sessions:
        held[s["author_id"]] += s["delivered"] or 0
    best = held.most_common(1)
    return best[0][0] if best and best[0][1] else fallback


def _course_fields(row: dict[str, str], course: Any, closing: Any, follow_ups: list[Any], referrals: list[Any],
                   sessions: list[Any], professions: dict[int, str]) -> None:
    delivered = sum(s["delivered"] or 0 for s in sessions)
    row.update(course_track=course["track_id"], course_format=course["format"], course_start=course["start_date"],
               course_end=course["end_date"] or "", course_status=course["status"],
               sessions_delivered=str(delivered), sessions_cancelled=str(sum(s["cancelled"] or 0 for s in sessions)),
               sessions_missed=str(sum(s["missed"] or 0 for s in sessions)),
               bup_referrals_during_course=str(len(referrals)),
               first_bup_referral_date=referrals[0]["entry_date"] if referrals else "")
    # Who delivered: the author of most held sessions, else who started the course.
    therapist = _who_delivered(sessions, course["created_by"])
    row["course_staff_profession"] = professions.get(therapist, "") if therapist is not None else ""
    if closing is not None:
        row.update(course_end_reason=closing["end_reason"], course_effect=closing["effect"])
    if follow_ups:
        f = next((f for f in follow_ups if f["signed_at"]), follow_ups[0])
        row.update(follow_up_kind=f["kind"], follow_up_due=f["due_date"],
                   follow_up_done=(f["done_on"] or "") if f["signed_at"] else "",
                   follow_up_effect=f["effect"] if f["signed_at"] else "",
                   follow_up_relapse=_flag(f["relapse"]) if f["signed_at"] else "",
                   follow_up_more_needed=_flag(f["more_needed"]) if f["signed_at"] else "")
