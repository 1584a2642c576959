"""The next-step rule, one row per pathway state: what the child view's "Næste: …" button offers."""

from datetime import date

import pytest

from behandlerklient.core.next_step import PathwayState, next_step, turned_own_consent_age

TODAY = date(2026, 11, 23)
SIXTEEN = date(2010, 5, 4)
TEN = date(2016, 3, 1)
FOURTEEN_AT_START = date(2011, 11, 1)  # turned 15 on 1 November 2026

CONTACT = {"contact_id": 1, "contact_signed": True}
INTAKE3 = {**CONTACT, "intake_id": 2, "intake_signed": True, "intake_group": 3, "intake_number": 1}
SCREENED = {**INTAKE3, "screening_id": 3, "screening_signed": True, "screening_outcome": "course",
            "screening_track_id": "stime-bekymring-tristhed"}
COURSE = {**SCREENED, "course_after_screening": True, "treatment_consent_ok": True, "own_consent": True,
          "course_id": 4, "course_start": date(2026, 9, 1), "planned_sessions": 8}

CASES = [
    ("nothing yet", SIXTEEN, {}, ("contact", "Henvendelse", None, {})),
    ("contact draft", SIXTEEN, {"contact_id": 1}, ("contact", "Henvendelse (kladde)", 1, {})),
    ("contact signed", SIXTEEN, CONTACT, ("intake", "Forsamtale", None, {})),
    ("intake draft", SIXTEEN, {**CONTACT, "intake_id": 2}, ("intake", "Forsamtale (kladde)", 2, {})),
    ("intake without decision", SIXTEEN, {**CONTACT, "intake_id": 2, "intake_signed": True},
     ("intake", "Forsamtale 2", None, {"talk_number": 2})),
    ("intake group 2", SIXTEEN, {**INTAKE3, "intake_group": 2}, ("contact", "Ny henvendelse", None, {})),
    ("intake group 3", SIXTEEN, INTAKE3, ("screening", "Screening", None, {})),
    ("screening draft", SIXTEEN, {**INTAKE3, "screening_id": 3}, ("screening", "Screening (kladde)", 3, {})),
    ("screened to BUP", SIXTEEN, {**SCREENED, "screening_outcome": "bup_referral"},
     ("contact", "Ny henvendelse", None, {})),
    ("16, no own consent", SIXTEEN, SCREENED,
     ("consent", "Samtykke fra den unge", None, {"kind": "treatment", "given_by": "young_person"})),
    ("10, no parent consent", TEN, SCREENED,
     ("consent", "Samtykke fra forældremyndighed", None, {"kind": "treatment", "given_by": "custody_holder"})),
    ("consent given: the track carries over", SIXTEEN, {**SCREENED, "treatment_consent_ok": True},
     ("course", "Nyt forløb", None, {"track_id": "stime-bekymring-tristhed"})),
    ("session 5 of 8", SIXTEEN, {**COURSE, "held_sessions": 4}, ("session", "Session 5 af 8", None, {})),
    ("all sessions held", SIXTEEN, {**COURSE, "held_sessions": 8}, ("closing", "Afslutning", None, {})),
    ("closing draft", SIXTEEN, {**COURSE, "held_sessions": 3, "closing_id": 9},
     ("closing", "Afslutning (kladde)", 9, {})),
    ("turned 15 in the course", FOURTEEN_AT_START,
     {**COURSE, "own_consent": False, "treatment_consent_ok": False, "held_sessions": 2},
     ("consent", "Samtykke fra den unge", None, {"kind": "treatment", "given_by": "young_person"})),
    ("follow-up planned", SIXTEEN, {**COURSE, "course_id": None, "follow_up_id": 7,
                                    "follow_up_due": date(2027, 1, 14)},
     ("follow_up", "Opfølgning 14.01", 7, {})),
    ("booster planned", SIXTEEN, {**COURSE, "course_id": None, "follow_up_id": 7, "follow_up_kind": "booster",
                                  "follow_up_due": date(2027, 1, 14)}, ("follow_up", "Booster 14.01", 7, {})),
    ("came back after the course: the new contact's draft, not the old follow-up", SIXTEEN,
     {"contact_id": 11, "follow_up_id": 7, "follow_up_due": date(2027, 1, 14), "new_contact_since_course": True},
     ("contact", "Henvendelse (kladde)", 11, {})),
    ("came back, contact signed: its forsamtale", SIXTEEN,
     {"contact_id": 11, "contact_signed": True, "follow_up_id": 7, "follow_up_due": date(2027, 1, 14),
      "new_contact_since_course": True}, ("intake", "Forsamtale", None, {})),
    ("all done", SIXTEEN, {**COURSE, "course_id": None}, ("contact", "Ny henvendelse", None, {})),
]


@pytest.mark.parametrize(("name", "birth", "facts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_next_step(name, birth, facts, expected) -> None:
    step = next_step(PathwayState(today=TODAY, birth_date=birth, **facts))
    assert (step.kind, step.label, step.record_id, step.prefill) == expected


def test_turning_15_during_the_course_is_said_with_the_birthday() -> None:
    state = PathwayState(today=TODAY, birth_date=FOURTEEN_AT_START,
                         **{**COURSE, "own_consent": False, "treatment_consent_ok": False})
    assert turned_own_consent_age(state)
    assert "01.11.2026" in next_step(state).warning and "egen læge" in next_step(state).warning
    # 15 already at the start (her consent opened the course), or consented since: no flag.
    assert not turned_own_consent_age(PathwayState(today=TODAY, birth_date=SIXTEEN, **{**COURSE, "own_consent": False}))
    assert not turned_own_consent_age(PathwayState(today=TODAY, birth_date=FOURTEEN_AT_START, **COURSE))


def test_turning_15_is_not_flagged_when_the_17_2_exception_covers_her() -> None:
    """A custody holder's consent under §17(2) (she cannot overlook the consequences) is the consent her age needs:
    no button asking for her own consent, the course's next session instead."""
    facts = {**COURSE, "own_consent": False, "treatment_consent_ok": True, "held_sessions": 2}
    step = next_step(PathwayState(today=TODAY, birth_date=FOURTEEN_AT_START, **facts))
    assert (step.kind, step.label, step.warning) == ("session", "Session 3 af 8", "")
