"""Flat listings for the admin CLI (`list children|courses --json`)."""

from __future__ import annotations

from datetime import date

from behandlerklient.services.pathway import consent
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.pathway import PathwayRepository


def children(*, ws: Workspace) -> list[dict]:
    rows = ChildRepository(ws.db).register()
    return [{"id": r["id"], "name": f"{r['first_name']} {r['last_name']}", "first_name": r["first_name"],
             "last_name": r["last_name"], "cpr": r["cpr"], "birth_date": r["birth_date"], "sex": r["sex"]}
            for r in rows]


def courses(*, ws: Workspace, today: date | None = None) -> list[dict]:
    """`gp_consent`: consent to inform the GP is recorded from whoever must give it at the child's age today."""
    on = today or date.today()
    out = []
    gp_ok: dict[int, bool] = {}
    for c in PathwayRepository(ws.db).course_summaries():
        child_id = c["child_id"]
        if child_id not in gp_ok:
            gp_ok[child_id] = consent.share(ws=ws, child_id=child_id, party="gp", on=on).ok
        out.append({"id": c["id"], "child_id": child_id, "track": c["track_id"], "status": c["status"],
                    "start_date": c["start_date"], "planned_sessions": c["planned_sessions"],
                    "sessions_delivered": c["delivered"], "sessions_cancelled": c["cancelled"],
                    "sessions_missed": c["missed"], "gp_consent": gp_ok[child_id]})
    return out
