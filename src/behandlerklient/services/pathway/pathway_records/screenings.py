"""The screening talk: self-harm and suicide risk, crisis plan, and the outcome (a course, or not)."""

from __future__ import annotations

from behandlerklient.core import pathway_rules as rules
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway.pathway_records._text import _block, _d, _yn
from behandlerklient.services.pathway.pathway_records.contacts import contact_first as _contact_first
from behandlerklient.services.pathway.record_kinds import Kind, register
from behandlerklient.services.workspace.workspace import Workspace


def _validate_screening(ws: Workspace, r: dict) -> list[str]:
    found = _contact_first(ws, r) + rules.screening_problems(r)
    if r["outcome"] == "course" and r["outcome_track_id"] and r["outcome_track_id"] not in ws.catalogue.tracks:
        found.append(f"Sporet {r['outcome_track_id']!r} findes ikke.")
    return found


def _render_screening(ws: Workspace, r: dict) -> tuple[str, str]:
    parts = [f"Dato: {_d(r['screening_date'])}.", _block("Barnets egen fortælling", r["child_account"]),
             _block("Symptomer", r["symptoms"])]
    sdq_lines = sdq_records.summary_lines(ws=ws, child_id=r["child_id"], screening_id=r["id"])
    parts.append(_block("Spørgeskemaer", "\n".join(sdq_lines) if sdq_lines else "Ingen registreret."))
    parts.append(f"Systematiske spørgsmål om selvskade stillet: {_yn(r['self_harm_asked'])}.\n"
                 f"{r['self_harm_answers'].strip()}".strip())
    parts.append("Selvmordsrisikovurdering:\n"
                 f"Tanker: {r['suicidal_thoughts'] or '-'}\nPlaner: {r['suicide_plans'] or '-'}\n"
                 f"Tidligere forsøg: {r['earlier_attempts'] or '-'}\nBeskyttende faktorer: {r['protective_factors'] or '-'}\n"
                 f"Vurderet niveau: {rules.RISK_LEVELS.get(r['risk_level'], '-')}")
    if any(r[k].strip() for k in rules.CRISIS_PLAN_FIELDS):
        parts.append("Kriseplan:\n" + "\n".join(f"{lab.capitalize()}: {r[k] or '-'}"
                                                for k, lab in rules.CRISIS_PLAN_FIELDS.items()))
    outcome = rules.SCREENING_OUTCOMES.get(r["outcome"], "-")
    if r["outcome"] == "course":
        track = ws.catalogue.tracks.get(r["outcome_track_id"])
        outcome += f" ({track.name if track else r['outcome_track_id']})"
    parts.append(f"Udfald: {outcome}." + (f"\n{r['outcome_reason']}" if r["outcome_reason"].strip() else ""))
    if r["outcome"] == "notification":  # the therapist's own decision, signed with the outcome
        parts.append("Underretningen nævnes i brevet til egen læge: " + _yn(r["notification_to_gp"]) + ".")
    return "Screeningssamtale", "\n\n".join(parts)


register(Kind("screening", "screenings", "Screening", "screening_date",
              ("contact_id", "child_id", "screening_date", "child_account", "symptoms", "self_harm_asked",
               "self_harm_answers", "suicidal_thoughts", "suicide_plans", "earlier_attempts", "protective_factors",
               "risk_level", "crisis_warning_signs", "crisis_own_coping", "crisis_people", "crisis_professionals",
               "crisis_means_safety", "outcome", "outcome_track_id", "outcome_reason", "notification_to_gp"),
              required=("contact_id", "child_id", "screening_date"),
              validate=_validate_screening, render=_render_screening, course_column=None))
