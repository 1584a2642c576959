"""The notification (underretning, Barnets lov §133) to the municipality."""

from __future__ import annotations

from behandlerklient.services.pathway.pathway_records._text import _block, _d
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace.workspace import Workspace


def _render_notification(ws: Workspace, r: dict) -> tuple[str, str]:
    return ("Underretning (Barnets lov §133)",
            f"Underretning sendt den {_d(r['notified_on'])} til {r['recipient']}.\n\n{_block('Grundlag', r['grounds'])}")


register(Kind("notification", "notifications", "Underretning", "notified_on",
              ("child_id", "course_id", "notified_on", "grounds", "recipient"),
              required=("child_id", "notified_on", "grounds", "recipient"), render=_render_notification))
