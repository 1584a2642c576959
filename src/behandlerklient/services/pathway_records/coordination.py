"""Coordination with partners (PPR, school, BUP sparring, ...) during a course."""

from __future__ import annotations

from behandlerklient.services.pathway_records._text import _d
from behandlerklient.services.record_kinds import Kind, register
from behandlerklient.services.workspace import Workspace

PARTNERS = {"ppr": "PPR", "school": "Skole", "social_services": "Socialforvaltning", "bup": "BUP",
            "gp": "Egen læge", "other": "Andet"}


def _render_coordination(ws: Workspace, r: dict) -> tuple[str, str]:
    what = "Sparring med BUP" if r["kind"] == "sparring" else f"Koordinering med {PARTNERS[r['partner']]}"
    return what, f"Dato: {_d(r['entry_date'])}.\n\n{r['summary'].strip()}"


register(Kind("coordination", "coordination_entries", "Koordinering", "entry_date",
              ("child_id", "course_id", "entry_date", "partner", "kind", "summary"),
              required=("child_id", "entry_date", "partner", "summary"),
              validate=lambda ws, r: [] if r["summary"].strip() else ["Skriv et referat."],
              render=_render_coordination))
