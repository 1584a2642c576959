"""The clinical rules a record must keep however it arrives: typed in, imported from a file
(services/exchange/transfer.py)
or pulled from another laptop (services/sync/apply.py). One place, on the same core rules, so no way in is a back
door: STIME selvskade is individual only (core/course_rules.py), and a course closes only by the closing rules
(core/pathway_rules.py: effect chosen, an unmet criterion has a reason)."""

from __future__ import annotations

from typing import Any

from behandlerklient.core import course_rules
from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.manuals import Catalogue, Track
from behandlerklient.storage.database import Database
from behandlerklient.storage.pathway import PathwayRepository
from behandlerklient.storage.pathway_records import PathwayRecordRepository

# What a refused row is called in a message, and the rule it broke.
KIND_NAMES = {"courses": "forløb", "sessions": "session", "group_sessions": "gruppesession", "closings": "afslutning"}
INDIVIDUAL_ONLY = "STIME selvskade er kun individuel (ingen gruppesessioner eller gruppeformat)"
CLOSING = "reglerne for afslutning af et forløb"


def closing_criteria(db: Database, catalogue: Catalogue, r: dict[str, Any]) -> list[rules.ClosingCriterion]:
    """The closing criteria of course r["course_id"], from what is recorded for it and the manual's minimum."""
    repo = PathwayRecordRepository(db)
    closing, baseline = repo.sdq_informants(r["course_id"], r["child_id"])
    course = PathwayRepository(db).course(r["course_id"])
    track = catalogue.tracks.get(course.track_id) if course else None
    return rules.closing_criteria(closing_sdq=closing, baseline_sdq=baseline, effect=r.get("effect"),
                                  further_needs=r.get("further_needs") or "", status=r["status"],
                                  delivered=repo.delivered_sessions(r["course_id"]),
                                  sessions_min=track.sessions_min if track and not track.flexible else 0)


def closing_problems(db: Database, catalogue: Catalogue, r: dict[str, Any]) -> list[str]:
    """What stops closing the course of `r` (course_id, child_id, status, effect, further_needs, criteria_reason,
    end_reason); empty when it may close."""
    return rules.closing_problems(closing_criteria(db, catalogue, r), effect=r.get("effect"), status=r["status"],
                                  criteria_reason=r.get("criteria_reason") or "", end_reason=r.get("end_reason") or "")


def _course_track(db: Database, catalogue: Catalogue, course_id: Any) -> Track | None:
    course = PathwayRepository(db).course(course_id) if isinstance(course_id, int) else None
    return catalogue.tracks.get(course.track_id) if course else None


def row_problem(db: Database, catalogue: Catalogue, table: str, values: dict[str, Any]) -> tuple[str, str] | None:
    """(the rule, what is wrong) for a received row (its references already ids here) that breaks a rule; None when
    it keeps them. Drafts of closings are checked when they are signed, like typed ones; a signed one is checked
    now, against the sessions and SDQ already there (they stand before closings in a file and in a pull)."""
    track: Track | None = None
    fmt = ""
    if table == "courses":
        track, fmt = catalogue.tracks.get(str(values.get("track_id"))), str(values.get("format"))
    elif table == "group_sessions":
        track, fmt = catalogue.tracks.get(str(values.get("track_id"))), "group"
    elif table == "sessions":
        track = _course_track(db, catalogue, values.get("course_id"))
        fmt = "group" if values.get("group_session_id") is not None else str(values.get("format"))
    elif table == "closings" and values.get("signed_at"):
        found = closing_problems(db, catalogue, values)
        return (CLOSING, " ".join(found)) if found else None
    problem = course_rules.group_format_problem(track, fmt) if track is not None else ""
    return (INDIVIDUAL_ONLY, problem) if problem else None


def import_refusal(table: str, row_number: int, broken: tuple[str, str]) -> str:
    """The import's words for a row that breaks a rule: the record kind, the rule, what is wrong."""
    rule, problem = broken
    return (f"{table} række {row_number} ({KIND_NAMES.get(table, table)}) bryder reglen om {rule}: "
            f"{problem.rstrip('.')}.")
