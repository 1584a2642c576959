"""A child taken through the whole pathway by the services, for the document tests."""

from datetime import date, timedelta

import pytest

from behandlerklient.core.models import GeneralPractitioner, Guardian
from behandlerklient.services.journal import journal, sessions
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.registration import children
from tests.helpers import give_consent

START = date(2026, 2, 2)


def _sdq(ws, child, phase, level, day, **link):
    answers = [level] * 25
    for item in (1, 4, 7, 9, 11, 14, 17, 20, 21, 25):
        answers[item - 1] = 2 - level
    sdq_records.record(ws=ws, child_id=child.id, informant="parent", phase=phase, answered_on=day, answers=answers,
                       impact=[2, 1, 2, 2, 1, 0], **link)


def build(ws, *, sessions_count: int = 9, gp_consent: bool = True, close: bool = True):
    gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing",
                             "62 52 11 11", sor="456789012345678", ean="5790001234560")
    child = children.register_child(ws=ws, first_name="Åse", last_name="Ærenlund", cpr="010316-4006", gp=gp,
                                    home_municipality="Ærø Kommune", treating_municipality="Ærø Kommune",
                                    guardians=[Guardian(None, "Mette Ærenlund", "mother", True)]).child
    child = children.overview(ws=ws, child_id=child.id, log_view=False).child
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=START - timedelta(days=40), made_by="parent",
                                 way="gp", concern="Ondt i maven før skole")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    iid, _ = records.save(ws=ws, kind="intake", values={"contact_id": cid, "child_id": child.id, "talk_number": 1,
                                                        "talk_date": START - timedelta(days=30), "decision_group": 3,
                                                        "reasoning": "I målgruppen"})
    records.sign_confirmed(ws=ws, kind="intake", record_id=iid)
    give_consent(ws, child, on=START - timedelta(days=28))
    if gp_consent:
        give_consent(ws, child, on=START - timedelta(days=28), kind="share", party="gp")
    sid, _ = records.save(ws=ws, kind="screening", values={
        "contact_id": cid, "child_id": child.id, "screening_date": START - timedelta(days=14),
        "child_account": "Åse fortæller om ondt i maven", "symptoms": "Bekymringer", "self_harm_asked": True,
        "risk_level": "low", "outcome": "course", "outcome_track_id": "mind-my-mind"})
    _sdq(ws, child, "baseline", 2, START - timedelta(days=16), screening_id=sid)
    records.sign_confirmed(ws=ws, kind="screening", record_id=sid)
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=START,
                                 planned_sessions=max(9, min(sessions_count, 13)),
                                 reason="" if sessions_count <= 13 else "Stor test").course
    first_entry = None
    for n in range(sessions_count):
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START + timedelta(days=7 * n),
                                      reason="Test af mange sessioner" if n >= 13 else "")
        s.parts.exercise = f"Øvelse nr. {n + 1}: trappen med æ, ø og å"
        entry, _ = sessions.finish_confirmed(ws=ws, session=s)
        first_entry = first_entry or entry
    journal.correct_confirmed(ws=ws, original=first_entry, text="Rettelse: øvelsen var trin 2, ikke trin 1.")
    if close:
        end = START + timedelta(days=7 * sessions_count)
        _sdq(ws, child, "closing", 1, end, course_id=course.id)
        rid, _ = records.save(ws=ws, kind="closing", values={
            "course_id": course.id, "child_id": child.id, "closing_date": end, "effect": "improved",
            "content_summary": "Eksponering og forældrestøtte", "further_needs": "Ingen",
            "recommendations": "Fortsæt trappen hjemme"})
        records.sign_confirmed(ws=ws, kind="closing", record_id=rid)
    return children.overview(ws=ws, child_id=child.id, log_view=False).child, course


@pytest.fixture
def pathway_child(ws):
    return build(ws)
