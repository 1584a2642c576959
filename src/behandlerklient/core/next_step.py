"""The next step of the pathway for one child, from what is recorded: the child view's one "Næste: …" button.

Pure: the caller gathers the facts (services/pathway/next_step.py) and this decides, so the rule is one table-driven
test (tests/core/test_next_step.py). The order follows the Faglig ramme: henvendelse, forsamtale, screening,
samtykke, forløb, sessioner, afslutning, opfølgning. A draft of the step is opened rather than a new one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from behandlerklient.core.ages import age_on
from behandlerklient.core.consent_rules import AGE_OF_OWN_CONSENT


@dataclass(frozen=True)
class PathwayState:
    today: date
    birth_date: date
    contact_id: int | None = None  # the newest contact
    contact_signed: bool = False
    intake_id: int | None = None  # the newest intake talk of that contact
    intake_signed: bool = False
    intake_group: int | None = None
    intake_number: int = 0
    screening_id: int | None = None  # the newest screening of that contact
    screening_signed: bool = False
    screening_outcome: str | None = None
    screening_track_id: str = ""
    course_after_screening: bool = False  # a course was opened on that contact
    treatment_consent_ok: bool = False  # on today
    own_consent: bool = False  # the young person's own treatment consent, active today
    course_id: int | None = None  # the active course
    course_start: date | None = None
    planned_sessions: int = 0
    held_sessions: int = 0  # signed, held
    closing_id: int | None = None  # the active course's closing (a draft)
    follow_up_id: int | None = None  # the earliest follow-up or booster not yet signed
    follow_up_kind: str = "follow_up"
    follow_up_due: date | None = None
    new_contact_since_course: bool = False  # the newest contact came after the followed-up course (open door)


@dataclass(frozen=True)
class NextStep:
    kind: str  # contact, intake, screening, consent, course, session, closing, follow_up
    label: str  # Danish, after "Næste: "
    record_id: int | None = None  # a draft or planned record to open
    prefill: dict[str, Any] = field(default_factory=dict)
    warning: str = ""  # said beside the button (e.g. turned 15 during the course)
    course_id: int | None = None  # the course a session or closing belongs to


def turned_own_consent_age(state: PathwayState) -> bool:
    """The young person turned 15 after the active course started and has not consented herself yet: from the
    birthday on her own consent is needed (and the GP end letter asks for it). Not when the consent the age needs is
    there today: from 15 that is her own, or a custody holder's under the §17(2) exception."""
    if state.course_id is None or state.course_start is None or state.own_consent or state.treatment_consent_ok:
        return False
    return (age_on(state.birth_date, state.course_start) < AGE_OF_OWN_CONSENT
            <= age_on(state.birth_date, state.today))


def fifteenth_birthday(birth_date: date) -> date:
    try:
        return birth_date.replace(year=birth_date.year + AGE_OF_OWN_CONSENT)
    except ValueError:  # 29 February
        return date(birth_date.year + AGE_OF_OWN_CONSENT, 3, 1)


def consent_step(state: PathwayState, *, warning: str = "") -> NextStep:
    own = age_on(state.birth_date, state.today) >= AGE_OF_OWN_CONSENT
    return NextStep("consent", "Samtykke fra den unge" if own else "Samtykke fra forældremyndighed",
                    prefill={"kind": "treatment", "given_by": "young_person" if own else "custody_holder"},
                    warning=warning, course_id=state.course_id)


def next_step(state: PathwayState) -> NextStep:
    if state.course_id is not None:
        return _in_course(state)
    # The newest episode leads: after a closed course the child came back (a new henvendelse), so its steps come
    # before the old course's follow-up (still in the work queue), not a stale follow-up form.
    if state.follow_up_id is not None and state.follow_up_due is not None and not state.new_contact_since_course:
        what = "Booster" if state.follow_up_kind == "booster" else "Opfølgning"
        return NextStep("follow_up", f"{what} {state.follow_up_due:%d.%m}", record_id=state.follow_up_id)
    if state.contact_id is None:
        return NextStep("contact", "Henvendelse")
    if not state.contact_signed:
        return NextStep("contact", "Henvendelse (kladde)", record_id=state.contact_id)
    if state.intake_id is None:
        return NextStep("intake", "Forsamtale")
    if not state.intake_signed:
        return NextStep("intake", "Forsamtale (kladde)", record_id=state.intake_id)
    if state.intake_group is None:  # no decision yet: a second talk
        return NextStep("intake", "Forsamtale 2", prefill={"talk_number": 2})
    if state.intake_group != 3:  # guided elsewhere, closed or referred: the pathway ends here
        return NextStep("contact", "Ny henvendelse")
    if state.screening_id is None:
        return NextStep("screening", "Screening")
    if not state.screening_signed:
        return NextStep("screening", "Screening (kladde)", record_id=state.screening_id)
    if state.screening_outcome != "course" or state.course_after_screening:
        return NextStep("contact", "Ny henvendelse")
    if not state.treatment_consent_ok:
        return consent_step(state)
    return NextStep("course", "Nyt forløb", prefill={"track_id": state.screening_track_id})


def _in_course(state: PathwayState) -> NextStep:
    if turned_own_consent_age(state):
        return consent_step(state, warning=(
            f"Den unge fyldte 15 år {fifteenth_birthday(state.birth_date):%d.%m.%Y} under forløbet: den unges eget "
            "samtykke skal indhentes før næste session, og afslutningsbrevet til egen læge kræver det."))
    if state.closing_id is not None:
        return NextStep("closing", "Afslutning (kladde)", record_id=state.closing_id, course_id=state.course_id)
    if state.held_sessions < state.planned_sessions:
        return NextStep("session", f"Session {state.held_sessions + 1} af {state.planned_sessions}",
                        course_id=state.course_id)
    return NextStep("closing", "Afslutning", course_id=state.course_id)
