"""The Faglig ramme's documentation checklist for one course: what is present, what is missing."""

from __future__ import annotations

from datetime import date

from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.errors import NotFound
from behandlerklient.services.pathway import consent
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.documentation import DocumentationRepository
from behandlerklient.storage.pathway import PathwayRepository


def checklist(*, ws: Workspace, course_id: int, on: date | None = None) -> list[rules.ChecklistItem]:
    course = PathwayRepository(ws.db).course(course_id)
    if course is None:
        raise NotFound(f"Intet forløb med id {course_id}.")
    child = ChildRepository(ws.db).get(course.child_id)
    cid = course.child_id
    has = DocumentationRepository(ws.db).present(child_id=cid, course_id=course_id)
    facts = {
        "master_data": (bool(child.cpr and child.guardians and child.gp),
                        "" if child.gp else "egen læge mangler"),
        "contact": (has["contact"], ""),
        "intake": (has["intake"], ""),
        "screening": (has["screening"] and has["baseline_sdq"], "" if has["baseline_sdq"] else "SDQ før forløb mangler"),
        "plan": (True, ws.catalogue.tracks[course.track_id].name if course.track_id in ws.catalogue.tracks else ""),
        "sessions": (has["sessions"], f"{course.planned_sessions} planlagt"),
        "coordination": (has["coordination"], ""),
        "closing": (has["closing"], "forløbet er i gang" if course.status == "active" else ""),
    }
    status = consent.treatment(ws=ws, child_id=cid, on=on or course.start_date)
    facts["consent"] = (status.ok, " ".join(status.missing) or f"samtykke fra {status.required_from}")
    return rules.checklist(facts)
