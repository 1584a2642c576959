"""Everything the child view's tabs show beyond the overview, gathered in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core.consent_rules import ConsentStatus
from behandlerklient.core.pathway_rules import ChecklistItem, Waits
from behandlerklient.services import consent, documentation, journal, timeline
from behandlerklient.services.workspace import Workspace
from behandlerklient.storage.pathway import PathwayRepository


@dataclass
class ChildRecord:
    events: list[timeline.Event]
    waits: list[tuple[date, Waits]]
    journal: list[journal.JournalLine]
    consents: dict[str, ConsentStatus]
    parental_access_limited: bool
    checklists: dict[int, list[ChecklistItem]]


def details(*, ws: Workspace, child_id: int, on: date) -> ChildRecord:
    course_ids = [c.id for c in PathwayRepository(ws.db).courses(child_id) if c.id is not None]
    return ChildRecord(
        events=timeline.events(ws=ws, child_id=child_id), waits=timeline.waits(ws=ws, child_id=child_id),
        journal=journal.entries(ws=ws, child_id=child_id), consents=consent.overview(ws=ws, child_id=child_id, on=on),
        parental_access_limited=consent.parental_access_limited(ws=ws, child_id=child_id, on=on),
        checklists={cid: documentation.checklist(ws=ws, course_id=cid, on=on) for cid in course_ids})
