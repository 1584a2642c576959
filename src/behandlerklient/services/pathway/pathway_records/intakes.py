"""The intake talk (forsamtale): its decision group and its journal text."""

from __future__ import annotations

from behandlerklient.core import monitoring
from behandlerklient.core import pathway_rules as rules
from behandlerklient.core.vocab import CONTACT_CHANNEL, label
from behandlerklient.services.pathway.pathway_records._text import _block, _d
from behandlerklient.services.pathway.pathway_records.contacts import contact_first as _contact_first
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace.workspace import Workspace


def _validate_intake(ws: Workspace, r: dict) -> list[str]:
    found = _contact_first(ws, r)
    if not str(r.get("notes") or "").strip() and not str(r.get("reasoning") or "").strip():
        found.append("Skriv hvad der blev talt om (samtalen).")
    if r["talk_number"] == 1 and r["decision_group"] is None:
        return found  # a first talk may end without a decision when a second talk follows
    return found + rules.intake_problems(decision_group=r["decision_group"], reasoning=r["reasoning"],
                                         guided_to=r["guided_to"], bup_referral=r["bup_referral"]) + \
        monitoring.choice_problem(r.get("guided_kind", ""), monitoring.GUIDED_TO, "Vejledt videre til (kategori)")


def _render_intake(ws: Workspace, r: dict) -> tuple[str, str]:
    parts = [f"Dato: {_d(r['talk_date'])}. Kanal: {label(CONTACT_CHANNEL, r['channel'])}. Varighed: {r['duration_min']} min.",
             _block("Samtalen", r["notes"])]
    if r["decision_group"]:
        parts.append(f"Beslutning: {rules.INTAKE_GROUPS[r['decision_group']]}.")
        parts.append(_block("Begrundelse", r["reasoning"]))
        if r["decision_group"] == 2:
            kind = monitoring.GUIDED_TO.get(r.get("guided_kind", ""), "")
            parts.append(_block("Vejledt videre til", (f"{kind}: " if kind else "") + r["guided_to"]))
        if r["decision_group"] == 4:
            parts.append(_block("Henvisning til BUP", r["bup_referral"]))
    else:
        parts.append("Ingen beslutning endnu; en forsamtale 2 følger.")
    return f"Forsamtale {r['talk_number']}", "\n\n".join(parts)


register(Kind("intake", "intakes", "Forsamtale", "talk_date",
              ("contact_id", "child_id", "talk_number", "talk_date", "channel", "duration_min", "notes",
               "decision_group", "reasoning", "guided_to", "bup_referral", "guided_kind"),
              required=("contact_id", "child_id", "talk_number", "talk_date"),
              validate=_validate_intake, render=_render_intake, course_column=None))
