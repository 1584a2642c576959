"""The Faglig ramme's documentation checklist for one course: what is present, what is missing."""

from __future__ import annotations

from datetime import date

from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.errors import NotFound
from behandlerklient.services import consent
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.pathway import PathwayRepository


def checklist(*, ws: Workspace, course_id: int, on: date | None = None) -> list[rules.ChecklistItem]:
    course = PathwayRepository(ws.db).course(course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    child = ChildRepository(ws.db).get(course.child_id)
    db, cid = ws.db, course.child_id
    one = lambda sql, *p: bool(db.scalar(sql, p))  # noqa: E731
    facts = {
        "master_data": (bool(child.cpr and child.guardians and child.gp),
                        "" if child.gp else "egen læge mangler"),
        "contact": (one("SELECT 1 FROM contacts WHERE child_id = ? AND signed_at IS NOT NULL AND concern != ''", cid), ""),
        "intake": (one("SELECT 1 FROM intakes WHERE child_id = ? AND signed_at IS NOT NULL AND decision_group IS NOT NULL",
                       cid), ""),
        "screening": (one("SELECT 1 FROM screenings WHERE child_id = ? AND signed_at IS NOT NULL AND child_account != '' "
                          "AND symptoms != ''", cid)
                      and one("SELECT 1 FROM sdq_responses WHERE child_id = ? AND phase = 'baseline'", cid),
                      "" if one("SELECT 1 FROM sdq_responses WHERE child_id = ? AND phase = 'baseline'", cid)
                      else "SDQ før forløb mangler"),
        "plan": (True, ws.catalogue.tracks[course.track_id].name if course.track_id in ws.catalogue.tracks else ""),
        "sessions": (one("SELECT 1 FROM sessions WHERE course_id = ? AND state = 'signed' AND attendance = 'held'",
                         course_id), f"{course.planned_sessions} planlagt"),
        "coordination": (one("SELECT 1 FROM coordination_entries WHERE child_id = ? AND signed_at IS NOT NULL", cid), ""),
        "closing": (one("SELECT 1 FROM closings WHERE course_id = ? AND signed_at IS NOT NULL", course_id),
                    "forløbet er i gang" if course.status == "active" else ""),
    }
    status = consent.treatment(ws=ws, child_id=cid, on=on or course.start_date)
    facts["consent"] = (status.ok, " ".join(status.missing) or f"samtykke fra {status.required_from}")
    return rules.checklist(facts)
