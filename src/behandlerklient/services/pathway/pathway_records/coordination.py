"""Coordination with partners (PPR, school, BUP sparring, ...) during a course."""

from __future__ import annotations

from behandlerklient.services.pathway.pathway_records._text import _d
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace.workspace import Workspace

PARTNERS = {"ppr": "PPR", "school": "Skole", "social_services": "Socialforvaltning", "bup": "BUP",
            "gp": "Egen læge", "other": "Andet"}


def _render_coordination(ws: Workspace, r: dict) -> tuple[str, str]:
    what = "Sparring med BUP" if r["kind"] == "sparring" else f"Koordinering med {PARTNERS[r['partner']]}"
    if r.get("bup_referral"):
        what = "Henvisning til BUP under forløbet"
    return what, f"Dato: {_d(r['entry_date'])}.\n\n{r['summary'].strip()}"


def _validate_coordination(ws: Workspace, r: dict) -> list[str]:
    found = [] if r["summary"].strip() else ["Skriv et referat."]
    if r.get("bup_referral") and r["partner"] != "bup":
        found.append("En henvisning til BUP skal have BUP som samarbejdspartner.")
    if r.get("bup_referral") and r.get("course_id") is None:
        found.append("En henvisning til BUP under et forløb skal høre til forløbet.")
    return found


register(Kind("coordination", "coordination_entries", "Koordinering", "entry_date",
              ("child_id", "course_id", "entry_date", "partner", "kind", "summary", "bup_referral"),
              required=("child_id", "entry_date", "partner", "summary"),
              validate=_validate_coordination,
              render=_render_coordination))
