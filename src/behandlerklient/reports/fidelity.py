"""Fidelity overview for a period: adherence per therapist, per track and per month, the share of sessions
reviewed, and the gap between self-ratings and supervisor ratings (kept apart, never merged)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from behandlerklient.core.fidelity import adherence
from behandlerklient.core.manuals import Catalogue
from behandlerklient.storage.database import Database


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def build(db: Database, catalogue: Catalogue, *, start: date, end: date, therapist_id: int | None = None) -> dict:
    where, params = "s.state = 'signed' AND s.attendance = 'held' AND s.session_date BETWEEN ? AND ?", \
        [start.isoformat(), end.isoformat()]
    if therapist_id is not None:
        where += " AND s.author_id = ?"
        params.append(therapist_id)
    sessions = {r[0]: {"therapist": r[1], "therapist_id": r[2], "track": r[3], "month": r[4][:7]} for r in db.query(
        f"SELECT s.id, u.full_name, u.id, c.track_id, s.session_date FROM sessions s JOIN courses c ON "
        f"c.id = s.course_id JOIN users u ON u.id = s.author_id WHERE {where}", tuple(params))}
    answers: dict[tuple[int, str], list[str]] = defaultdict(list)
    if sessions:
        lo, hi = min(sessions), max(sessions)
        for sid, kind, value in db.query("SELECT session_id, rater_kind, adherence FROM fidelity_ratings "
                                         "WHERE session_id BETWEEN ? AND ?", (lo, hi)):
            if sid in sessions:
                answers[(sid, kind)].append(value)
        reviewed = {r[0] for r in db.query("SELECT session_id FROM reviews WHERE session_id BETWEEN ? AND ? "
                                           "AND status != 'pending'", (lo, hi))}
    else:
        reviewed = set()
    per_session = {sid: {k: adherence(answers.get((sid, k), [])) for k in ("self", "supervisor")} for sid in sessions}

    def group(key_of) -> dict:  # noqa: ANN001
        buckets: dict[str, list[int]] = defaultdict(list)
        for sid, info in sessions.items():
            buckets[key_of(info)].append(sid)
        out = {}
        for key, ids in sorted(buckets.items()):
            self_scores = [per_session[i]["self"] for i in ids if per_session[i]["self"] is not None]
            sup_scores = [per_session[i]["supervisor"] for i in ids if per_session[i]["supervisor"] is not None]
            both = [per_session[i]["self"] - per_session[i]["supervisor"] for i in ids
                    if per_session[i]["self"] is not None and per_session[i]["supervisor"] is not None]
            out[key] = {"sessions": len(ids), "reviewed": sum(1 for i in ids if i in reviewed),
                        "reviewed_share": round(sum(1 for i in ids if i in reviewed) / len(ids), 3),
                        "self_adherence": _mean(self_scores), "supervisor_adherence": _mean(sup_scores),
                        "self_minus_supervisor": _mean(both), "self_rated": len(self_scores),
                        "supervisor_rated": len(sup_scores)}
        return out

    names = {t.id: t.name for t in catalogue.tracks.values()}
    overall = group(lambda info: "alle")
    return {"period": {"from": start.isoformat(), "to": end.isoformat()},
            "therapist_id": therapist_id,
            "overall": overall.get("alle", {"sessions": 0}),
            "by_therapist": group(lambda info: info["therapist"]),
            "by_track": group(lambda info: names.get(info["track"], info["track"])),
            "by_month": group(lambda info: info["month"])}
