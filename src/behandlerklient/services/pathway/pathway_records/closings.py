"""The closing of a course: its criteria, its journal text, and what signing it sets in motion (status, follow-up)."""

from __future__ import annotations

from datetime import date, timedelta

from behandlerklient.core import monitoring
from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.errors import NotFound
from behandlerklient.services.changes import Changes
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import record_rules
from behandlerklient.services.pathway.pathway_records._text import _block, _d
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.pathway_records import PathwayRecordRepository


def closing_criteria(ws: Workspace, r: dict) -> list[rules.ClosingCriterion]:
    return record_rules.closing_criteria(ws.db, ws.catalogue, r)


def _validate_closing(ws: Workspace, r: dict) -> list[str]:
    return record_rules.closing_problems(ws.db, ws.catalogue, r)


def _render_closing(ws: Workspace, r: dict) -> tuple[str, str]:
    parts = [f"Afsluttet den {_d(r['closing_date'])}" + (" (frafald)." if r["status"] == "dropped_out" else "."),
             _block("Forløbets indhold", r["content_summary"]),
             f"Effekt: {rules.EFFECTS.get(r['effect'], '-')}."]
    if r.get("end_reason"):
        parts.append(f"Årsag til afslutning: {monitoring.END_REASONS.get(r['end_reason'], r['end_reason'])}.")
    change = sdq_records.change_lines(ws=ws, course_id=r["course_id"], child_id=r["child_id"])
    note = rules.sdq_comparison_note(*PathwayRecordRepository(ws.db).sdq_informants(r["course_id"], r["child_id"]))
    parts.append(_block("SDQ fra start til afslutning", "\n".join(change + ([note] if note else []))))
    parts += [_block("Videre behov", r["further_needs"]), _block("Anbefalinger", r["recommendations"])]
    if r["criteria_reason"].strip():
        parts.append(_block("Afsluttet uden at alle kriterier er opfyldt, fordi", r["criteria_reason"]))
    return "Afslutning af forløb", "\n\n".join(parts)


def _after_closing(ws: Workspace, r: dict) -> None:
    repo = PathwayRepository(ws.db)
    course = repo.course(r["course_id"])
    if course is None or course.id is None:  # the closing's course was checked when it was saved
        raise NotFound("Forløbet, der afsluttes, findes ikke.")
    now = ws.clock()
    repo.set_status(course.id, r["status"], date.fromisoformat(r["closing_date"]), now=now, author_id=ws.user.id,
                    child_id=course.child_id)
    repo.set_field(course.id, "closing_reason", r["criteria_reason"], now=now, author_id=ws.user.id,
                   child_id=course.child_id)
    track = ws.catalogue.tracks.get(course.track_id)
    days = track.follow_up_after_days if track else rules.DEFAULT_FOLLOW_UP_DAYS
    kind = track.follow_up_kind if track else "follow_up"
    due = date.fromisoformat(r["closing_date"]) + timedelta(days=days)
    follow_up_id = PathwayRecordRepository(ws.db).add("follow_ups", {
        "course_id": course.id, "child_id": r["child_id"], "kind": kind, "due_date": due.isoformat()})
    # The planned follow-up is shared as an event, so another therapist can take it (sync.md).
    EventRepository(ws.db).append(aggregate="follow_up", subject=follow_up_id, field="state", now=now,
                                  value={"state": "planned", "due_date": due.isoformat()}, author_id=ws.user.id,
                                  child_id=r["child_id"])


register(Kind("closing", "closings", "Afslutning", "closing_date",
              ("course_id", "child_id", "closing_date", "effect", "content_summary", "further_needs",
               "recommendations", "criteria_reason", "status", "end_reason"),
              required=("course_id", "child_id", "closing_date", "effect"),
              labels={"effect": "Effekten skal vælges (bedring, delvis bedring, uændret eller forværring); den har "
                                "ingen standardværdi."},
              validate=_validate_closing, render=_render_closing, after_sign=_after_closing,
              changes=Changes(journal=True, courses=True)))
