"""Rules for signing a session: text of its own beyond the manual's template, and a risk check while a suicide
risk from an assessment is still active (issue 15's guard-rails)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from behandlerklient.core.pathway_rules import CRISIS_PLAN_FIELDS, ELEVATED_RISK, RISK_LEVELS
from behandlerklient.core.vocab import SESSION_PARTS

EMPTY = "Sessionen er tom; skriv mindst én af de fem dele."


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def own_text_problem(parts: dict[str, str], template: dict[str, str]) -> str:
    """A session whose five parts hold only the manual's pre-filled text (or nothing) documents nothing that
    happened: the message names the parts; empty when at least one part says something of its own.

    Text of one's own is a word the template does not already hold: spacing, punctuation, case, a template
    sentence deleted, repeated or moved to another part are not what happened in the session."""
    if not any(_words(v) for v in parts.values()):
        return EMPTY
    pre_filled: set[str] = set().union(*(_words(t) for t in template.values()))
    if any(_words(v) - pre_filled for v in parts.values()):
        return ""
    names = ", ".join(title.lower() for title in SESSION_PARTS.values())
    return (f"Sessionen indeholder kun manualens skabelontekst ({names}); skriv, hvad der skete i sessionen, "
            "i mindst én af de fem dele.")


@dataclass(frozen=True)
class Assessment:
    """One suicide-risk assessment: at a screening, or a session's risk check."""

    on: date
    level: str
    source: str  # "screening" or "session"
    order: int = 0  # the record's id: the later of two on one day


@dataclass(frozen=True)
class ActiveRisk:
    level: str
    assessed_on: date
    source: str
    crisis_plan: dict[str, str]

    @property
    def summary(self) -> str:
        where = "ved screeningen" if self.source == "screening" else "ved et risikotjek i en session"
        return f"Selvmordsrisiko vurderet {RISK_LEVELS[self.level].lower()} {where} den {self.assessed_on:%d.%m.%Y}."

    @property
    def plan_text(self) -> str:
        return "\n".join(f"{label.capitalize()}: {self.crisis_plan.get(key, '').strip() or '-'}"
                         for key, label in CRISIS_PLAN_FIELDS.items())


def active_risk(assessments: Iterable[Assessment], crisis_plan: dict[str, str]) -> ActiveRisk | None:
    """The risk stays active from an assessment of moderate or higher until a later assessment lowers it."""
    ranked = sorted((a for a in assessments if a.level in RISK_LEVELS),
                    key=lambda a: (a.on, a.source == "session", a.order))
    if not ranked or ranked[-1].level not in ELEVATED_RISK:
        return None
    latest = ranked[-1]
    return ActiveRisk(latest.level, latest.on, latest.source, dict(crisis_plan))


def risk_check_problem(risk: ActiveRisk | None, level: str | None) -> str:
    """While a risk is active, a session is signed only with its risk check (a level assessed in the session)."""
    if risk is None or level in RISK_LEVELS:
        return ""
    return (f"{risk.summary} Gennemgå kriseplanen og lav risikotjekket (vurderet niveau) i sessionen, før den "
            "underskrives.")
