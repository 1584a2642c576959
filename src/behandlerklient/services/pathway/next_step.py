"""The child view's next step: the recorded facts gathered for core/next_step.py's rule."""

from __future__ import annotations

from datetime import date

from behandlerklient.core import next_step as rule
from behandlerklient.core.errors import NotFound
from behandlerklient.services.pathway import consent
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.next_step_reads import NextStepReads


def state(*, ws: Workspace, child_id: int, on: date) -> rule.PathwayState:
    child = ChildRepository(ws.db).get(child_id)
    if child is None:
        raise NotFound(f"Intet barn med id {child_id}.")
    reads = NextStepReads(ws.db)
    facts: dict = {}
    contact = reads.latest_contact(child_id)
    if contact is not None:
        facts.update(contact_id=contact["id"], contact_signed=contact["signed_at"] is not None,
                     course_after_screening=reads.course_on_contact(contact["id"]))
        intake = reads.latest_intake(contact["id"])
        if intake is not None:
            facts.update(intake_id=intake["id"], intake_signed=intake["signed_at"] is not None,
                         intake_group=intake["decision_group"], intake_number=intake["talk_number"])
        screening = reads.latest_screening(contact["id"])
        if screening is not None:
            facts.update(screening_id=screening["id"], screening_signed=screening["signed_at"] is not None,
                         screening_outcome=screening["outcome"], screening_track_id=screening["outcome_track_id"] or "")
    course = reads.active_course(child_id)
    if course is not None:
        facts.update(course_id=course["id"], course_start=date.fromisoformat(course["start_date"]),
                     planned_sessions=course["planned_sessions"], held_sessions=course["held"],
                     closing_id=course["closing_id"])
    follow_up = reads.open_follow_up(child_id)
    if follow_up is not None:
        facts.update(follow_up_id=follow_up["id"], follow_up_kind=follow_up["kind"],
                     follow_up_due=date.fromisoformat(follow_up["due_date"]),
                     # open door: a henvendelse after the followed-up course starts the newest episode
                     new_contact_since_course=contact is not None and contact["id"] != follow_up["contact_id"])
    records = consent.signed_records(ws=ws, child_id=child_id)
    own = any(r.kind == "treatment" and r.given_by == "young_person" and r.active_on(on) for r in records)
    return rule.PathwayState(today=on, birth_date=child.birth_date,
                             treatment_consent_ok=consent.treatment(ws=ws, child_id=child_id, on=on).ok,
                             own_consent=own, **facts)


def for_child(*, ws: Workspace, child_id: int, on: date) -> rule.NextStep:
    return rule.next_step(state(ws=ws, child_id=child_id, on=on))
