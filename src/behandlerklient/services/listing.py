"""Flat listings for the admin CLI (`list children|courses --json`)."""

from __future__ import annotations

from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.pathway import PathwayRepository


def children(*, ws: Workspace) -> list[dict]:
    rows = ws.db.query("SELECT id, first_name, last_name, cpr, birth_date, sex FROM children ORDER BY id")
    return [{"id": r["id"], "name": f"{r['first_name']} {r['last_name']}", "first_name": r["first_name"],
             "last_name": r["last_name"], "cpr": r["cpr"], "birth_date": r["birth_date"], "sex": r["sex"]}
            for r in rows]


def courses(*, ws: Workspace) -> list[dict]:
    return [{"id": c["id"], "child_id": c["child_id"], "track": c["track_id"], "status": c["status"],
             "start_date": c["start_date"], "planned_sessions": c["planned_sessions"],
             "sessions_delivered": c["delivered"]} for c in PathwayRepository(ws.db).course_summaries()]
