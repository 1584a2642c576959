"""Issue 15's clinical guard-rails, proved through the services (and the database where it holds the rule):
each is refused with a Danish message naming what is missing, by the check that runs before the passphrase."""

from datetime import date, timedelta

import pytest

from behandlerklient.core.errors import InvalidInput, RuleRefused
from behandlerklient.core.models import GeneralPractitioner, Guardian, SessionParts
from behandlerklient.reports import activity
from behandlerklient.services.documents import letters
from behandlerklient.services.journal import group_sessions, sessions
from behandlerklient.services.measures import sdq_records
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.registration import children
from behandlerklient.storage.database import IntegrityError
from behandlerklient.storage.pathway import PathwayRepository
from tests.conftest import PASSPHRASE
from tests.helpers import child_with_consent, give_consent

DAY = date(2026, 3, 2)
CRISIS = {"crisis_warning_signs": "Trækker sig", "crisis_own_coping": "Går en tur", "crisis_people": "Mor",
          "crisis_professionals": "Livslinien", "crisis_means_safety": "Medicin låst inde"}


@pytest.fixture
def child(ws):
    return child_with_consent(ws, "Asta", "Ågesen", "010312-4002", on=DAY)


def _contact(ws, child) -> int:
    cid, _ = pathway.add_contact(ws=ws, child_id=child.id, contact_date=DAY, made_by="parent", way="self",
                                 concern="Ondt i maven før skole")
    records.sign_confirmed(ws=ws, kind="contact", record_id=cid)
    return cid


def _screening(ws, child, contact, **values) -> int:
    base = {"contact_id": contact, "child_id": child.id, "screening_date": DAY, "child_account": "Har ondt i maven",
            "symptoms": "Bekymringer", "self_harm_asked": True, "risk_level": "low", "outcome": "course",
            "outcome_track_id": "mind-my-mind"}
    rid, _ = records.save(ws=ws, kind="screening", values={**base, **values})
    return rid


def _own_text(session, text: str = "Barnet fortalte om ugen siden sidst."):
    session.parts.status = text
    return session


# -- 1. a session of only template text --------------------------------------------------------------------
def test_a_session_with_only_the_manuals_template_text_is_not_signed(ws, child) -> None:
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY).course
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=DAY)
    assert s.parts.agenda.strip()  # pre-filled from the manual
    with pytest.raises(RuleRefused, match="kun manualens skabelontekst") as refused:
        sessions.check_finishable(ws=ws, session=s)  # the check the editor runs before the passphrase
    assert "dagsorden" in refused.value.message and "hjemmeopgave" in refused.value.message
    with pytest.raises(RuleRefused, match="skabelontekst"):
        sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    s.parts.agenda = "  " + s.parts.agenda.replace(" ", "  ") + "\n"  # whitespace is not text of one's own
    with pytest.raises(RuleRefused, match="skabelontekst"):
        sessions.check_finishable(ws=ws, session=s)
    s.parts.homework += " Asta øver trappen to gange."
    entry, _ = sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    assert "Asta øver trappen" in entry.body


def test_template_text_dressed_up_is_still_only_template_text(ws, child) -> None:
    """Punctuation, case, a sentence moved to another part or a part cleared to a dash say nothing that happened."""
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY).course
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=DAY)
    agenda, status = s.parts.agenda, s.parts.status
    for dressed in (agenda + " .", agenda.upper() + "!!", f"- {agenda} -", "-"):
        s.parts.agenda = dressed
        with pytest.raises(RuleRefused, match="skabelontekst"):
            sessions.check_finishable(ws=ws, session=s)
    s.parts.agenda, s.parts.status = status, agenda  # swapped between parts
    with pytest.raises(RuleRefused, match="skabelontekst"):
        sessions.check_finishable(ws=ws, session=s)
    s.parts.goals = "."  # punctuation only is not a part of one's own either
    with pytest.raises(RuleRefused, match="skabelontekst"):
        sessions.check_finishable(ws=ws, session=s)
    s.parts.goals = "Asta vil række hånden op én gang i dansk."
    sessions.check_finishable(ws=ws, session=s)


def test_a_group_session_of_only_template_text_is_not_signed(ws) -> None:
    kids = [child_with_consent(ws, name, "Holm", cpr, on=DAY)
            for name, cpr in (("Ida", "010316-4006"), ("Bo", "020316-4011"))]
    ids = [pathway.open_course(ws=ws, child_id=k.id, track_id="cool-kids", start_date=DAY, format="group").course.id
           for k in kids]
    gid, _ = group_sessions.create(ws=ws, track_id="cool-kids", session_date=DAY, course_ids=ids)
    with pytest.raises(RuleRefused, match="skabelontekst"):
        group_sessions.check_signable(ws=ws, group_id=gid)


