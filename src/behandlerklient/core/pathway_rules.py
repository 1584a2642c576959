"""Rules of the pathway: intake decisions, screening signing, closing criteria, waits, the documentation checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from behandlerklient.core.monitoring import END_REASONS, choice_problem

INTAKE_GROUPS = {
    1: "Gruppe 1: Afsluttet (almindelig, forbigående reaktion)",
    2: "Gruppe 2: Behov for anden hjælp (vejledt videre)",
    3: "Gruppe 3: Tilbydes behandling i tilbuddet",
    4: "Gruppe 4: Tegn på alvorligere sygdom (henvist til BUP)",
}
RISK_LEVELS = {"none": "Ingen", "low": "Lav", "moderate": "Moderat", "high": "Høj", "acute": "Akut"}
ELEVATED_RISK = ("moderate", "high", "acute")
SCREENING_OUTCOMES = {
    "course": "Tilbud om forløb",
    "bup_referral": "Henvisning til BUP",
    "guidance": "Vejledning til anden hjælp",
    "notification": "Underretning til socialforvaltningen",
    "no_course": "Intet forløb",
}
# Outcomes that start no course: each needs its reason (issue 15), in the services and in the database.
NO_COURSE_OUTCOMES = ("bup_referral", "guidance", "notification", "no_course")
CRISIS_PLAN_FIELDS = {
    "crisis_warning_signs": "advarselstegn",
    "crisis_own_coping": "egne mestringsstrategier",
    "crisis_people": "personer at kontakte",
    "crisis_professionals": "professionelle kontakter",
    "crisis_means_safety": "sikring af midler",
}
EFFECTS = {"improved": "Bedring", "partly_improved": "Delvis bedring", "unchanged": "Uændret", "worsened": "Forværring"}
DEFAULT_FOLLOW_UP_DAYS = 30


def intake_problems(*, decision_group: int | None, reasoning: str, guided_to: str, bup_referral: str) -> list[str]:
    """What stops an intake from being signed; empty when it may be."""
    if decision_group is None:
        return ["Forsamtalen mangler en beslutning (gruppe 1-4)."]
    if decision_group not in INTAKE_GROUPS:
        return [f"Ukendt gruppe {decision_group}; brug 1-4."]
    problems = []
    if not reasoning.strip():
        problems.append("Beslutningen skal begrundes.")
    if decision_group == 2 and not guided_to.strip():
        problems.append("Gruppe 2: skriv, hvor familien er vejledt hen.")
    if decision_group == 4 and not bup_referral.strip():
        problems.append("Gruppe 4: beskriv henvisningen til BUP.")
    return problems


def screening_problems(values: dict) -> list[str]:
    """Mirror of the database's signing trigger, with messages a therapist can act on."""
    problems = []
    if not values.get("self_harm_asked"):
        problems.append("De systematiske spørgsmål om selvskade er ikke markeret som stillet.")
    level = values.get("risk_level")
    if level not in RISK_LEVELS:
        problems.append("Selvmordsrisikovurderingen mangler et vurderet niveau.")
    elif level in ELEVATED_RISK:
        missing = [label for key, label in CRISIS_PLAN_FIELDS.items() if not str(values.get(key, "")).strip()]
        if missing:
            problems.append(f"Risikoniveauet er {RISK_LEVELS[level].lower()}: kriseplanen skal udfyldes før "
                            f"underskrift (mangler: {', '.join(missing)}).")
    outcome = values.get("outcome")
    if outcome not in SCREENING_OUTCOMES:
        problems.append("Screeningen mangler et udfald.")
    elif outcome == "no_course" and not str(values.get("outcome_reason", "")).strip():
        problems.append("'Intet forløb' kræver en klinisk begrundelse.")
    elif outcome in NO_COURSE_OUTCOMES and not str(values.get("outcome_reason", "")).strip():
        problems.append(f"Udfaldet '{SCREENING_OUTCOMES[outcome]}' starter intet forløb og skal begrundes "
                        "(begrundelsen står i brevet til egen læge, som ikke kan se journalen).")
    elif outcome == "course" and not str(values.get("outcome_track_id", "")).strip():
        problems.append("Vælg sporet for det tilbudte forløb.")
    return problems


@dataclass(frozen=True)
class ClosingCriterion:
    name: str
    met: bool


