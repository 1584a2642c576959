"""The follow-up (or booster) planned when a course closes, done and signed later."""

from __future__ import annotations

from behandlerklient.core.vocab import CONTACT_CHANNEL, label
from behandlerklient.services.pathway_records._text import _block, _d, _yn
from behandlerklient.services.record_kinds import Kind, register
from behandlerklient.services.workspace import Workspace


def _render_follow_up(ws: Workspace, r: dict) -> tuple[str, str]:
    what = "Booster" if r["kind"] == "booster" else "Opfølgning"
    return (f"{what} efter forløb",
            f"Gennemført den {_d(r['done_on'])} ({label(CONTACT_CHANNEL, r['channel']).lower()}).\n\n"
            f"{_block('Effekt og status', r['notes'])}\n\nTilbagefald: {_yn(r['relapse'])}. "
            f"Behov for mere: {_yn(r['more_needed'])}.")


register(Kind("follow_up", "follow_ups", "Opfølgning", "due_date",
              ("done_on", "channel", "notes", "relapse", "more_needed"),
              validate=lambda ws, r: [] if r["done_on"] else ["Angiv datoen for opfølgningen."],
              render=_render_follow_up))