def test_a_course_moved_to_selvskade_leaves_the_group_it_was_planned_in(ws) -> None:
    """The group is planned on Chilled; one course then changes track to STIME selvskade (individual format, so
    the track change itself is allowed): the group session can no longer be signed with that child in it."""
    kids = [child_with_consent(ws, name, "Holm", cpr, on=DAY)
            for name, cpr in (("Ida", "010310-4006"), ("Bo", "020310-4011"))]  # 16 years
    ids = [pathway.open_course(ws=ws, child_id=k.id, track_id="chilled", start_date=DAY,
                               format="individual").course.id for k in kids]
    gid, _ = group_sessions.create(ws=ws, track_id="chilled", session_date=DAY, course_ids=ids)
    group_sessions.save_shared(ws=ws, group_id=gid, parts=SessionParts(status="Gruppen talte om eksponering."))
    group_sessions.check_signable(ws=ws, group_id=gid)
    pathway.change_track(ws=ws, course_id=ids[0], track_id="stime-selvskade", reason="Selvskade fremkom i session 2",
                         on=DAY, passphrase=PASSPHRASE)
    with pytest.raises(RuleRefused, match="kun individuelt") as refused:
        group_sessions.check_signable(ws=ws, group_id=gid)
    assert "Ida Holm" in refused.value.message
    with pytest.raises(RuleRefused, match="kun individuelt"):
        group_sessions.sign(ws=ws, group_id=gid, passphrase=PASSPHRASE)


# -- 2. an active suicide risk ------------------------------------------------------------------------------
def test_a_moderate_risk_needs_a_risk_check_in_each_session_until_one_lowers_it(ws, child) -> None:
    contact = _contact(ws, child)
    rid = _screening(ws, child, contact, risk_level="moderate", **CRISIS)
    records.sign_confirmed(ws=ws, kind="screening", record_id=rid)
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY).course
    s = _own_text(sessions.start_session(ws=ws, course_id=course.id, on=DAY + timedelta(days=7))[0])
    ctx = sessions.context(ws=ws, session=s)
    assert ctx.risk is not None and ctx.risk.level == "moderate"
    assert "Medicin låst inde" in ctx.risk.plan_text and "02.03.2026" in ctx.risk.summary
    with pytest.raises(RuleRefused, match="risikotjekket") as refused:
        sessions.check_finishable(ws=ws, session=s)
    assert "moderat" in refused.value.message
    s.risk_level, s.risk_note = "moderate", "Stadig passive tanker; kriseplanen gennemgået."
    entry, _ = sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
    assert "Risikotjek" in entry.body and "Moderat" in entry.body
    # Still moderate: the next session asks again; a check that lowers it ends the active risk.
    s2 = _own_text(sessions.start_session(ws=ws, course_id=course.id, on=DAY + timedelta(days=14))[0])
    assert sessions.context(ws=ws, session=s2).risk is not None
    s2.risk_level = "low"
    sessions.finish_session(ws=ws, session=s2, passphrase=PASSPHRASE)
    s3 = _own_text(sessions.start_session(ws=ws, course_id=course.id, on=DAY + timedelta(days=21))[0])
    assert sessions.context(ws=ws, session=s3).risk is None
    sessions.check_finishable(ws=ws, session=s3)


def test_a_low_risk_screening_asks_no_risk_check(ws, child) -> None:
    rid = _screening(ws, child, _contact(ws, child))
    records.sign_confirmed(ws=ws, kind="screening", record_id=rid)
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY).course
    s = _own_text(sessions.start_session(ws=ws, course_id=course.id, on=DAY)[0])
    assert sessions.context(ws=ws, session=s).risk is None
    sessions.check_finishable(ws=ws, session=s)


# -- 3. closing -----------------------------------------------------------------------------------------------
def _course_with_sessions(ws, child, held: int):
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY).course
    for n in range(held):
        s = _own_text(sessions.start_session(ws=ws, course_id=course.id, on=DAY + timedelta(days=7 * n))[0])
        sessions.finish_confirmed(ws=ws, session=s)
    return course


def _sdq(ws, child, phase, informant="parent", **link) -> None:
    sdq_records.record(ws=ws, child_id=child.id, informant=informant, phase=phase, answered_on=DAY,
                       answers=[1] * 25, **link)