def closing_criteria(*, closing_sdq: set[str], baseline_sdq: set[str], effect: str | None, further_needs: str,
                     status: str = "dropped_out", delivered: int = 0,
                     sessions_min: int = 0) -> list[ClosingCriterion]:
    """domain.md §1: effect evaluated with a repeat SDQ that has a baseline from the same informant (parent,
    teacher, self), further needs stated (handover follows from them); a course closed as completed has had
    at least the manual's minimum number of sessions."""
    found = [ClosingCriterion("Gentaget SDQ ved afslutning med en baseline fra samme informant",
                              bool(closing_sdq & baseline_sdq)),
             ClosingCriterion("Effekten er vurderet", effect in EFFECTS),
             ClosingCriterion("Videre behov er beskrevet", bool(further_needs.strip()))]
    if status == "completed":
        found.append(ClosingCriterion(f"Manualens minimum på {sessions_min} sessioner er gennemført "
                                      f"({delivered} holdt)", delivered >= sessions_min))
    return found


EFFECT_MISSING = ("Effekten skal vælges (bedring, delvis bedring, uændret eller forværring); den har ingen "
                  "standardværdi.")


def closing_problems(criteria: list[ClosingCriterion], *, effect: str | None, status: str, criteria_reason: str,
                     end_reason: str = "") -> list[str]:
    """What stops a course from being closed, however it is closed (the closing record,
    services.pathway.pathway.end_course,
    an imported or pulled closing): the effect is always chosen, a drop-out names its reason, and an unmet criterion
    (repeat SDQ without a same-informant baseline, fewer sessions than the manual's minimum, ...) needs a reason."""
    found = [] if effect in EFFECTS else [EFFECT_MISSING]
    found += choice_problem(end_reason or "", END_REASONS, "Årsag til afslutning")
    if status == "dropped_out" and not end_reason:
        found.append("Vælg årsagen til, at forløbet sluttede (frafald).")
    unmet = [c.name for c in criteria if not c.met and (c.name != "Effekten er vurderet" or effect in EFFECTS)]
    if unmet and not criteria_reason.strip():
        return [f"Kriterierne for afslutning er ikke opfyldt ({', '.join(unmet).lower()}); "
                "skriv en begrundelse for at afslutte alligevel.", *found]
    return found


INFORMANT_NAMES = {"parent": "forælder", "teacher": "lærer", "self": "selvrapport"}


def sdq_comparison_note(closing_sdq: set[str], baseline_sdq: set[str]) -> str:
    """What the closing says when the repeat SDQ cannot be compared with a baseline; empty when it can."""
    if closing_sdq & baseline_sdq:
        return ""
    if not closing_sdq:
        return "Ingen sammenligning mulig: der er ikke udfyldt SDQ ved afslutning."
    names = ", ".join(INFORMANT_NAMES.get(i, i) for i in sorted(closing_sdq))
    return (f"Ingen sammenligning mulig: SDQ ved afslutning ({names}) har ingen baseline fra samme "
            "informant.")


@dataclass(frozen=True)
class Waits:
    to_intake: int | None
    to_screening: int | None
    to_start: int | None


def waits(contact_date: date, intake: date | None, screening: date | None, start: date | None) -> Waits:
    def days(d: date | None) -> int | None:
        return None if d is None else (d - contact_date).days
    return Waits(days(intake), days(screening), days(start))


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    present: bool
    detail: str = ""


CHECKLIST_LABELS = {
    "master_data": "Stamdata (CPR, forældre, egen læge)",
    "contact": "Årsag til og vej ind i henvendelsen",
    "intake": "Forsamtale og beslutning",
    "screening": "Screening (barnets egen fortælling, symptomer, SDQ)",
    "plan": "Planlagt forløb (spor)",
    "sessions": "Planlagte og gennemførte sessioner",
    "coordination": "Koordinering med samarbejdspartnere",
    "closing": "Opfølgning og afslutning",
    "consent": "Information og samtykke",
}


def checklist(facts: dict[str, tuple[bool, str]]) -> list[ChecklistItem]:
    """The Faglig ramme's documentation checklist; `facts` maps each key to (present, detail)."""
    return [ChecklistItem(key, label, *facts.get(key, (False, ""))) for key, label in CHECKLIST_LABELS.items()]
