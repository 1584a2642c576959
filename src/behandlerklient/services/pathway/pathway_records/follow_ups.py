"""The follow-up (or booster) planned when a course closes, done and signed later."""

from __future__ import annotations

from behandlerklient.core import monitoring
from behandlerklient.core.pathway_rules import EFFECTS
from behandlerklient.core.vocab import CONTACT_CHANNEL, label
from behandlerklient.services.pathway.pathway_records._text import _block, _d, _yn
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace.workspace import Workspace
from behandlerklient.storage.events import EventRepository


def _render_follow_up(ws: Workspace, r: dict) -> tuple[str, str]:
    what = "Booster" if r["kind"] == "booster" else "Opfølgning"
    return (f"{what} efter forløb",
            f"Gennemført den {_d(r['done_on'])} ({label(CONTACT_CHANNEL, r['channel']).lower()}).\n\n"
            f"{_block('Effekt og status', r['notes'])}\n\nTilbagefald: {_yn(r['relapse'])}. "
            f"Behov for mere: {_yn(r['more_needed'])}."
            + (f" Effekt ved opfølgningen: {EFFECTS[r['effect']]}." if r.get("effect") in EFFECTS else ""))


def _validate_follow_up(ws: Workspace, r: dict) -> list[str]:
    found = [] if r["done_on"] else ["Angiv datoen for opfølgningen."]
    return found + monitoring.choice_problem(r.get("effect", ""), EFFECTS, "Effekt ved opfølgningen")


def _after_follow_up(ws: Workspace, r: dict) -> None:
    """Done is an event too: two therapists doing one follow-up offline is then seen as a conflict."""
    EventRepository(ws.db).append(aggregate="follow_up", subject=r["id"], field="state", now=ws.clock(),
                                  value={"state": "done", "done_on": r["done_on"]}, author_id=ws.user.id,
                                  child_id=r["child_id"])


register(Kind("follow_up", "follow_ups", "Opfølgning", "due_date",
              ("done_on", "channel", "notes", "relapse", "more_needed", "effect"),
              validate=_validate_follow_up,
              render=_render_follow_up, after_sign=_after_follow_up))