def _closing(ws, child, course, **values) -> int:
    base = {"course_id": course.id, "child_id": child.id, "closing_date": DAY + timedelta(days=90),
            "effect": "improved", "further_needs": "Ingen", "status": "completed"}
    rid, _ = records.save(ws=ws, kind="closing", values={**base, **values})
    return rid


def test_completed_below_the_manuals_minimum_needs_a_reason(ws, child) -> None:
    course = _course_with_sessions(ws, child, 3)  # Mind My Mind: 9-13
    _sdq(ws, child, "baseline")
    _sdq(ws, child, "closing", course_id=course.id)
    rid = _closing(ws, child, course)
    with pytest.raises(RuleRefused, match="minimum på 9 sessioner") as refused:
        records.check_signable(ws=ws, kind="closing", record_id=rid)
    assert "3 holdt" in refused.value.message and "begrundelse" in refused.value.message
    records.save(ws=ws, kind="closing", record_id=rid, values={"status": "dropped_out",
                                                                "end_reason": "family_stopped"})
    records.check_signable(ws=ws, kind="closing", record_id=rid)  # dropping out is no claim of completion
    records.save(ws=ws, kind="closing", record_id=rid, values={
        "status": "completed", "end_reason": "",
        "criteria_reason": "Målet nået efter tre sessioner; familien og jeg er enige."})
    entry, _ = records.sign(ws=ws, kind="closing", record_id=rid, passphrase=PASSPHRASE)
    assert "Målet nået efter tre sessioner" in entry.body


def test_the_effect_has_no_default(ws, child) -> None:
    course = _course_with_sessions(ws, child, 0)
    with pytest.raises(InvalidInput, match="Effekten skal vælges") as refused:
        records.save(ws=ws, kind="closing", values={"course_id": course.id, "child_id": child.id,
                                                    "closing_date": DAY})
    assert "standardværdi" in refused.value.message


def test_the_repeat_sdq_needs_a_baseline_from_the_same_informant(ws, child) -> None:
    course = _course_with_sessions(ws, child, 9)
    _sdq(ws, child, "baseline", informant="parent")
    _sdq(ws, child, "closing", informant="teacher", course_id=course.id)
    rid = _closing(ws, child, course)
    with pytest.raises(RuleRefused, match="baseline fra samme informant"):
        records.check_signable(ws=ws, kind="closing", record_id=rid)
    records.save(ws=ws, kind="closing", record_id=rid, values={"criteria_reason": "Forældrene svarede ikke igen."})
    entry, _ = records.sign(ws=ws, kind="closing", record_id=rid, passphrase=PASSPHRASE)
    assert "Ingen sammenligning mulig" in entry.body and "(lærer)" in entry.body


def test_a_repeat_sdq_with_its_baseline_is_compared(ws, child) -> None:
    course = _course_with_sessions(ws, child, 9)
    _sdq(ws, child, "baseline", informant="parent")
    _sdq(ws, child, "closing", informant="parent", course_id=course.id)
    entry, _ = records.sign(ws=ws, kind="closing", record_id=_closing(ws, child, course), passphrase=PASSPHRASE)
    assert "Ingen sammenligning mulig" not in entry.body and "ændring" in entry.body


# -- 4. outcomes that start no course -----------------------------------------------------------------------------
@pytest.mark.parametrize("outcome", ["guidance", "bup_referral", "notification"])
def test_an_outcome_that_starts_no_course_needs_a_reason(ws, child, outcome) -> None:
    rid = _screening(ws, child, _contact(ws, child), outcome=outcome, outcome_track_id="")
    with pytest.raises(RuleRefused, match="starter intet forløb og skal begrundes"):
        records.check_signable(ws=ws, kind="screening", record_id=rid)
    with pytest.raises(IntegrityError, match="requires a reason"):  # the database holds the rule too
        ws.db.execute("UPDATE screenings SET signed_at = '2026-03-02T12:00:00+00:00' WHERE id = ?", (rid,))
    records.save(ws=ws, kind="screening", record_id=rid, values={"outcome_reason": "Hjælpen findes i skolen."})
    records.sign(ws=ws, kind="screening", record_id=rid, passphrase=PASSPHRASE)


def test_the_database_refuses_an_intake_decision_without_reasoning(ws, child) -> None:
    rid, _ = records.save(ws=ws, kind="intake", values={"contact_id": _contact(ws, child), "child_id": child.id,
                                                        "talk_number": 1, "talk_date": DAY, "decision_group": 1,
                                                        "notes": "Samtalen"})
    with pytest.raises(IntegrityError, match="requires its reasoning"):
        ws.db.execute("UPDATE intakes SET signed_at = '2026-03-02T12:00:00+00:00' WHERE id = ?", (rid,))


