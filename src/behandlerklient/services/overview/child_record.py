"""Everything the child view's tabs show beyond the overview, gathered in one call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from behandlerklient.core.consent_rules import ConsentStatus
from behandlerklient.core.pathway_rules import ChecklistItem, Waits
from behandlerklient.services.accounts import access
from behandlerklient.services.journal import journal
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import consent, documentation, timeline
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.pathway import PathwayRepository

# The timeline's steps as the access table's record kinds (core/access.py).
STEP_KINDS = {"contact": "contacts", "intake": "intakes", "screening": "screenings", "sdq": "sdq_responses",
              "consent": "consents", "course": "courses", "session": "sessions",
              "coordination": "coordination_entries", "notification": "notifications", "closing": "closings",
              "follow_up": "follow_ups"}


@dataclass
class ChildRecord:
    events: list[timeline.Event]
    waits: list[tuple[date, Waits]]
    journal: list[journal.JournalLine]
    consents: dict[str, ConsentStatus]
    parental_access_limited: bool
    checklists: dict[int, list[ChecklistItem]]
    # False for a user who may not read the child's clinical notes (a coordinator): the view hides the journal.
    clinical_notes: bool = True
    # The SDQ forms with bands, change since baseline and the chart's series; None for whom may not read them.
    sdq: sdq_records.Progress | None = None


def details(*, ws: Workspace, child_id: int, on: date) -> ChildRecord:
    course_ids = [c.id for c in PathwayRepository(ws.db).courses(child_id) if c.id is not None]
    clinical = access.may_read(ws=ws, child_id=child_id, kind="journal_entries")
    events = timeline.events(ws=ws, child_id=child_id)
    checklists = {cid: documentation.checklist(ws=ws, course_id=cid, on=on) for cid in course_ids}
    if not clinical:  # which steps exist and when, never what they say
        readable = {step for step, kind in STEP_KINDS.items() if access.may_read(ws=ws, child_id=child_id, kind=kind)}
        events = [e for e in events if e.step in readable]
        checklists = {cid: [replace(i, detail="") for i in items] for cid, items in checklists.items()}
    return ChildRecord(
        events=events, waits=timeline.waits(ws=ws, child_id=child_id),
        journal=journal.entries(ws=ws, child_id=child_id) if clinical else [],
        consents=consent.overview(ws=ws, child_id=child_id, on=on),
        parental_access_limited=consent.parental_access_limited(ws=ws, child_id=child_id, on=on),
        checklists=checklists, clinical_notes=clinical,
        sdq=sdq_records.progress(ws=ws, child_id=child_id)
        if access.may_read(ws=ws, child_id=child_id, kind="sdq_responses") else None)