def _guided_child(ws):
    gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing", "62")
    c = children.register_child(ws=ws, first_name="Bo", last_name="Øby", cpr="050512-4011", gp=gp,
                                guardians=[Guardian(None, "Mor Øby", "mother", True)]).child
    c = children.overview(ws=ws, child_id=c.id, log_view=False).child
    give_consent(ws, c, on=DAY, kind="share", party="gp")
    return c


@pytest.mark.parametrize("disclose", [False, True])
def test_the_gp_letter_states_the_reason_and_a_notification_only_when_disclosed(ws, disclose) -> None:
    c = _guided_child(ws)
    rid = _screening(ws, c, _contact(ws, c), outcome="notification", outcome_track_id="",
                     outcome_reason="Bekymring for trivslen hjemme; familieafdelingen hjælper bedre.",
                     notification_to_gp=disclose)
    entry, _ = records.sign(ws=ws, kind="screening", record_id=rid, passphrase=PASSPHRASE)
    assert f"Underretningen nævnes i brevet til egen læge: {'ja' if disclose else 'nej'}." in entry.body
    text = letters.prepare_guided(ws=ws, child_id=c.id, on=DAY).letter.text
    assert "Bekymring for trivslen hjemme" in text and "Se journalen" not in text
    assert ("underretning" in text) is disclose


# -- 5. STIME selvskade is individual only ----------------------------------------------------------------------------
def test_stime_selvskade_refuses_group_format_and_group_sessions(ws) -> None:
    kids = [child_with_consent(ws, name, "Holm", cpr, on=DAY)
            for name, cpr in (("Ida", "010310-4006"), ("Bo", "020310-4011"))]
    with pytest.raises(RuleRefused, match="kun individuelt"):
        pathway.open_course(ws=ws, child_id=kids[0].id, track_id="stime-selvskade", start_date=DAY, format="group")
    ids = [pathway.open_course(ws=ws, child_id=k.id, track_id="stime-selvskade", start_date=DAY).course.id
           for k in kids]
    with pytest.raises(RuleRefused, match="kun individuelt"):
        group_sessions.create(ws=ws, track_id="stime-selvskade", session_date=DAY, course_ids=ids)
    s = _own_text(sessions.start_session(ws=ws, course_id=ids[0], on=DAY)[0])
    s.format = "group"
    with pytest.raises(RuleRefused, match="kun individuelt"):
        sessions.save_draft(ws=ws, session=s)
    with pytest.raises(RuleRefused, match="kun individuelt"):
        sessions.check_finishable(ws=ws, session=s)
    grouped = pathway.open_course(ws=ws, child_id=child_with_consent(ws, "Liv", "Dam", "030311-4008", on=DAY).id,
                                  track_id="chilled", start_date=DAY, format="group",
                                  age_reason="Test").course
    with pytest.raises(RuleRefused, match="kun individuelt"):
        pathway.check_track_change(ws=ws, course_id=grouped.id, track_id="stime-selvskade", reason="Selvskade")


# -- 6. a course started another way --------------------------------------------------------------------------
def test_a_course_started_another_way_is_recorded_warned_and_counted_apart(ws, child) -> None:
    with pytest.raises(RuleRefused, match="hvordan det kom i stand"):
        pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY, other_way=" ")
    opened = pathway.open_course(ws=ws, child_id=child.id, track_id="mind-my-mind", start_date=DAY,
                                 other_way="Henvist af PPR efter aftale med skolen")
    assert opened.course.entry_route == "other_way"
    assert any("anden vej uden en underskrevet screening" in w for w in opened.warnings)
    stored = PathwayRepository(ws.db).course(opened.course.id)
    assert stored.entry_route == "other_way" and stored.entry_note.startswith("Henvist af PPR")
    report = activity.build(ws.db, ws.catalogue, start=DAY, end=DAY + timedelta(days=30))
    assert report["courses"]["started_other_way"] == 1 and report["courses"]["started"] == 0
    assert report["courses"]["started_other_way_by_track"] == {"Mind My Mind": 1}
    screened = child_with_consent(ws, "Eva", "Bak", "040312-4000", on=DAY)
    records.sign_confirmed(ws=ws, kind="screening", record_id=_screening(ws, screened, _contact(ws, screened)))
    again = pathway.open_course(ws=ws, child_id=screened.id, track_id="mind-my-mind", start_date=DAY,
                                other_way="Genoptaget efter pause")
    assert not any("anden vej" in w for w in again.warnings)  # screened: nothing skipped
